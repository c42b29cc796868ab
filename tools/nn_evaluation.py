# Compares the two-track network line with the best cut-based two-track selection at the same minimum-bias rate.
"""Usage: nn_evaluation.py --network NET.json --train-background DIR --background DIR --signal NAME=DIR [...]
                          [--train-signal DIR ...] [--rate-khz 500] [--input-mhz 30] [--plots DIR] [--json OUT.json]

The folders hold sv_features_*.csv (sequences/nn_training.json with --dump). Working points are chosen on the
training samples: the network's threshold and the cut-based selection (a grid over the cuts of the two_track_line:
daughters' pT and IP chi2, summed pT, vertex chi2, flight-distance chi2, corrected mass) that give the rate asked for
on --train-background and keep the most --train-signal. Both are then evaluated on the held-out --background (the
rate) and each --signal channel (the TOS efficiency: events with a preselected vertex of two signal tracks that
passes, over the signal events; and over those whose daughters are all long). The network's scores are computed
here in double precision from the JSON: the engine's own figures for the chosen threshold come from kestrel run.
"""
import argparse
import itertools
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from train_network import preselected, read_dir  # noqa: E402


def score(net, cols):
    """The network's score for every row (a classifier's output, an autoencoder's mean squared error)."""
    x = np.stack([(cols[f] - m) / s for f, m, s in zip(net["features"], net["mean"], net["std"])], axis=1)
    h = x
    for layer in net["layers"]:
        h = h @ np.array(layer["weights"]).T + np.array(layer["bias"])
        if layer["activation"] == "groupsort":
            a, b = h[:, 0::2].copy(), h[:, 1::2].copy()
            h[:, 0::2], h[:, 1::2] = np.minimum(a, b), np.maximum(a, b)
        elif layer["activation"] == "relu":
            h = np.maximum(h, 0)
    if net.get("kind") == "autoencoder":
        return ((h - x) ** 2).mean(axis=1)
    y = h[:, 0] + x @ np.array(net.get("monotonic", [0.0] * x.shape[1]))
    return 1 / (1 + np.exp(-y)) if net.get("sigmoid_output") else y


class Sample:
    """A folder's preselected vertices, their events and labels."""

    def __init__(self, path, net):
        cols, self.events = read_dir(path)
        keep = preselected(cols)
        self.cols = {k: v[keep] for k, v in cols.items()}
        self.event = self.cols["event"].astype(np.int64)
        self.label = self.cols["label"] == 1
        self.state = cols["signal_event"]
        # signal events: every event with a signal decay, from all rows' events (an event without vertices has none)
        all_events = cols["event"].astype(np.int64)
        self.signal_events = len(np.unique(all_events[cols["signal_event"] >= 0]))
        self.long_events_all = np.unique(all_events[cols["signal_event"] == 1])
        self.score = score(net, self.cols)

    def fired_events(self, passing):
        return np.unique(self.event[passing])


def cuts_mask(s, c):
    """Rows of sample s passing the cut set c (a dict of the two_track_line's cuts)."""
    col = s.cols
    return ((col["min_track_pt"] >= c["min_track_pt"]) & (col["log_min_ip_chi2"] >= math.log(c["min_track_ip_chi2"])) &
            (col["sum_pt"] >= c["min_sum_pt"]) & (col["chi2"] < c["max_chi2"]) &
            (col["log_fd_chi2"] >= math.log(c["min_fd_chi2"])) & (col["mcor"] >= c["min_mcor"]))


GRID = {"min_track_pt": [200, 500, 800], "min_track_ip_chi2": [4, 9, 16, 25], "min_sum_pt": [1000, 2000, 3000, 4000, 5000],
        "max_chi2": [5, 10], "min_fd_chi2": [25, 50, 100, 150, 300, 600, 1000], "min_mcor": [1000, 2000]}


def rate(bkg, passing, mhz):
    return 1000.0 * mhz * len(bkg.fired_events(passing)) / bkg.events


