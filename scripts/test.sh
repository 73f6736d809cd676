#!/usr/bin/env bash
# README command 2: set up if needed, then run every test.
#
#   scripts/test.sh
#   scripts/test.sh --pip-pytorch
#   scripts/test.sh --xla-cpu
#
# 1. gofmt check, 2. go vet ./... (and go build/vet -tags xla ./...), 3. go test ./... — which includes executing
# every notebook headless from a clean GoNB kernel and checking its key
# outputs (notebooks/notebooks_test.go), and, where PyTorch is installed,
# regenerating the PyTorch reference fixtures and comparing them with the
# committed ones — 4. the package tests once more on GoMLX's XLA backend on
# the CPU (go test -tags xla with GOMLX_BACKEND=xla:cpu), where setup installed
# the PJRT CPU plugin (setup.sh --xla-cpu; see xla_cpu_tests below for what
# runs there) — 5. the browser test (e2e/): each notebook run through
# Jupyter's UI in Chromium, one cell rerun, the exported HTML checked offline.
# Jupyter runs with its own config/data/runtime directories under .tools/, so a
# user's Jupyter set-up is neither read nor changed.
#
# --pip-pytorch runs one opt-in check instead: what a pip user's PyTorch and
# NumPy (PyPI's newest within requirements-dev.txt, pinned by
# constraints-dev.txt; about 5 GB with PyPI's CUDA build) make of the
# reference files. It installs them into .tools/venv-pytorch and runs every
# test that regenerates a committed reference (layer fixtures, initial
# weights, the homework's and the lecture's printed output) with that Python,
# within the tolerances those tests state.
#
# --xla-cpu runs only step 4, the package tests on XLA's CPU plugin.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RNNGO_ROOT"

case "${1:-}" in
  "") ;;
  --pip-pytorch)
    venv="$RNNGO_TOOLS/venv-pytorch"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    if ! "$venv/bin/python" -c 'import torch, numpy' >/dev/null 2>&1; then
      say "installing PyTorch and NumPy from PyPI into $venv (about 5 GB)"
      grep -E '^(torch|numpy)' requirements-dev.txt > "$RNNGO_TOOLS/requirements-pytorch.txt"
      "$venv/bin/python" -m pip install -q -r "$RNNGO_TOOLS/requirements-pytorch.txt" -c constraints-dev.txt >&2
    fi
    say "pip PyTorch check with $("$venv/bin/python" -c 'import sys, torch, numpy; print("Python", sys.version.split()[0], "PyTorch", torch.__version__, "NumPy", numpy.__version__)')"
    mkdir -p build && log="$RNNGO_ROOT/build/pip-pytorch-check.log"
    status=0
    RNNGO_PYTHON="$venv/bin/python" RNNGO_REQUIRE_PYTORCH=1 \
      go test -count=1 -v -run 'IsReal|AreReal|IsRealPyTorch' ./pkg/... ./notebooks/ > "$log" 2>&1 || status=$?
    grep -E '^(--- |ok |FAIL|panic)|\(torch ' "$log" || true
    [ "$status" = 0 ] || die "pip PyTorch check failed (full output: $log)"
    say "pip PyTorch check passed"
    exit 0 ;;
  --xla-cpu) xla_only=1 ;;
  *) die "test.sh: unknown option $1 (known: --pip-pytorch, --xla-cpu)" ;;
esac

