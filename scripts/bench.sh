#!/usr/bin/env bash
# Runs the homework's workloads in Go, in Go with GoMLX's plain autodiff, and
# in PyTorch (where installed) side by side, alternating, and prints a table of
# medians; it is also written to build/bench/results.md (and results.json).
#
#   scripts/bench.sh [-reps 3] [-workloads hello,charrnn,gated,mathor,gonb] [-mathor-epochs 5000] [-gonb-reps 1]
#
# A full run takes about 35 minutes on a 2-core machine: mathor's 5000 epochs
# three times in PyTorch and in Go (once with plain autodiff), and every
# notebook compiled from an empty Go build cache once.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RNNGO_ROOT"
"$RNNGO_ROOT/scripts/setup.sh" --pytorch
# setup may have just made .tools/venv: put its tools on PATH now.
source "$RNNGO_ROOT/scripts/env.sh"
isolate_jupyter
go build -o "$RNNGO_BIN/rnnbench" ./cmd/rnnbench
exec "$RNNGO_BIN/rnnbench" "$@"
