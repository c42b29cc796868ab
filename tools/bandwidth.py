# Tunes chosen cuts of a trigger sequence to a rate budget on minimum bias, and reports signal efficiencies there.
"""Usage: bandwidth.py --sequence SEQ.json --minbias MB.mdf --signal NAME=FILE.mdf [--signal ...]
                      --scan LINE.PROPERTY=V1,V2,... [--scan ...] --budget-khz RATE --out NEW.json
                      [--detector DIR] [--kestrel BIN] [-t N] [--work DIR]

Every scanned line is replaced by one copy per value (LINE__scanK, the other properties kept), so one kestrel run per
sample decides every point of the scan at once; the runs write the accepted events with --output-mode reduced, whose
DecReports give each event's decisions. Every combination of the scanned values is then evaluated: its inclusive rate
on minimum bias (at the sequence's input rate) and its mean inclusive efficiency over the signal samples. The best
combination within the budget is written into a copy of the sequence (NEW.json), which is run once more on every
sample: the rate and efficiencies printed at the end are Kestrel's own for the new sequence. Exit status 1 when no
combination fits the budget or the check run exceeds it, 2 on bad arguments.
"""
import argparse
import copy
import itertools
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

DEC_REPORTS = 17  # LHCb's HltDecReports bank type


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sequence", required=True)
    p.add_argument("--minbias", required=True)
    p.add_argument("--signal", action="append", default=[], help="NAME=FILE.mdf (repeatable)")
    p.add_argument("--scan", action="append", required=True, help="LINE.PROPERTY=V1,V2,... (repeatable)")
    p.add_argument("--budget-khz", type=float, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--detector")
    p.add_argument("--kestrel", default=os.path.join(os.path.dirname(__file__), "..", "build", "cpu", "kestrel"))
    p.add_argument("-t", "--threads", type=int, default=1)
    p.add_argument("--work", help="keep the scan's files here (default: a temporary folder, removed)")
    a = p.parse_args()
    scans = []
    for s in a.scan:
        try:
            target, values = s.split("=", 1)
            line, prop = target.rsplit(".", 1)
            scans.append((line, prop, [float(v) for v in values.split(",")]))
        except ValueError:
            p.error(f"--scan {s}: write LINE.PROPERTY=V1,V2,...")
    signals = []
    for s in a.signal:
        if "=" not in s:
            p.error(f"--signal {s}: write NAME=FILE.mdf")
        signals.append(tuple(s.split("=", 1)))
    return a, scans, signals


def scan_sequence(seq, scans):
    """The sequence with each scanned line replaced by a copy per value; returns it and the copies' names."""
    out = copy.deepcopy(seq)
    names = {}
    for line, prop, values in scans:
        at = [i for i, inst in enumerate(out["sequence"]) if inst.get("name") == line]
        if not at:
            raise SystemExit(f"bandwidth.py: --scan {line}.{prop}: no instance called {line} in the sequence")
        inst = out["sequence"][at[0]]
        copies = []
        for k, v in enumerate(values):
            c = copy.deepcopy(inst)
            c["name"] = f"{line}__scan{k}"
            props = c.setdefault("properties", {})
            props[prop] = v
            # the scalers hash the line's own name, so every copy keeps or drops the events the line would
            for which in ("pre", "post"):
                if not props.get(f"{which}_scaler_hash_string"):
                    props[f"{which}_scaler_hash_string"] = f"{line}_{which}"
            copies.append(c)
        out["sequence"][at[0]:at[0] + 1] = copies
        names[line] = [c["name"] for c in copies]
    return out, names


def decisions(path):
    """Per record of an MDF file, the set of decision ids that fired (from its DecReports bank)."""
    data = open(path, "rb").read()
    pos, events = 0, []
    while pos + 48 <= len(data):
        size = struct.unpack_from("<I", data, pos)[0]
        header = 4 * (data[pos + 17] & 0x0F) + 20  # 7 sub-header words: 48 bytes
        body, end = pos + header, pos + size
        fired = set()
        while body + 8 <= end:
            magic, length, btype = struct.unpack_from("<HHB", data, body)
            if magic != 0xCBCB or length < 8:
                raise SystemExit(f"bandwidth.py: {path}: a bad bank at byte {body}")
            if btype == DEC_REPORTS:
                words = struct.unpack_from(f"<{(length - 8) // 4}I", data, body + 8)
                fired = {w >> 16 for w in words[3:] if w & 1}
            body += (length + 3) & ~3
        events.append(fired)
        pos = end
    return events


def run(args, sequence, sample, report, output):
    """Runs kestrel; returns the run's rates JSON."""
    cmd = [args.kestrel, "run", "-s", sequence, "-i", sample, "-t", str(args.threads), "--no-progress", "--validate",
           "--report", report, "--output", output, "--output-mode", "reduced"]
    if args.detector:
        cmd += ["--detector", args.detector]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 3):  # 3: some input events rejected, counted in the run's accounting
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bandwidth.py: {' '.join(cmd)} failed ({done.returncode})")
    with open(report + ".rates.json") as f:
        return json.load(f)


