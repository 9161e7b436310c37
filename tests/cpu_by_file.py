"""Sum a CHIRVIR_TEST_CPU_LOG (tests/conftest.py) by test file, longest CPU first:
`python -m tests.cpu_by_file LOG [N]` prints the N files (default 30) and the totals."""

import sys
from collections import defaultdict


def main(path: str, shown: int = 30) -> None:
    cpu, wall, tests = defaultdict(float), defaultdict(float), defaultdict(int)
    with open(path) as log:
        for line in log:
            seconds, elapsed, nodeid = line.split(" ", 2)
            name = nodeid.split("::", 1)[0]
            cpu[name] += float(seconds)
            wall[name] += float(elapsed)
            tests[name] += 1
    total = sum(cpu.values())
    print(f"{'CPU s':>8} {'share':>6} {'wall s':>8} {'tests':>5}  file")
    for name in sorted(cpu, key=cpu.get, reverse=True)[:shown]:
        print(f"{cpu[name]:8.1f} {cpu[name] / total:6.1%} {wall[name]:8.1f} {tests[name]:5}  {name}")
    print(f"{total:8.1f} {'':6} {sum(wall.values()):8.1f} {sum(tests.values()):5}  all {len(cpu)} files")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:3]))
