# Plots a Kestrel vertex checker JSON report: IP resolution against 1/pT, and the signal vertices' residuals and pulls.
"""Usage: vertex_plots.py REPORT.vertex.json OUT_DIR

Writes vertex_ip_resolution.png, vertex_residuals.png and vertex_pulls.png.
Exit codes (read by checker/plots.c): 0 done, 3 matplotlib/numpy missing, 4 unreadable report.
"""
import os
import sys

from plot_setup import plotting, report_and_folder

plt, np = plotting("vertex_plots.py")


def ip_resolution(report, path):
    """68% half-widths of the x and y IP residuals per 1/pT bin, fitted and VELO-only states, with the linear fits."""
    bins = [b for b in report["ip_resolution"] if b["tracks"] > 0 and b["inv_pt_high"] > 0]
    x = np.array([0.5 * (b["inv_pt_low"] + b["inv_pt_high"]) for b in bins])
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label, style in (("fitted_x", "long-track fit, x", "o"), ("fitted_y", "long-track fit, y", "s"),
                              ("velo_x", "VELO fit, x", "^"), ("velo_y", "VELO fit, y", "v")):
        ax.plot(x, [b[key + "_um"] for b in bins], style, ms=4, label=label)
        fit = report["ip_fit"][key]
        ax.plot(x, fit["a_um"] + fit["b_um_gev"] * x, "-", lw=0.8, color=ax.lines[-1].get_color())
    ax.set_xlabel("1/pT (1/GeV)")
    ax.set_ylabel("IP resolution, 68% half-width (um)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def histograms(sv, prefix, unit, path):
    """The x, y and z histograms of one quantity of the signal vertices."""
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    for ax, axis in zip(axes, "xyz"):
        h = sv[f"{prefix}_{axis}"]
        counts = np.asarray(h["counts"], dtype=float)
        edges = np.linspace(h["low"], h["high"], len(counts) + 1)
        ax.stairs(counts, edges, fill=True, alpha=0.6)
        ax.set_xlabel(f"{prefix} {axis} {unit}".strip())
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    report, out = report_and_folder("vertex_plots.py", __doc__, ("signal_vertices",))
    sv = report["signal_vertices"]
    ip_resolution(report, os.path.join(out, "vertex_ip_resolution.png"))
    if sv["vertex_found"] > 0:
        histograms(sv, "residual", "(um)", os.path.join(out, "vertex_residuals.png"))
        histograms(sv, "pull", "", os.path.join(out, "vertex_pulls.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
