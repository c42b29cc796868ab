# Plots a Kestrel primary-vertex checker JSON report: resolution and efficiency curves as PNGs.
"""Usage: pv_plots.py REPORT.json OUT_DIR

Writes pv_resolution_{x,y,z}_vs_ntracks.png, pv_efficiency_vs_z.png and pv_efficiency_vs_ntracks.png.
Exit codes (read by checker/plots.c): 0 done, 3 matplotlib/numpy missing, 4 unreadable report.
"""
import json
import os
import sys

from plot_setup import EXIT_BAD_INPUT, plotting

plt, np = plotting("pv_plots.py")

AXES = ["x", "y", "z"]
EFFICIENCIES = {"efficiency_vs_z": "pv_efficiency_vs_z.png", "efficiency_vs_ntracks": "pv_efficiency_vs_ntracks.png"}


def binning(h):
    """Bin edges, centres and the x label."""
    edges = np.linspace(h["low"], h["high"], int(h["bins"]) + 1)
    label = h["label"] + (f" [{h['unit']}]" if h["unit"] else "")
    return edges, 0.5 * (edges[:-1] + edges[1:]), label


def background(ax, counts, edges, label):
    """Entries per bin behind the curve, on their own axis, as LHCb's plots show them."""
    back = ax.twinx()
    back.stairs(counts, edges, color="grey", alpha=0.25, fill=True)
    back.set_ylabel(label, color="grey")
    ax.set_zorder(back.get_zorder() + 1)
    ax.patch.set_visible(False)


def save(fig, ax, ylabel, path):
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_resolution(h, out):
    """Width of the residual per bin, with the error of a Gaussian width (sigma / sqrt(2n))."""
    edges, centres, xlabel = binning(h)
    n = np.asarray(h["entries"], dtype=float)
    for axis in AXES:
        sigma = np.where(n > 0, np.asarray(h["sigma_um"][axis], dtype=float), np.nan)
        mean = np.where(n > 0, np.asarray(h["mean_um"][axis], dtype=float), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            err = np.where(n > 0, sigma / np.sqrt(2 * n), np.nan)
        fig, ax = plt.subplots(figsize=(6, 4))
        background(ax, n, edges, "matched PVs")
        ax.errorbar(centres, sigma, yerr=err, xerr=0.5 * np.diff(edges), fmt="o", ms=3, label="resolution")
        ax.plot(centres, mean, "s", ms=3, mfc="none", label="mean")
        ax.set_xlabel(xlabel)
        ax.set_title(f"PV {axis} resolution vs tracks")
        save(fig, ax, f"{axis} residual (reco - MC) [um]", os.path.join(out, f"pv_resolution_{axis}_vs_ntracks.png"))


def plot_efficiency(h, title, path):
    """Found / reconstructible per bin with binomial errors; empty bins are left out."""
    edges, centres, xlabel = binning(h)
    num = np.asarray(h["numerator"], dtype=float)
    den = np.asarray(h["denominator"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(den > 0, num / den, np.nan)
        err = np.where(den > 0, np.sqrt(np.clip(r * (1 - r), 0, None) / den), np.nan)
    fig, ax = plt.subplots(figsize=(6, 4))
    background(ax, den, edges, "reconstructible MC PVs")
    ax.errorbar(centres, r, yerr=err, xerr=0.5 * np.diff(edges), fmt="o", ms=3, label="efficiency")
    ax.set_xlabel(xlabel)
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    save(fig, ax, "efficiency", path)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            report = json.load(f)
        hists = report["histograms"]
        res = hists["resolution_vs_ntracks"]
        effs = {key: hists[key] for key in EFFICIENCIES}
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"pv_plots.py: cannot read {argv[1]}: {err!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    plot_resolution(res, out)
    for key, name in EFFICIENCIES.items():
        plot_efficiency(effs[key], f"PV efficiency vs {effs[key]['label']}", os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
