# Chooses the ghost-probability cut that keeps a share of the good long tracks, and measures it on held-out samples.
"""Usage: ghost_evaluation.py --network GHOST.json --train DIR --test NAME=DIR [--test ...] [--keep 0.99]

The folders hold track_features_*.csv (sequences/nn_training.json with --dump). The cut is the ghost probability
below which --keep of the training sample's long tracks of long particles with p > 5 GeV (2 < eta < 5, not electrons)
stay; each --test sample then gives the share of its ghosts the cut removes and of those tracks it keeps, with
binomial errors. Scores are computed here in double precision from the JSON; the lines cut on the engine's.
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
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", action="append", required=True, help="NAME=DIR")
    ap.add_argument("--keep", type=float, default=0.99)
    a = ap.parse_args()
    with open(a.network) as f:
        net = json.load(f)
    cols, _ = read_dir(a.train, "track_features")
    good = np.sort(score(net, cols)[cols["long_p5"] == 1])
    cut = float(good[min(len(good) - 1, int(math.ceil(a.keep * len(good))) - 1)])
    print(f"ghost_evaluation: keep ghost probability <= {cut:.6f} ({100 * a.keep:g}% of the training sample's long "
          f"p > 5 GeV tracks)")
    print(f"  {'sample':<12} {'tracks':>7} {'ghosts':>7} {'ghosts removed':>18} {'long p>5 kept':>18} {'true kept':>16}")
    for name, d in (t.split("=", 1) for t in a.test):
        c, _ = read_dir(d, "track_features")
        s = score(net, c)
        ghost, p5 = c["ghost"] == 1, c["long_p5"] == 1
        removed = share(int((s[ghost] > cut).sum()), int(ghost.sum()))
        kept = share(int((s[p5] <= cut).sum()), int(p5.sum()))
        true_kept = share(int((s[~ghost] <= cut).sum()), int((~ghost).sum()))
        print(f"  {name:<12} {len(s):7d} {int(ghost.sum()):7d} {removed[0]:9.1f} +- {removed[1]:4.1f}% "
              f"{kept[0]:9.1f} +- {kept[1]:4.1f}% {true_kept[0]:8.1f} +- {true_kept[1]:3.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
