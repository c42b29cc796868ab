# The set-up the checker plot scripts share: the exit codes checker/plots.c reads, and matplotlib without a display.
import sys

EXIT_NO_MATPLOTLIB = 3
EXIT_BAD_INPUT = 4


def plotting(script):
    """matplotlib.pyplot and numpy, or the exit with EXIT_NO_MATPLOTLIB naming the script."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display on trigger nodes
        import matplotlib.pyplot as plt
        import numpy as np
    except ImportError as err:
        print(f"{script}: {err}; install python3-matplotlib and python3-numpy", file=sys.stderr)
        sys.exit(EXIT_NO_MATPLOTLIB)
    return plt, np


def report_and_folder(script, doc, keys):
    """The JSON report of argv[1] (it must hold every key in keys) and the folder argv[2], created; or the exit with
    EXIT_BAD_INPUT, the usage or the problem printed."""
    import json
    import os

    if len(sys.argv) != 3:
        print(doc, file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    try:
        with open(sys.argv[1]) as f:
            report = json.load(f)
        for key in keys:
            report[key]
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"{script}: {sys.argv[1]}: {err!r}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    os.makedirs(sys.argv[2], exist_ok=True)
    return report, sys.argv[2]
