#!/usr/bin/env bash
# Runs the homework's workloads in Go, in Go with GoMLX's plain autodiff, in Go
# on GoMLX's XLA backend on the CPU (where its plugin is installed) and in
# PyTorch (where installed) side by side, alternating, and prints a table of
# medians; it is also written to build/bench/results.md (and results.json).
#
#   scripts/bench.sh [-reps 3] [-workloads hello,charrnn,gated,mathor,gonb] [-mathor-epochs 5000] [-gonb-reps 1]
#                    [-xla-cpu auto|on|off] [-notebooks 03,05]
#
# Setup is asked for PyTorch and the XLA CPU plugin (setup.sh --pytorch
# --xla-cpu); with the plugin, rnnbench is built with -tags xla and every Go
# workload, and every notebook (warm), also runs with GOMLX_BACKEND=xla:cpu,
# its graph compilation time in a column of its own (-xla-cpu off leaves it out).
# A full run is long on a 2-core machine (not timed with the XLA column):
# mathor's 5000 epochs three times in PyTorch, in Go and on XLA (once with
# plain autodiff), every notebook compiled from an empty Go build cache once,
# then run warm on both backends. -reps 1 -workloads hello,charrnn,gated,mathor
# took under 9.5 minutes (lock wait included) on a 2-core machine shared with
# other work (2026-12-03).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RNNGO_ROOT"
"$RNNGO_ROOT/scripts/setup.sh" --pytorch --xla-cpu
# setup may have just made .tools/venv: put its tools on PATH now.
source "$RNNGO_ROOT/scripts/env.sh"
isolate_jupyter
tags=()
if xla_cpu_plugin >/dev/null; then
  tags=(-tags xla)
fi
go build "${tags[@]}" -o "$RNNGO_BIN/rnnbench" ./cmd/rnnbench
exec "$RNNGO_BIN/rnnbench" "$@"
