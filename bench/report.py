"""How `chirvir bench` shows its report: a PNG chart (throughput and latency against the load
offered, one panel per kind of load) and a short table for the terminal."""

from pathlib import Path


def chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    from matplotlib import pyplot

    figure, panels = pyplot.subplots(1, 3, figsize=(15, 4.8))
    posting, home, page = panels
    steps = _steps(report, "posting")
    offered = [s["offered_rps"] for s in steps]
    posting.plot(offered, [s["posted_rps"] for s in steps], "o-", label="posted/s")
    posting.plot(offered, offered, ":", color="grey", label="offered")
    posting.set(title="(a) posting", xlabel="posts/s offered", ylabel="posts/s")
    late = posting.twinx()
    late.plot(offered, [_or_nan(s["delivery_p50_s"]) for s in steps], "s--", color="tab:green", label="delivery p50")
    late.plot(offered, [_or_nan(s["delivery_p99_s"]) for s in steps], "s-", color="tab:red", label="delivery p99")
    late.axhline(report["plan"]["delivery_limit_s"], color="tab:red", linewidth=0.5)
    late.set_ylabel("seconds to a follower's home")
    _legend(posting, late)
    for panel, steps_, title in ((home, _steps(report, "home"), "(b) GET /api/v1/timelines/home"),
                                 (page, _steps(report, "page"), "(c) GET /home (web)")):
        levels = [s["connections"] for s in steps_]
        panel.plot(levels, [s["rps"] for s in steps_], "o-", label="requests/s")
        panel.set(title=title, xlabel="connections", ylabel="requests/s")
        panel.set_xscale("log", base=2)
        ms = panel.twinx()
        ms.plot(levels, [s["p50_ms"] for s in steps_], "s--", color="tab:green", label="p50")
        ms.plot(levels, [s["p99_ms"] for s in steps_], "s-", color="tab:red", label="p99")
        ms.set_ylabel("ms")
        _legend(panel, ms)
    mix, streams = report["mix"], report["streaming"]
    kib = streams.get("bytes_per_connection")
    mixed = "failed" if "error" in mix else f"{mix['rps']:.0f} requests/s, p99 {mix['p99_ms']} ms"
    held = "failed" if "error" in streams else (
        f"{streams['open']:,} streams" + (f", {kib / 1024:.1f} KiB each" if kib is not None else "")
        + f", {streams['events']} events")
    figure.suptitle(
        f"{report['benchmark']} · {report['mode']} · {report['community'].get('accounts', 0):,} accounts"
        f" · {report['date']}\n(d) 1:20 mix {mixed} · (e) {held}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def _steps(report: dict, key: str) -> list:
    """A stepped load's steps; none when it failed (the report holds its error instead)."""
    found = report[key]
    return found if isinstance(found, list) else []


def _or_nan(value):
    return float("nan") if value is None else value


def _legend(*axes):
    handles, labels = [], []
    for axis in axes:
        h, l_ = axis.get_legend_handles_labels()
        handles += h
        labels += l_
    axes[0].legend(handles, labels, fontsize=8, loc="upper left")


def table(report: dict) -> str:
    """The figures that matter, one line each."""
    rows = [("load", "throughput", "p50", "p99", "client CPU")]
    for s in _steps(report, "posting"):
        rows.append((f"(a) posting, {s['offered_rps']:g}/s offered", f"{s['posted_rps']:.0f} posts/s",
                     _s(s["delivery_p50_s"]), _s(s["delivery_p99_s"]) + f" ({s['unseen_posts']} unseen)",
                     f"{s['client_cpu_share']:.0%}"))
    for kind, label in (("home", "(b) home API"), ("page", "(c) web home")):
        for s in _steps(report, kind):
            rows.append((f"{label}, {s['connections']} conn.", f"{s['rps']:.0f}/s", f"{s['p50_ms']} ms",
                         f"{s['p99_ms']} ms", f"{s['client_cpu_share']:.0%}"))
    m = report["mix"]
    if "error" not in m:
        rows.append((f"(d) 1:20 mix, {m['connections']} conn.", f"{m['rps']:.0f}/s ({m['posts_rps']:.0f} posts/s)",
                     f"{m['p50_ms']} ms", f"{m['p99_ms']} ms", f"{m['client_cpu_share']:.0%}"))
    st = report["streaming"]
    each = st.get("bytes_per_connection")
    if "error" not in st:
        rows.append((f"(e) {st['open']:,} idle streams", f"{st['events']} events in {st['hold_seconds']:g} s", "",
                     f"{each / 1024:.1f} KiB/conn." if each is not None else "", f"{st['client_cpu_share']:.0%}"))
    rows += [(f"{key}: failed", report[key]["error"][:60], "", "", "") for key in report.get("failed", [])]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    c = report["community"]
    if "accounts" in c:
        lines.insert(0, f"{c['accounts']:,} accounts ({c['active_accounts']:,} active, {c['inactive_share']:.0%} "
                        f"inactive), {c['follows']:,} follows, most-followed {c['max_followers']:,}, "
                        f"{report['mode']}, load average {report['machine']['load_average']}")
    return "\n".join(lines)


def _s(value) -> str:
    return "never" if value is None else f"{value:.2f} s"
