"""One row of bench/compare/run.sh's table from two files of `wall user sys maxrss_kb` lines."""
import statistics
import sys


def read(path):
    rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[1] + r[2] for r in rows)
    peak = statistics.median(r[3] for r in rows) / 1024
    return wall, cpu, peak


name, old, new = sys.argv[1], read(sys.argv[2]), read(sys.argv[3])
print(
    f"| {name} | {old[0]:.2f} | {new[0]:.2f} | {new[0] / old[0]:.3f} "
    f"| {old[1]:.2f} | {new[1]:.2f} | {new[1] / old[1]:.3f} | {old[2]:.0f} | {new[2]:.0f} |"
)
