# Trains Kestrel's networks (two-track, ghost) on features written by sequences/nn_training.json, and writes the JSON.
"""Usage: train_network.py [--target vertices|ghosts] [--signal DIR ...] --background DIR [...] --out NET.json
                          [--features a,b,c] [--monotonic a=+1,b=+1] [--hidden 32,32] [--lambda 64] [--epochs 60]
                          [--seed 1]

DIR holds the CSV files of `kestrel run -s sequences/nn_training.json -i FILE --validate --dump DIR`. For the
two-track network (--target vertices), signal is every vertex of the signal samples made of two tracks of the signal
decay (label 1), background every vertex of the minimum-bias samples; both pass the two-track network line's
preselection first (the cuts of device/selections/lines/two_track_lines.h's defaults), so the network learns where
it is used. For the ghost network (--target ghosts), every long track of the --background samples, a ghost being 1.
For the anomaly autoencoder (--target events), every event of the minimum-bias --background samples: the network
reproduces its standardised features through a narrow linear bottleneck, trained on the mean squared error.

The network is LHCb's kind: dense layers with GroupSort activations whose weights are kept within a norm bound after
every step, so every partial derivative of the output is within lambda, plus, for the inputs named in --monotonic,
lambda times the input (with its sign): the score can then only grow with those inputs. The defaults (eight features
with logarithms of the momenta, no monotonic term, a loose bound) are what the evaluation in docs/networks.md chose. Trained with Adam on the
binary cross-entropy of sigmoid(output), in numpy, from a fixed seed; the same data and seed give the same file.
"""
import argparse
import glob
import json
import os
import sys

import numpy as np

FORMAT = "kestrel-network-1"
PRESELECTION = {"log_min_ip_chi2": (np.log(4.0), None), "chi2": (None, 10.0), "mcor": (1000.0, None), "eta": (2.0, 5.0)}


def read_dir(path, prefix="sv_features"):
    """All rows of a folder's PREFIX_*.csv files (a dict of columns) and the events they looked at."""
    files = sorted(glob.glob(os.path.join(path, f"{prefix}_*.csv")))
    if not files:
        raise SystemExit(f"train_network.py: {path}: no {prefix}_*.csv (run sequences/nn_training.json with --dump)")
    columns, events = None, 0
    chunks = []
    for name in files:
        with open(name) as f:
            first = f.readline()
            if not first.startswith("# events "):
                raise SystemExit(f"train_network.py: {name}: does not start with '# events N'")
            events += int(first.split()[2])
            header = f.readline().strip().split(",")
            if columns is None:
                columns = header
            elif header != columns:
                raise SystemExit(f"train_network.py: {name}: other columns than {files[0]}")
            rows = np.loadtxt(f, delimiter=",", ndmin=2, dtype=np.float64)
            if rows.size:
                chunks.append(rows)
    data = np.concatenate(chunks) if chunks else np.zeros((0, len(columns)))
    return {c: data[:, i] for i, c in enumerate(columns)}, events


def preselected(cols):
    """The rows that pass the network line's preselection."""
    keep = np.ones(len(cols["event"]), dtype=bool)
    for name, (lo, hi) in PRESELECTION.items():
        if lo is not None:
            keep &= cols[name] >= lo if name != "eta" else cols[name] > lo
        if hi is not None:
            keep &= cols[name] < hi
    return keep


def groupsort(z):
    """Sorts each pair of columns; returns the result and whether each pair was swapped."""
    a, b = z[:, 0::2], z[:, 1::2]
    swap = a > b
    out = np.empty_like(z)
    out[:, 0::2] = np.where(swap, b, a)
    out[:, 1::2] = np.where(swap, a, b)
    return out, swap


def forward(params, x):
    """The last layer's outputs and the cache for the gradient."""
    h, cache = x, []
    for i, (w, b) in enumerate(params):
        z = h @ w.T + b
        if i + 1 < len(params) and w.shape[0] % 2 == 0 and i not in BOTTLENECK:
            z, swap = groupsort(z)
            cache.append((h, swap))
        else:
            cache.append((h, None))
        h = z
    return h, cache


