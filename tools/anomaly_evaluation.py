# Sets the anomaly line's threshold for a rate on minimum bias, and measures the share of unseen signals it keeps.
"""Usage: anomaly_evaluation.py --network ANOMALY.json --train DIR [--train DIR ...] --background DIR
                               --signal NAME=DIR [--signal ...] [--rate-khz 10] [--input-mhz 30]

The folders hold event_features_*.csv (sequences/nn_training.json with --dump). The threshold is the autoencoder's
reconstruction error that --rate-khz of the training minimum bias exceeds (the samples it was trained on: it never
saw a signal); the held-out --background gives the rate the line then has, and each --signal sample the share of its
events above the threshold, with binomial errors. Scores are computed here in double precision from the JSON.
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from nn_evaluation import score  # noqa: E402
from train_network import read_dir  # noqa: E402


def share(k, n):
    f = k / n if n else 0.0
    return 100 * f, 100 * math.sqrt(f * (1 - f) / n) if n else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", required=True)
    ap.add_argument("--train", action="append", required=True)
    ap.add_argument("--background", required=True)
    ap.add_argument("--signal", action="append", required=True, help="NAME=DIR")
    ap.add_argument("--rate-khz", type=float, default=10.0)
    ap.add_argument("--input-mhz", type=float, default=30.0)
    a = ap.parse_args()
    with open(a.network) as f:
        net = json.load(f)
    train = np.concatenate([score(net, read_dir(d, "event_features")[0]) for d in a.train])
    keep = a.rate_khz / (1000.0 * a.input_mhz)
    cut = float(np.sort(train)[::-1][max(0, int(math.floor(keep * len(train))) - 1)])
    cols, events = read_dir(a.background, "event_features")
    fired = int((score(net, cols) > cut).sum())
    r = share(fired, events)
    print(f"anomaly_evaluation: reconstruction error > {cut:.4f}: {a.rate_khz:g} kHz on the {len(train)} training events")
    print(f"  held-out minimum bias: {fired} of {events} events, {1000 * a.input_mhz * r[0] / 100:.1f} +- "
          f"{1000 * a.input_mhz * r[1] / 100:.1f} kHz")
    print(f"  {'signal (never seen)':<20} {'events':>7} {'kept':>16} {'kept / minimum bias':>20}")
    for name, d in (s.split("=", 1) for s in a.signal):
        c, n = read_dir(d, "event_features")
        k = share(int((score(net, c) > cut).sum()), n)
        print(f"  {name:<20} {n:7d} {k[0]:9.2f} +- {k[1]:4.2f}% {k[0] / max(r[0], 1e-9):14.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