def tos(sig, passing):
    """TOS efficiency on all signal events and on those whose daughters are all long, with binomial errors."""
    ev = sig.fired_events(passing & sig.label)
    out = []
    for n, k in ((sig.signal_events, len(ev)), (len(sig.long_events_all), len(np.intersect1d(ev, sig.long_events_all)))):
        e = k / n if n else 0.0
        out.append((100 * e, 100 * math.sqrt(e * (1 - e) / n) if n else 0.0))
    return out


def threshold_for(bkg, target, mhz):
    """The lowest network threshold whose rate is at most target: events ordered by their best score."""
    best = {}
    for ev, sc in zip(bkg.event, bkg.score):
        best[ev] = max(best.get(ev, -1.0), sc)
    scores = np.sort(np.array(list(best.values())))[::-1]
    allowed = int(math.floor(target * bkg.events / (1000.0 * mhz)))
    if allowed >= len(scores):
        return float(scores[-1]) - 1e-9 if len(scores) else 0.0
    return float(scores[allowed])  # strictly above this score: at most `allowed` events


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", required=True)
    ap.add_argument("--train-background", required=True)
    ap.add_argument("--train-signal", action="append", default=[])
    ap.add_argument("--background", required=True)
    ap.add_argument("--signal", action="append", required=True, help="NAME=DIR (held out)")
    ap.add_argument("--rate-khz", type=float, default=500.0)
    ap.add_argument("--input-mhz", type=float, default=30.0)
    ap.add_argument("--plots")
    ap.add_argument("--json")
    a = ap.parse_args()
    with open(a.network) as f:
        net = json.load(f)
    tb, hb = Sample(a.train_background, net), Sample(a.background, net)
    ts = [Sample(d, net) for d in a.train_signal]
    held = [(n, Sample(d, net)) for n, d in (s.split("=", 1) for s in a.signal)]
    # working points on the training samples
    cut = threshold_for(tb, a.rate_khz, a.input_mhz)
    best = None
    for values in itertools.product(*GRID.values()):
        c = dict(zip(GRID.keys(), values))
        r = rate(tb, cuts_mask(tb, c), a.input_mhz)
        if r > a.rate_khz:
            continue
        eff = sum(tos(s, cuts_mask(s, c))[0][0] for s in ts) if ts else r
        if best is None or eff > best[0]:
            best = (eff, c)
    if best is None:
        raise SystemExit("nn_evaluation.py: no cut set of the grid is within the rate")
    cuts = best[1]
    result = {"rate_khz": a.rate_khz, "input_mhz": a.input_mhz, "threshold": cut, "cuts": cuts, "channels": {}}
    nn_rate, cut_rate = rate(hb, hb.score > cut, a.input_mhz), rate(hb, cuts_mask(hb, cuts), a.input_mhz)
    e = len(hb.fired_events(hb.score > cut)) / hb.events
    ec = len(hb.fired_events(cuts_mask(hb, cuts))) / hb.events
    err = lambda f: 1000.0 * a.input_mhz * math.sqrt(f * (1 - f) / hb.events)
    print(f"nn_evaluation: working points for {a.rate_khz:g} kHz at {a.input_mhz:g} MHz, chosen on the training samples")
    print(f"  network: score > {cut:.6f}; cuts: " + ", ".join(f"{k} {v:g}" for k, v in cuts.items()))
    print(f"  held-out minimum bias ({hb.events} events): network {nn_rate:.0f} +- {err(e):.0f} kHz, "
          f"cuts {cut_rate:.0f} +- {err(ec):.0f} kHz")
    print(f"  {'channel':<14} {'network TOS':>16} {'cuts TOS':>16} {'gain':>7}   (daughters all long: network, cuts)")
    result["rates"] = {"network": [nn_rate, err(e)], "cuts": [cut_rate, err(ec)]}
    for name, s in held:
        nn, cb = tos(s, s.score > cut), tos(s, cuts_mask(s, cuts))
        gain = 100 * (nn[0][0] / cb[0][0] - 1) if cb[0][0] else float("inf")
        print(f"  {name:<14} {nn[0][0]:7.1f} +- {nn[0][1]:4.1f}% {cb[0][0]:7.1f} +- {cb[0][1]:4.1f}% {gain:+6.1f}%"
              f"   ({nn[1][0]:.1f} +- {nn[1][1]:.1f}%, {cb[1][0]:.1f} +- {cb[1][1]:.1f}%)")
        result["channels"][name] = {"network": nn, "cuts": cb, "signal_events": s.signal_events}
    # the same held-out rate exactly: the network's threshold set so it fires on no more held-out events than the cuts
    matched = threshold_for(hb, cut_rate, a.input_mhz)
    m_rate = rate(hb, hb.score > matched, a.input_mhz)
    print(f"  at the cuts' held-out rate: network score > {matched:.6f}, {m_rate:.0f} kHz")
    result["matched"] = {"threshold": matched, "rate_khz": m_rate, "channels": {}}
    for name, s in held:
        nn, cb = tos(s, s.score > matched), tos(s, cuts_mask(s, cuts))
        gain = 100 * (nn[0][0] / cb[0][0] - 1) if cb[0][0] else float("inf")
        print(f"  {name:<14} {nn[0][0]:7.1f} +- {nn[0][1]:4.1f}% {cb[0][0]:7.1f} +- {cb[0][1]:4.1f}% {gain:+6.1f}%"
              f"   ({nn[1][0]:.1f} +- {nn[1][1]:.1f}%, {cb[1][0]:.1f} +- {cb[1][1]:.1f}%)")
        result["matched"]["channels"][name] = {"network": nn, "cuts": cb}
    if a.plots:
        plots(a, tb, hb, held, cut, cuts)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


