#!/usr/bin/env python3
"""Times a warm re-run of one notebook cell in a GoNB kernel (the benchmark's last row).

    python3 tools/bench/gonb_cell.py NOTEBOOK.ipynb "SOURCE SUBSTRING" [--reps 3]

Starts the "gonb" kernel (found on JUPYTER_PATH) in the notebook's folder, runs the notebook's code cells up to
and including the first one containing SOURCE SUBSTRING, then runs that cell again --reps times, and prints the
first run's and the median re-run's wall time, in seconds, as "first X" and "rerun Y". Needs jupyter_client.
"""
import argparse
import os
import statistics
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("source")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    target = next((i for i, c in enumerate(code) if args.source in c), None)
    if target is None:
        sys.exit(f"no code cell contains {args.source!r}")
    km, kc = start_new_kernel(kernel_name="gonb", cwd=os.path.dirname(os.path.abspath(args.notebook)))
    try:
        def run(src):
            start = time.perf_counter()
            reply = kc.execute_interactive(src, timeout=900, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                sys.exit(f"cell failed: {reply['content']}")
            return time.perf_counter() - start
        for src in code[:target]:
            run(src)
        first = run(code[target])
        reruns = [run(code[target]) for _ in range(args.reps)]
        print("first %.6f" % first)
        print("rerun %.6f" % statistics.median(reruns))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
