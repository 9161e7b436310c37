"""The text benchmark: how long count() takes on hostile texts of growing length (runs of "a.",
of dots, "@" and "#", long URLs, mixed scripts, and the shapes that once made URL matching
quadratic), printed per size so that the growth shows: linear work doubles with the length.

It counts with a limit high enough that the cap does not cut in (the cap grows with the limit),
then shows the cap at the instance's default: a megabyte refused uncounted, and the slowest
hostile text at the longest length that is still counted.

    python -m bench.text [--sizes 12500,25000,50000,100000] [--repeat 3] [--config v1]
"""

import argparse
import math
import time

from chirvir.core import text


def _repeat(piece: str, n: int) -> str:
    return (piece * (n // len(piece) + 1))[:n]


# name -> a text of (about) n code points
HOSTILE = {
    "a.a.a…": lambda n: _repeat("a.", n),
    "dots": lambda n: "." * n,
    "@@@@": lambda n: "@" * n,
    "####": lambda n: "#" * n,
    "long URL": lambda n: "https://example.com/" + _repeat("a/", n - 20),
    "URL, then dots": lambda n: "http://a.com/" + "." * (n - 13),
    "URL, then (a(a(a": lambda n: "http://a.com/" + _repeat("(a", n - 13),
    "mixed scripts": lambda n: _repeat("a.é.日本.рус.हिन्दी.عربي.", n),
    "x_y.com.x_y.com": lambda n: "x.com." + _repeat("x_y.com.", n - 6),
    "IDN labels": lambda n: _repeat("é" * 50 + ".", n - 4) + "com ",
    "IDN hosts": lambda n: " ".join(f"é{i}.com" for i in range(n // 6))[:n],
    "a----": lambda n: "a" + "-" * (n - 1),
    "many URLs": lambda n: _repeat("http://a.com/b ", n),
}


def best_of(repeat: int, s: str, config: text.TextConfig) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        text.count(s, config)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="chirvir bench text", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="12500,25000,50000,100000", help="lengths in code points (%(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size, the best one shown (%(default)s)")
    parser.add_argument("--config", default="v1", help="twitter-text config: v1, v2 or v3 (%(default)s)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    config = text.load_config(args.config, max_chars=1000)
    while text.max_length(config) < max(sizes):
        config = text.load_config(args.config, max_chars=config.max_weighted_length * 2)
    print(
        f"count() on hostile texts, config {args.config} with a limit of {config.max_weighted_length} "
        f"(cap {text.max_length(config):,} code points); ms per call, best of {args.repeat}"
    )
    print(f"{'text':20}" + "".join(f"{size:>11,}" for size in sizes) + "   per doubling")
    for name, make in HOSTILE.items():
        times = [best_of(args.repeat, make(size), config) for size in sizes]
        doublings = math.log2(sizes[-1] / sizes[0]) or 1
        growth = (times[-1] / times[0]) ** (1 / doublings) if times[0] else float("nan")
        print(f"{name:20}" + "".join(f"{t * 1000:11.1f}" for t in times) + f"   x{growth:.2f}")

    default = text.load_config(args.config)
    longest = text.max_length(default)
    megabyte = HOSTILE["a.a.a…"](1_000_000)
    slowest = max(HOSTILE, key=lambda name: best_of(1, HOSTILE[name](longest), default))
    print(
        f"\nAt {args.config}'s own limit ({default.max_weighted_length}) the cap is {longest:,} code points: "
        f"1 MB of a.a.a… is refused in {best_of(args.repeat, megabyte, default) * 1000:.2f} ms; "
        f"the slowest text above at {longest:,} ({slowest}) is counted in "
        f"{best_of(args.repeat, HOSTILE[slowest](longest), default) * 1000:.1f} ms."
    )


if __name__ == "__main__":
    main()
