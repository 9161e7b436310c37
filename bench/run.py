"""`chirvir bench` with no benchmark named (what `make bench` runs): builds or reuses the synthetic
community (bench/community.py), starts `chirvir serve` on a copy of it, drives the load from this
process (bench/load.py), and leaves a JSON report and a PNG chart under bench-results/ and a
short table on the terminal. With `--url` and `--credentials` it loads a server already running
instead, Chirvir or any Mastodon-compatible one. The server takes its settings from the
environment: DATABASE_URL and REDIS_URL, when set, reach the community's build and the server.

    python -m bench.run [--quick] [--accounts 100000] [--url URL --credentials FILE] ...
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKENS = {"posters": 600, "readers": 400, "witnesses": 8, "pages": 200}
QUICK_TOKENS = {"posters": 40, "readers": 40, "witnesses": 3, "pages": 20}
# The full run's steps and the quick run's (a smoke test of the whole path in well under a minute).
FULL = {"accounts": 100_000, "rates": [10, 25, 50, 100, 200, 400, 800, 1600], "post_seconds": 20, "drain": 12,
        "levels": [1, 4, 16, 64], "page_levels": [1, 16], "read_seconds": 12, "mix_seconds": 15, "streams": 10_000,
        "hold": 15, "warm": 8}
QUICK = {"accounts": 300, "rates": [5, 20], "post_seconds": 3, "drain": 5, "levels": [1, 4], "page_levels": [1],
         "read_seconds": 3, "mix_seconds": 3, "streams": 20, "hold": 3, "warm": 2}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="chirvir bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a tiny community and short steps (the suite's smoke test)")
    parser.add_argument("--accounts", type=int, help="default 100000 (--quick: 300)")
    parser.add_argument("--mean-followers", type=float, help="default 100 (--quick: 20)")
    parser.add_argument("--exponent", type=float, default=0.7, help="power-law exponent of follower counts")
    parser.add_argument("--seed-posts", type=int, help="posts already in the homes (default: one per account)")
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")], help="posting steps, posts/s")
    parser.add_argument("--post-seconds", type=float, help="length of a posting step")
    parser.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")], help="home read concurrency steps")
    parser.add_argument("--read-seconds", type=float, help="length of a read step")
    parser.add_argument("--streams", type=int, help="idle streaming connections held (default 10000)")
    parser.add_argument("--delivery-limit", type=float, default=5.0,
                        help="p99 delivery, s, that ends the posting steps")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between a witness's home reads")
    parser.add_argument("--results", type=Path, default=ROOT / "bench-results",
                        help="where the community and the reports go")
    parser.add_argument("--url", help="load this running server instead of starting one")
    parser.add_argument("--credentials", type=Path, help="with --url: the credentials.json its community left")
    parser.add_argument("--role", choices=["main", "build"], default="main", help=argparse.SUPPRESS)
    parser.add_argument("--directory", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    plan = dict(QUICK if args.quick else FULL)
    for key in ("accounts", "rates", "post_seconds", "levels", "read_seconds", "streams"):
        if getattr(args, key) is not None:
            plan[key] = getattr(args, key)
    mean = args.mean_followers or (20 if args.quick else 100)
    tokens = QUICK_TOKENS if args.quick else TOKENS
    from bench import community

    wanted = community.shape_of(plan["accounts"], mean, args.exponent, args.seed, args.seed_posts or plan["accounts"])
    if args.role == "build":
        began = time.monotonic()
        def progress(message):
            print(f"  {time.monotonic() - began:5.0f} s  {message}", file=sys.stderr, flush=True)

        print(json.dumps(community.build(args.directory, wanted, tokens, progress)))
        return

    started = time.time()
    args.results.mkdir(parents=True, exist_ok=True)
    if args.url:
        if not args.credentials:
            parser.error("--url needs --credentials (the credentials.json the server's community left)")
        stamp = {"credentials": str(args.credentials)}
        report = _load(args, plan, args.url.rstrip("/"), json.loads(args.credentials.read_text()), None, stamp)
    else:
        if not shutil.which("wrk"):
            raise SystemExit("The benchmark needs wrk, which is not installed (Debian: apt-get install wrk).")
        stamp = _community(args, wanted, tokens)
        report = _serve_and_load(args, plan, stamp)
    report["seconds"] = round(time.time() - started, 1)
    _write(args.results, report)
    if report["failed"]:
        raise SystemExit(f"These loads failed: {', '.join(report['failed'])} (the report says why)")


def _environment() -> dict:
    """The server's settings: the caller's (DATABASE_URL, REDIS_URL and the rest), with no limit on
    requests or posts, since the load is what is measured (every request is still counted)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), CHIRVIR_RATE_LIMIT=str(10**9), CHIRVIR_POSTS_PER_HOUR="0")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _scale_out() -> bool:
    return bool(os.environ.get("DATABASE_URL"))


