#!/usr/bin/python3
"""Calibrates the forward tracking's magnet model from MC truth, on dumps of kestrel run --dump DIR.

The dumps need velo_tracks, scifi_hits and mc_particles files (sequences/long_calibration.json writes them). For
every long MC particle with a reconstructed VELO track (70% of its hits), its SciFi x-layer hits are fitted with the
T-station model x(z) = a + b dz + c dz^2 (1 + d dz), dz = z - z_ref, and the fits give the kick position, the
curvature per unit of kick and the momentum scale that tracking/forward properties take.
Usage: tools/forward_calibration.py DIR
"""
import glob
import os
import sys

import numpy as np

Z_REF, D_CUBIC = 8520.0, -0.00028


def read_velo(path):
    tracks, cur = [], None
    for line in open(path):
        w = line.split()
        if w[0] == 'track':
            cur = {'ids': [int(x, 16) for x in w[3:]]}
            tracks.append(cur)
        elif w[0] == 'last':
            cur['state'] = [float(x) for x in w[1:6]]
    return tracks


def read_hits(path):
    hits = {}
    for line in list(open(path))[1:]:
        w = line.split()
        hits[int(w[0], 16)] = [int(w[1])] + [float(x) for x in w[2:]]
    return hits


def read_mc(path):
    out = []
    for line in list(open(path))[1:]:
        w = line.split()
        q = {'pid': int(w[2]), 'p': float(w[3]), 'pt': float(w[4]), 'eta': float(w[5]), 'charge': float(w[7]),
             'long': int(w[11])}
        at = 21
        ids = []
        for _ in range(3):
            n = int(w[at])
            ids.append([int(x, 16) for x in w[at + 1:at + 1 + n]])
            at += 1 + n
        q['velo'], q['ut'], q['scifi'] = ids
        out.append(q)
    return out


def main(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, 'mc_particles_*.txt'))):
        e = path.rsplit('_', 1)[1].split('.')[0]
        mc = read_mc(path)
        velo = read_velo(os.path.join(folder, f'velo_tracks_{e}.txt'))
        scifi = read_hits(os.path.join(folder, f'scifi_hits_{e}.txt'))
        for q in mc:
            if not q['long'] or abs(q['pid']) == 11 or not 2 < q['eta'] < 5 or q['p'] < 3000:
                continue
            mine = set(q['velo'])
            best = max(velo, key=lambda t: sum(i in mine for i in t['ids']))
            if sum(i in mine for i in best['ids']) < 0.7 * len(best['ids']):
                continue
            x0, y0, z0, tx, ty = best['state']
            pts = []
            for i in q['scifi']:
                h = scifi.get(i)
                if h is None or h[3] != 0.0:
                    continue
                zone, x, z, dxdy, dzdy = h[:5]
                y = y0 + ty * (z - z0)
                pts.append((x, z + dzdy * y))
            if len(pts) < 5:
                continue
            pts = np.array(pts)
            dz = pts[:, 1] - Z_REF
            m = np.stack([np.ones_like(dz), dz, dz * dz * (1 + D_CUBIC * dz)], 1)
            (a, b, c), *_ = np.linalg.lstsq(m, pts[:, 0], rcond=None)
            rows.append((tx, ty, x0 + tx * (Z_REF - z0), a, b, c, q['charge'] / q['p'], q['p'], x0, z0))
    r = np.array(rows)
    tx, ty, xv, a, b, c, qop, p = r[:, 0], r[:, 1], r[:, 2], r[:, 3], r[:, 4], r[:, 5], r[:, 6], r[:, 7]
    dtx = b - tx
    zmag = Z_REF - (a - xv) / dtx
    kappa = c / dtx
    hi = p > 5000
    print(f'{len(r)} particles ({hi.sum()} with p > 5 GeV)')
    print(f'kick z: median {np.median(zmag[hi]):.1f} mm, 68% {np.percentile(zmag[hi], 16):.1f}..{np.percentile(zmag[hi], 84):.1f}')
    # z_mag = z0 + z1 dtx^2 + z2 tx^2 + z3 ty^2, least squares on p > 5 GeV
    mz = np.stack([np.ones(hi.sum()), dtx[hi] ** 2, tx[hi] ** 2, ty[hi] ** 2], 1)
    zc, *_ = np.linalg.lstsq(mz, zmag[hi], rcond=None)
    print('kick z = %.2f + %.2f dtx^2 + %.2f tx^2 + %.2f ty^2' % tuple(zc))
    print(f'kappa (T curvature per unit kick, 1/mm): median {np.median(kappa[hi]):.4e}, 68% {np.percentile(kappa[hi], 16):.4e}..{np.percentile(kappa[hi], 84):.4e}')
    mk = np.stack([np.ones(hi.sum()), tx[hi] ** 2, ty[hi] ** 2], 1)
    kc, *_ = np.linalg.lstsq(mk, kappa[hi], rcond=None)
    print('kappa = %.4e + %.4e tx^2 + %.4e ty^2' % tuple(kc))
    k = dtx / qop
    print(f'dtx / (q/p) [MeV]: median {np.median(k[hi]):.1f}, 68% {np.percentile(k[hi], 16):.1f}..{np.percentile(k[hi], 84):.1f}')
    mp = np.stack([np.ones(hi.sum()), tx[hi] ** 2, ty[hi] ** 2], 1)
    pc, *_ = np.linalg.lstsq(mp, k[hi], rcond=None)
    print('dtx / (q/p) = %.2f + %.2f tx^2 + %.2f ty^2 MeV' % tuple(pc))
    print(f'|dtx| max {np.abs(dtx).max():.3f}; p min {p.min():.0f}')


if __name__ == '__main__':
    main(sys.argv[1])