def sample_table(args, sequence, name, path, work):
    """A sample's decisions: (events processed, input rate in MHz, {line name: decision id}, fired-id sets per event)."""
    rates = run(args, sequence, path, os.path.join(work, f"{name}.json"), os.path.join(work, f"{name}.mdf"))
    ids = {line["name"]: line["decision_id"] for line in rates["lines"]}
    return rates["events"], rates["input_rate_mhz"], ids, decisions(os.path.join(work, f"{name}.mdf"))


def inclusive(table, fixed_ids, chosen_ids):
    """Events of the sample with a fixed line or a chosen scan copy fired."""
    wanted = fixed_ids | chosen_ids
    return sum(1 for fired in table[3] if fired & wanted)


def main():
    args, scans, signals = parse_args()
    with open(args.sequence) as f:
        seq = json.load(f)
    work = args.work or tempfile.mkdtemp(prefix="kestrel_bandwidth_")
    os.makedirs(work, exist_ok=True)
    scanned, copies = scan_sequence(seq, scans)
    scan_path = os.path.join(work, "scan.json")
    with open(scan_path, "w") as f:
        json.dump(scanned, f, indent=2)
    tables = {"minbias": sample_table(args, scan_path, "minbias", args.minbias, work)}
    for name, path in signals:
        tables[name] = sample_table(args, scan_path, name, path, work)
    n_mb, mhz, ids, _ = tables["minbias"]
    scan_names = {c for names in copies.values() for c in names}
    fixed = {i for name, i in ids.items() if name not in scan_names}
    best = None
    for combo in itertools.product(*[range(len(values)) for _, _, values in scans]):
        chosen = {ids[copies[line][k]] for (line, _, _), k in zip(scans, combo)}
        rate = 1000.0 * mhz * inclusive(tables["minbias"], fixed, chosen) / n_mb
        effs = [inclusive(tables[name], fixed, chosen) / tables[name][0] for name, _ in signals]
        score = sum(effs) / len(effs) if effs else rate  # no signal: the loosest cuts the budget allows
        if rate <= args.budget_khz and (best is None or score > best[0] or (score == best[0] and rate < best[1])):
            best = (score, rate, combo, effs)
    print(f"bandwidth: {len(list(itertools.product(*[v for _, _, v in scans])))} combinations of "
          f"{', '.join(f'{l}.{p}' for l, p, _ in scans)} on {n_mb} minimum-bias events at {mhz:g} MHz")
    if best is None:
        print(f"bandwidth: no combination fits {args.budget_khz:g} kHz; the loosest fixed lines alone may exceed it")
        return 1
    tuned = copy.deepcopy(seq)
    for (line, prop, values), k in zip(scans, best[2]):
        inst = next(i for i in tuned["sequence"] if i.get("name") == line)
        inst.setdefault("properties", {})[prop] = values[k]
        print(f"  {line}.{prop} = {values[k]:g}")
    tuned["description"] = (seq.get("description", "") + f" Cuts tuned to {args.budget_khz:g} kHz by "
                            f"tools/bandwidth.py on {os.path.basename(args.minbias)}.").strip()
    with open(args.out, "w") as f:
        json.dump(tuned, f, indent=2)
        f.write("\n")
    # Kestrel's own figures for the tuned sequence
    check = {name: run(args, args.out, path, os.path.join(work, f"check_{name}.json"),
                       os.path.join(work, f"check_{name}.mdf"))
             for name, path in [("minbias", args.minbias)] + signals}
    mb = check["minbias"]
    events, fired = mb["events"], mb["inclusive"]["fired"]
    print(f"  inclusive rate {mb['inclusive']['rate_khz']:.1f} +- {mb['inclusive']['rate_error_khz']:.1f} kHz "
          f"(budget {args.budget_khz:g}; the scan predicted {best[1]:.1f})")
    for name, _ in signals:
        with open(os.path.join(work, f"check_{name}.json.efficiency.json")) as f:
            eff = next(l for l in json.load(f)["lines"] if l["name"] == "inclusive")
        n = tables[name][0]
        e = check[name]["inclusive"]["fired"] / check[name]["events"]
        print(f"  {name}: inclusive {100 * e:.1f} +- {100 * math.sqrt(e * (1 - e) / n):.1f}% of {n} events, "
              f"TOS {100 * eff['tos_efficiency']:.1f}%; daughters all long: {100 * eff['efficiency_reconstructible']:.1f}%, "
              f"TOS {100 * eff['tos_efficiency_reconstructible']:.1f}%")
    print(f"bandwidth: wrote {args.out}")
    if not args.work:
        for name in os.listdir(work):
            os.remove(os.path.join(work, name))
        os.rmdir(work)
    return 0 if fired * 1000.0 * mhz / events <= args.budget_khz else 1


if __name__ == "__main__":
    sys.exit(main())