# xla_cpu_tests is step 4: the package tests once more on GoMLX's XLA backend
# on the CPU, with the PJRT CPU plugin setup.sh --xla-cpu installed
# (GOMLX_BACKEND=xla:cpu, which pkg/backend resolves to that plugin): the
# PyTorch fixtures at their stated tolerances on both gradient paths, LSTM
# and GRU, attention (internal/notebook06), through XLA's compiler, so the
# XLA build path is run on every change, not only vetted. All of ./pkg/...
# runs, nothing skipped. XLA compiles every graph of every test before its
# first run (seconds each), and the fixture sweeps build new graphs for every
# case: on a 2-core machine shared with other builds (load ~2) the step took
# 494 s in its passing run (2026-12-03), pkg/rnn 486 s of it (in an earlier
# run TestInputGradients took 267 s, TestParityWithPyTorch 180 s),
# internal/notebook06 110 s; hence the longer -timeout. Where the plugin could not be installed (no PyPI) it is
# skipped, saying so.
xla_cpu_tests() {
  local plugin pkgs=(./pkg/...)
  if ! plugin="$(xla_cpu_plugin)"; then
    say "XLA CPU package tests skipped: no PJRT CPU plugin (scripts/setup.sh --xla-cpu could not install it)"
    return 0
  fi
  [ -d internal/notebook06 ] && pkgs+=(./internal/notebook06/)
  say "go test -tags xla ${pkgs[*]} on XLA's CPU plugin (GOMLX_BACKEND=xla:cpu → $plugin)"
  local start=$SECONDS
  GOMLX_BACKEND=xla:cpu RNNGO_REQUIRE_XLA_CPU=1 go test -count=1 -timeout 45m -tags xla "${pkgs[@]}"
  say "XLA CPU package tests passed ($((SECONDS - start)) s)"
}

if [ "${xla_only:-0}" = 1 ]; then
  "$RNNGO_ROOT/scripts/setup.sh" --pytorch --xla-cpu
  source "$RNNGO_ROOT/scripts/env.sh"
  if py="$(torch_python)"; then
    export RNNGO_REQUIRE_PYTORCH=1 RNNGO_PYTHON="$py"
  fi
  xla_cpu_tests
  exit 0
fi

"$RNNGO_ROOT/scripts/setup.sh" --pytorch --browser --xla-cpu
# setup may have just made .tools/venv: put its tools on PATH now.
source "$RNNGO_ROOT/scripts/env.sh"
isolate_jupyter
export RNNGO_REQUIRE_NOTEBOOKS=1
# Where setup could provide Chromium and poppler (as root), the export test must run, not skip.
if [ -x "${RNNGO_CHROMIUM:-/usr/bin/chromium}" ] && command -v pdftotext >/dev/null && command -v rsvg-convert >/dev/null; then
  export RNNGO_REQUIRE_EXPORT=1
fi
# Where setup could provide PyTorch, the fixture regeneration test must run, not skip.
if py="$(torch_python)"; then
  export RNNGO_REQUIRE_PYTORCH=1 RNNGO_PYTHON="$py"
fi

say "gofmt"
mapfile -t gofiles < <(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null ||
  find . -name '*.go' -not -path './.tools/*' -not -path './build/*')
unformatted=""
[ ${#gofiles[@]} -eq 0 ] || unformatted="$(gofmt -l "${gofiles[@]}")"
[ -z "$unformatted" ] || die "gofmt would change these files (run gofmt -w):
$unformatted"

say "go vet ./..."
go vet ./...

# The XLA backend (GPU and CPU routes, see the README) is only linked with
# -tags xla: everything must keep building and vetting with it (step 4 then
# runs the package tests on XLA's CPU plugin; nothing here runs on a GPU).
say "go build/vet -tags xla ./..."
go build -tags xla ./...
go vet -tags xla ./...

say "go test ./... (notebooks included)"
export RNNGO_EXECUTED_DIR="$RNNGO_ROOT/build/executed"
rm -rf "$RNNGO_EXECUTED_DIR"
go test -count=1 -timeout 60m ./...

xla_cpu_tests

say "browser test (e2e/)"
if [ -x "${RNNGO_CHROMIUM:-/usr/bin/chromium}" ] && [ -d "$RNNGO_ROOT/e2e/node_modules/playwright-core" ]; then
  export RNNGO_REQUIRE_BROWSER=1
fi
if command -v node >/dev/null 2>&1; then
  (cd "$RNNGO_ROOT/e2e" && node --test --test-concurrency=1 notebooks.test.mjs)
else
  say "browser test skipped: Node.js is not installed"
fi

say "all tests passed"
