# Plots a Kestrel VELO track checker JSON report: efficiency and ghost-rate curves as PNGs.
"""Usage: track_plots.py REPORT.json OUT_DIR

Exit codes (read by checker/plots.c): 0 done, 3 matplotlib/numpy missing, 4 unreadable report.
"""
import json
import os
import sys

from plot_setup import EXIT_BAD_INPUT, plotting

plt, np = plotting("track_plots.py")

# Efficiency variables, in the report's key order, with the file each one goes to.
EFF_VARS = ["p", "pt", "eta", "phi", "n_velo_hits"]
GHOST_VARS = {"eta": "ghost_rate_vs_eta.png", "tracks_per_event": "ghost_rate_vs_tracks_per_event.png"}


def axis_of(h):
    """Bin edges and x label, MeV shown as GeV as LHCb's plots do."""
    edges = np.linspace(h["low"], h["high"], int(h["bins"]) + 1)
    unit = h["unit"]
    if unit == "MeV":
        edges, unit = edges / 1000.0, "GeV"
    return edges, h["label"] + (f" [{unit}]" if unit else "")


def ratio(h):
    """Ratio per bin with binomial errors; NaN where the denominator is empty."""
    num = np.asarray(h["numerator"], dtype=float)
    den = np.asarray(h["denominator"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(den > 0, num / den, np.nan)
        err = np.where(den > 0, np.sqrt(np.clip(r * (1 - r), 0, None) / den), np.nan)
    return r, err, den


def draw(ax, h, label, background=None):
    """One ratio curve; a background label puts its denominator behind, on its own axis, as LHCb shows it."""
    edges, xlabel = axis_of(h)
    r, err, den = ratio(h)
    centres = 0.5 * (edges[:-1] + edges[1:])
    if background:
        back = ax.twinx()
        back.stairs(den, edges, color="grey", alpha=0.25, fill=True)
        back.set_ylabel(background, color="grey")
        ax.set_zorder(back.get_zorder() + 1)
        ax.patch.set_visible(False)
    ax.errorbar(centres, r, yerr=err, xerr=0.5 * np.diff(edges), fmt="o", ms=3, label=label)
    ax.set_xlabel(xlabel)


def save(fig, ax, ylabel, top, path):
    """Labels and writes one figure; top None lets the (small) ghost rates set their own scale."""
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, top)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            report = json.load(f)
        eff_hists = report["efficiency_histograms"]
        ghost_hists = report["ghost_histograms"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"track_plots.py: cannot read {argv[1]}: {err!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    for var in EFF_VARS:
        fig, ax = plt.subplots(figsize=(6, 4))
        for i, (cat, hists) in enumerate(eff_hists.items()):
            draw(ax, hists[var], cat, f"{cat} particles" if i == 0 else None)
        ax.set_title(f"VELO tracking efficiency vs {var}")
        save(fig, ax, "efficiency", 1.05, os.path.join(out, f"efficiency_vs_{var}.png"))
    for var, name in GHOST_VARS.items():
        fig, ax = plt.subplots(figsize=(6, 4))
        draw(ax, ghost_hists[var], "ghost rate", "tracks")
        ax.set_title(f"VELO ghost rate vs {var}")
        save(fig, ax, "ghost rate", None, os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