def backward(params, cache, g):
    """Gradients of the weights and biases for d(loss)/d(last outputs) = g (rows by outputs)."""
    grads = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        h, _ = cache[i]
        w, _ = params[i]
        grads[i] = (g.T @ h, g.sum(axis=0))
        g = g @ w
        if i > 0 and cache[i - 1][1] is not None:
            prev_swap = cache[i - 1][1]
            a, b = g[:, 0::2].copy(), g[:, 1::2].copy()
            g = g.copy()
            g[:, 0::2] = np.where(prev_swap, b, a)
            g[:, 1::2] = np.where(prev_swap, a, b)
    return grads


def project(params, bound):
    """The Lipschitz constraint, as LHCb's monotonic networks have it: the first layer's largest absolute weight (its
    1-to-infinity norm) and every later layer's largest absolute row sum (infinity norm) within bound, so the network's
    output moves by at most bound^layers times the largest change of one input: every partial derivative is within
    lambda, and lambda times an input added to the output makes the score grow with it."""
    for i, (w, _) in enumerate(params):
        if i == 0:
            np.clip(w, -bound, bound, out=w)
        else:
            rows = np.abs(w).sum(axis=1, keepdims=True)
            w *= np.minimum(1.0, bound / np.maximum(rows, 1e-12))


# Layers left linear: an autoencoder's bottleneck.
BOTTLENECK = set()


def output_and_grad(params, x, y, w, mono, autoencoder):
    """The loss's gradient with respect to the last outputs of a batch, and the per-row loss."""
    h, cache = forward(params, x)
    if autoencoder:
        d = h - x
        return cache, 2.0 * d / d.size, (d * d).mean(axis=1)
    out = h[:, 0] + x @ mono
    p = 1.0 / (1.0 + np.exp(-out))
    q = np.clip(p, 1e-7, 1 - 1e-7)  # for the loss only: the gradient is exact
    loss = -(y * np.log(q) + (1 - y) * np.log(1 - q))
    return cache, (w * (p - y) / w.sum())[:, None], loss


def train(x, y, weights, sizes, lam, mono, epochs, seed, autoencoder=False):
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0, 1 / np.sqrt(n_in), (n_out, n_in)), np.zeros(n_out)) for n_in, n_out in zip(sizes, sizes[1:])]
    bound = lam ** (1.0 / len(params))
    project(params, bound)
    m = [(np.zeros_like(w), np.zeros_like(b)) for w, b in params]
    v = [(np.zeros_like(w), np.zeros_like(b)) for w, b in params]
    lr, beta1, beta2, step = 3e-3, 0.9, 0.999, 0
    batch = 512
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            cache, g, _ = output_and_grad(params, x[idx], y[idx], weights[idx], mono, autoencoder)
            grads = backward(params, cache, g)
            step += 1
            for i, ((w, b), (gw, gb)) in enumerate(zip(params, grads)):
                for k, (param, gr) in enumerate(((w, gw), (b, gb))):
                    m[i][k][...] = beta1 * m[i][k] + (1 - beta1) * gr
                    v[i][k][...] = beta2 * v[i][k] + (1 - beta2) * gr * gr
                    mh, vh = m[i][k] / (1 - beta1 ** step), v[i][k] / (1 - beta2 ** step)
                    param -= lr * mh / (np.sqrt(vh) + 1e-8)
            project(params, bound)
        if epoch in (0, epochs - 1) or (epoch + 1) % 10 == 0:
            _, _, loss = output_and_grad(params, x, y, weights, mono, autoencoder)
            mean = loss.mean() if autoencoder else (weights * loss).sum() / weights.sum()
            print(f"train_network: epoch {epoch + 1}: loss {mean:.4f}")
    return params


# What each target trains: the CSV files, the default features, and the score's meaning.
TARGETS = {
    "vertices": ("sv_features", "log_fd_chi2,log_sum_pt,chi2,log_min_ip_chi2,log_min_track_pt,log_mcor,eta,doca"),
    "ghosts": ("track_features", "chi2ndof,velo_hits,scifi_hits,x_layers,quality,log_rms,log_p,log_pt,eta"),
    "events": ("event_features", "n_long,n_displaced,log_max_pt,log_max_ip_chi2,log_max_fd_chi2,log_max_mcor"),
}