def plots(a, tb, hb, held, cut, cuts):
    """ROC per vertex and TOS efficiency against the minimum-bias rate, network and cuts, per held-out channel."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        print(f"nn_evaluation.py: {err}: no plots", file=sys.stderr)
        return
    os.makedirs(a.plots, exist_ok=True)
    # denser where the rates are low: the vertex-score quantiles from 1 - 10^-4.5 down to 0
    thresholds = np.quantile(hb.score, 1.0 - np.logspace(-4.5, 0.0, 150))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, s in held:
        sig = s.score[s.label]
        axes[0].plot([np.mean(hb.score > t) for t in thresholds], [np.mean(sig > t) for t in thresholds], label=name)
        rates = [rate(hb, hb.score > t, a.input_mhz) for t in thresholds]
        effs = [tos(s, s.score > t)[0][0] for t in thresholds]
        line, = axes[1].plot(rates, effs, label=f"{name}, network")
        grid = []
        for values in itertools.product(*GRID.values()):
            c = dict(zip(GRID.keys(), values))
            grid.append((rate(hb, cuts_mask(hb, c), a.input_mhz), tos(s, cuts_mask(s, c))[0][0]))
        grid.sort()
        front, top = [], -1.0
        for r, e in grid:  # the best efficiency at each rate, chosen on this sample: an optimistic frontier
            if e > top:
                front.append((r, e))
                top = e
        axes[1].plot(*zip(*front), "--", color=line.get_color(), label=f"{name}, best cuts")
    axes[0].set_xscale("log")
    axes[0].set_xlabel("minimum-bias vertices kept")
    axes[0].set_ylabel("signal vertices kept")
    axes[0].set_title("ROC per preselected vertex (held out)")
    axes[1].axvline(a.rate_khz, color="grey", lw=0.8)
    axes[1].set_xscale("log")
    axes[1].set_xlim(10, 30000)
    axes[1].set_xlabel(f"two-track rate at {a.input_mhz:g} MHz (kHz)")
    axes[1].set_ylabel("TOS efficiency (%)")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(a.plots, "two_track_network.png"), dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
