# Plots a Kestrel line-efficiency JSON report: each line's event-level and TOS efficiency on the signal sample.
"""Usage: line_efficiency_plots.py REPORT.efficiency.json OUT_DIR

Writes line_efficiency.png (events whose signal daughters are all long: LHCb's denominator).
Exit codes (read by checker/plots.c): 0 done, 3 matplotlib/numpy missing, 4 unreadable report.
"""
import os
import sys

from plot_setup import plotting, report_and_folder

plt, np = plotting("line_efficiency_plots.py")


def binomial(k, n):
    """Efficiency and its binomial error, in percent."""
    f = k / n if n else 0.0
    return 100.0 * f, 100.0 * np.sqrt(f * (1.0 - f) / n) if n else 0.0


def draw(report, path):
    """Horizontal bars: event-level and TOS efficiency per line, the inclusive decision last."""
    n = report["reconstructible_events"]
    lines = report["lines"]
    names = [line["name"] for line in lines]
    y = np.arange(len(lines))
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(lines) + 1.2))
    for shift, key, label in ((-0.2, "fired_reconstructible", "event level"), (0.2, "tos_reconstructible", "TOS")):
        values = [binomial(line.get(key, 0), n) for line in lines]
        ax.barh(y + shift, [v[0] for v in values], height=0.4, xerr=[v[1] for v in values], label=label)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"efficiency (%) on {n} signal events with every charged daughter long")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    report, out = report_and_folder("line_efficiency_plots.py", __doc__, ("lines", "reconstructible_events"))
    draw(report, os.path.join(out, "line_efficiency.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
