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