def _community(args, wanted: dict, tokens: dict) -> dict:
    """The kept community of this shape, built first when missing or made by another version. A
    database named by DATABASE_URL cannot be copied as a file, so there it is built every run."""
    from bench import community

    kept = args.results / f"community-{wanted['accounts']}"
    stamp = None if _scale_out() else community.stored(kept, wanted)
    if stamp:
        print(f"Reusing the community in {kept} (built in {stamp['build_seconds']} s)", flush=True)
        return stamp
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    print(f"Building {wanted['accounts']:,} accounts (mean {wanted['mean_followers']:g} followers, "
          f"{community.INACTIVE_SHARE:.0%} inactive) in {kept} ...", flush=True)
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--role", "build", "--directory", str(kept), *_shape_args(args, wanted)],
        env=dict(_environment(), CHIRVIR_DATA_DIR=str(kept)), check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    return json.loads(out)


def _shape_args(args, wanted: dict) -> list[str]:
    return ["--accounts", str(wanted["accounts"]), "--mean-followers", str(wanted["mean_followers"]),
            "--exponent", str(wanted["exponent"]), "--seed", str(wanted["seed"]),
            "--seed-posts", str(wanted["seed_posts"]), *(["--quick"] if args.quick else [])]


def _serve_and_load(args, plan: dict, stamp: dict) -> dict:
    from bench import community
    from bench.api import free_port

    kept = args.results / f"community-{stamp['accounts']}"
    data_dir = args.results / "run"
    if _scale_out():
        data_dir = kept
    else:
        community.copy(kept, data_dir)
    port = free_port()
    env = dict(_environment(), CHIRVIR_DATA_DIR=str(data_dir), CHIRVIR_BIND=f"127.0.0.1:{port}")
    log = (args.results / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "serve"], env=env, stdout=log, stderr=log,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base, server)
        credentials = json.loads((data_dir / "credentials.json").read_text())
        return _load(args, plan, base, credentials, server.pid, stamp)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        if data_dir != kept:
            shutil.rmtree(data_dir, ignore_errors=True)


def _wait_up(base: str, server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("chirvir serve ended before it served (see bench-results/server.log)")
        try:
            if urllib.request.urlopen(f"{base}/health", timeout=2).read() == b"OK":
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("chirvir serve did not answer /health within 2 minutes")


def _load(args, plan: dict, base: str, credentials: dict, server_pid, stamp: dict) -> dict:
    from tqdm import tqdm

    from bench import load

    workdir = args.results / "load"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    target = load.Target(base, credentials, workdir, server_pid)
    report = {
        "benchmark": "chirvir bench" + (" --quick" if args.quick else ""),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": _machine(),
        "mode": "scale-out" if _scale_out() else ("remote" if args.url else "embedded"),
        "server": base,
        "community": stamp,
        "plan": {**plan, "delivery_limit_s": args.delivery_limit, "poll_s": args.poll},
        "server_rss_idle_bytes": load._server_rss(target),
    }
    phases = [
        ("posting", "(a) posting at stepped rates, delivery read from followers' homes",
         lambda: load.posting(target, plan["rates"], plan["post_seconds"], 16, args.delivery_limit, plan["drain"],
                              args.poll)),
        ("home", "(b) home timeline reads",
         lambda: (load.warm(target, "home", plan["warm"]),
                  load.reads(target, "home", plan["levels"], plan["read_seconds"]))[1]),
        ("page", "(c) the web home page",
         lambda: (load.warm(target, "page", plan["warm"]),
                  load.reads(target, "page", plan["page_levels"], plan["read_seconds"]))[1]),
        ("mix", "(d) 1 write to 20 reads", lambda: load.mix(target, plan["mix_seconds"], 16)),
        ("streaming", "(e) idle streaming connections",
         lambda: load.streaming(target, plan["streams"], plan["hold"], 10)),
    ]
    failed = []
    for key, title, phase in phases:
        tqdm.write(title)
        try:
            report[key] = phase()
        except (RuntimeError, OSError) as e:  # one kind of load failing leaves the others to run
            report[key] = {"error": str(e)}
            failed.append(key)
            tqdm.write(f"  failed: {e}")
    report["failed"] = failed
    shutil.rmtree(workdir, ignore_errors=True)
    return report


def _machine() -> dict:
    load1, load5, load15 = os.getloadavg()
    return {"cores": os.cpu_count(), "cpu": _cpu_model(), "python": platform.python_version(),
            "system": platform.platform(), "load_average": [round(load1, 2), round(load5, 2), round(load15, 2)]}


def _cpu_model() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def _write(results: Path, report: dict) -> None:
    from bench.report import chart, table

    name = "bench-quick" if report["benchmark"].endswith("--quick") else "bench"
    (results / f"{name}.json").write_text(json.dumps(report, indent=2))
    chart(report, results / f"{name}.png")
    print(table(report))
    print(f"Report: {results / f'{name}.json'}, chart: {results / f'{name}.png'} ({report['seconds']:.0f} s in all)")


if __name__ == "__main__":
    main()
