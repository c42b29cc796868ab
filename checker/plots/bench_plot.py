#!/usr/bin/python3
"""Plots kestrel bench --json output: throughput against batch size, one line per thread count."""
import json
import sys

try:
    import matplotlib
except ImportError:
    sys.exit(3)  # the runner's code for "matplotlib missing"

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(json_path, png_path):
    try:
        with open(json_path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        sys.exit(4)  # the runner's code for "unreadable report"
    lines = {}
    for p in data["points"]:
        lines.setdefault(p["threads"], []).append((p["batch_size"], p["events_per_s_median"], p["events_per_s_min"], p["events_per_s_max"]))
    fig, ax = plt.subplots(figsize=(6, 4))
    for threads, pts in sorted(lines.items()):
        pts.sort()
        xs = [p[0] for p in pts]
        ax.errorbar(xs, [p[1] for p in pts], yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                    marker="o", capsize=3, label=f"{threads} thread{'s' if threads > 1 else ''}")
    ax.set_xscale("log")
    sizes = sorted({p["batch_size"] for p in data["points"]})
    ax.minorticks_off()
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(b) for b in sizes])
    ax.set_xlabel("batch size (events)")
    ax.set_ylabel("events / s (median)")
    ax.set_title(f"{data['sequence']} on {data['device']} ({data['backend']})", fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(png_path, dpi=120)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_plot.py BENCH.json OUT.png")
    main(sys.argv[1], sys.argv[2])