def samples(a, features):
    """The training rows and labels. Vertices: the signal samples' vertices of two signal tracks (1) and every
    minimum-bias vertex (0), after the line's preselection. Ghosts: every long track of the samples, 1 for a ghost."""
    prefix = TARGETS[a.target][0]
    groups = [(1, d) for d in a.signal] + [(0, d) for d in a.background] if a.target == "vertices" else \
             [(None, d) for d in a.background]
    xs, ys = [], []
    for label, d in groups:
        cols, _ = read_dir(d, prefix)
        missing = [f for f in features if f not in cols]
        if missing:
            raise SystemExit(f"train_network.py: {d}: no column {missing[0]}")
        if a.target == "vertices":
            keep = preselected(cols) & (cols["label"] == 1 if label else np.ones(len(cols["event"]), dtype=bool))
            y = np.full(keep.sum(), label, dtype=np.float64)
        elif a.target == "events":
            keep = np.ones(len(cols["event"]), dtype=bool)
            y = np.zeros(keep.sum())
        else:
            keep = np.ones(len(cols["event"]), dtype=bool)
            y = cols["ghost"].astype(np.float64)
        xs.append(np.stack([cols[f][keep] for f in features], axis=1))
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", choices=TARGETS, default="vertices")
    ap.add_argument("--signal", action="append", default=[], help="vertices: signal samples")
    ap.add_argument("--background", action="append", required=True,
                    help="vertices, events: minimum bias; ghosts: any samples")
    ap.add_argument("--out", required=True)
    ap.add_argument("--features", help="comma-separated (default: the target's)")
    ap.add_argument("--monotonic", default="", help="NAME=+1 or -1, comma-separated (LHCb: log_fd_chi2=+1,...)")
    ap.add_argument("--hidden", default="32,32")
    ap.add_argument("--lambda", dest="lam", type=float, default=64.0)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.target == "vertices" and not a.signal:
        ap.error("--target vertices needs --signal")
    features = (a.features or TARGETS[a.target][1]).split(",")
    hidden = [int(h) for h in a.hidden.split(",")]
    if any(h % 2 for h in hidden):
        ap.error("--hidden: GroupSort needs even widths")
    x, y = samples(a, features)
    autoencoder = a.target == "events"
    n_sig, n_bkg = int(y.sum()), int(len(y) - y.sum())
    if (not autoencoder and (n_sig < 10 or n_bkg < 10)) or len(y) < 10:
        raise SystemExit(f"train_network.py: {n_sig} positive and {n_bkg} negative examples: too few")
    what = {"vertices": f"{n_sig} signal and {n_bkg} background vertices", "ghosts": f"{n_sig} ghosts and {n_bkg} true "
            "tracks", "events": f"{len(y)} minimum-bias events"}[a.target]
    print(f"train_network: {what}, features {', '.join(features)}")
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    xs_std = (x - mean) / std
    mono = np.zeros(len(features))
    for term in filter(None, a.monotonic.split(",")):
        name, sign = term.split("=")
        if name not in features:
            ap.error(f"--monotonic: {name} is not among the features")
        mono[features.index(name)] = a.lam * float(sign)
    if autoencoder:
        # inputs -> hidden (GroupSort) -> a linear bottleneck of a quarter of the inputs -> hidden -> inputs
        sizes = [len(features)] + hidden + [max(2, len(features) // 4)] + hidden[::-1] + [len(features)]
        BOTTLENECK.add(len(hidden))
        weights = np.ones(len(y))
    else:
        sizes = [len(features)] + hidden + [1]
        # the two classes weigh the same
        weights = np.where(y == 1, 0.5 / max(n_sig, 1), 0.5 / max(n_bkg, 1)) * len(y)
    params = train(xs_std, y, weights, sizes, a.lam, mono, a.epochs, a.seed, autoencoder)
    layers = [{"weights": w.tolist(), "bias": b.tolist(),
               "activation": "groupsort" if i + 1 < len(params) and i not in BOTTLENECK else "linear"}
              for i, (w, b) in enumerate(params)]
    net = {"format": FORMAT, "kind": "autoencoder" if autoencoder else "classifier", "features": features,
           "mean": mean.tolist(), "std": std.tolist(), "layers": layers,
           "trained": {"target": a.target, "signal": a.signal, "background": a.background, "positive": n_sig,
                       "negative": n_bkg, "hidden": hidden, "lambda": a.lam, "epochs": a.epochs, "seed": a.seed}}
    if not autoencoder:
        net["monotonic"], net["sigmoid_output"] = mono.tolist(), True
    with open(a.out, "w") as f:
        json.dump(net, f, indent=1)
        f.write("\n")
    print(f"train_network: wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
