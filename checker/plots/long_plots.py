# Plots a Kestrel long-track checker JSON report: efficiency against p, pT and eta, and dp/p against p, as PNGs.
"""Usage: long_plots.py REPORT.long.json OUT_DIR

Writes long_efficiency_vs_p.png, long_efficiency_vs_pt.png, long_efficiency_vs_eta.png and long_dpp_vs_p.png.
Exit codes (read by checker/plots.c): 0 done, 3 matplotlib/numpy missing, 4 unreadable report.
"""
import json
import os
import sys

from plot_setup import EXIT_BAD_INPUT, plotting

plt, np = plotting("long_plots.py")


def efficiency(h, path):
    """Found over reconstructible per bin, with binomial errors, over the reconstructible particles in grey."""
    edges = np.linspace(h["low"], h["high"], int(h["bins"]) + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    total = np.asarray(h["total"], dtype=float)
    found = np.asarray(h["found"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(total > 0, found / total, np.nan)
        err = np.where(total > 0, np.sqrt(eff * (1 - eff) / total), np.nan)
    fig, ax = plt.subplots(figsize=(6, 4))
    back = ax.twinx()
    back.stairs(total, edges, color="grey", alpha=0.25, fill=True)
    back.set_ylabel("long particles", color="grey")
    ax.set_zorder(back.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.errorbar(centres, eff, yerr=err, fmt="o", ms=3, label="long tracks")
    ax.set_xlabel(h["label"] + (f" [{h['unit']}]" if h["unit"] else ""))
    ax.set_ylabel("efficiency")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def resolution(bins, path):
    """dp/p median and central-68% half-width per momentum bin."""
    rows = [b for b in bins if b["tracks"] > 0 and b["p_high_gev"] > 0 and not (b["p_low_gev"] == 5 and b["p_high_gev"] < 0)]
    if not rows:
        return
    lo = np.array([b["p_low_gev"] for b in rows])
    hi = np.array([b["p_high_gev"] for b in rows])
    centres, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.errorbar(centres, [100 * b["dpp_median"] for b in rows], xerr=half, fmt="o", ms=3, label="median")
    ax.errorbar(centres, [100 * b["dpp_half_width_68"] for b in rows], xerr=half, fmt="s", ms=3, label="central-68% half-width")
    ax.set_xlabel("p [GeV]")
    ax.set_ylabel("dp/p [%]")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with open(sys.argv[1]) as f:
            report = json.load(f)
        hists = report["histograms"]
        bins = report["momentum"]
    except (OSError, ValueError, KeyError) as err:
        print(f"long_plots.py: {sys.argv[1]}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, h in hists.items():
        efficiency(h, os.path.join(sys.argv[2], f"long_{name}.png"))
    resolution(bins, os.path.join(sys.argv[2], "long_dpp_vs_p.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
