"""Sum a CHIRVIR_TEST_CPU_LOG (tests/conftest.py) by run and test file, longest CPU first:
`python -m tests.cpu_by_file LOG [N]` prints, for each database the log holds a run on, the N
files (default 30) that took the most CPU, and the run's totals."""

import sys
from collections import defaultdict


def main(path: str, shown: int = 30) -> None:
    runs: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0]))
    with open(path) as log:
        for line in log:
            seconds, elapsed, database, nodeid = line.rstrip("\n").split(" ", 3)
            figures = runs[database][nodeid.split("::", 1)[0]]
            figures[0] += float(seconds)
            figures[1] += float(elapsed)
            figures[2] += 1
    for database, files in runs.items():
        total = sum(cpu for cpu, _, _ in files.values())
        print(f"== {database}\n{'CPU s':>8} {'share':>6} {'wall s':>8} {'tests':>5}  file")
        for name, (cpu, wall, tests) in sorted(files.items(), key=lambda f: f[1][0], reverse=True)[:shown]:
            print(f"{cpu:8.1f} {cpu / total:6.1%} {wall:8.1f} {tests:5}  {name}")
        walls, count = sum(w for _, w, _ in files.values()), sum(n for _, _, n in files.values())
        print(f"{total:8.1f} {'':6} {walls:8.1f} {count:5}  all {len(files)} files")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:3]))
