# shellcheck shell=bash
# Sourced by the project's scripts: where the project keeps its own tools.
# Nothing here touches the user's own Jupyter or Go set-up: the GoNB kernel,
# goimports and gopls live in .tools/ inside the checkout, and Jupyter is
# pointed at them with JUPYTER_PATH (searched before the user's own kernels).

RNNGO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RNNGO_TOOLS="${RNNGO_TOOLS:-$RNNGO_ROOT/.tools}"
RNNGO_BIN="$RNNGO_TOOLS/bin"
RNNGO_VENV="$RNNGO_TOOLS/venv"
RNNGO_KERNELS="$RNNGO_TOOLS/jupyter"
export RNNGO_ROOT RNNGO_TOOLS RNNGO_BIN RNNGO_VENV RNNGO_KERNELS

case ":$PATH:" in *":$RNNGO_BIN:"*) ;; *) PATH="$RNNGO_BIN:$PATH" ;; esac
if [ -x "$RNNGO_VENV/bin/jupyter" ]; then
  case ":$PATH:" in *":$RNNGO_VENV/bin:"*) ;; *) PATH="$RNNGO_VENV/bin:$PATH" ;; esac
fi
export PATH
case ":${JUPYTER_PATH:-}:" in
  *":$RNNGO_KERNELS:"*) ;;
  *) export JUPYTER_PATH="$RNNGO_KERNELS${JUPYTER_PATH:+:$JUPYTER_PATH}" ;;
esac

# Where a step's messages go: to stderr, prefixed, so they never mix with
# what a command prints on purpose.
say() { printf '[rnngo] %s\n' "$*" >&2; }
die() { printf '[rnngo] error: %s\n' "$*" >&2; exit 1; }

# torch_python prints a Python interpreter that can import torch and numpy
# (the project's virtualenv, Debian's /usr/bin/python3, python3), or fails.
torch_python() {
  local py
  for py in "$RNNGO_VENV/bin/python" /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

# xla_cpu_plugin prints the PJRT CPU plugin that scripts/setup.sh --xla-cpu
# installed into .tools/venv (PyPI's xla-cpu-pjrt), or fails. pkg/backend
# finds the same file for GOMLX_BACKEND=xla:cpu (backend.CPUPlugin).
xla_cpu_plugin() {
  local so
  if [ -n "${RNNGO_XLA_CPU_PLUGIN:-}" ]; then
    [ -f "$RNNGO_XLA_CPU_PLUGIN" ] && { echo "$RNNGO_XLA_CPU_PLUGIN"; return 0; }
    return 1
  fi
  for so in "$RNNGO_VENV"/lib/python3*/site-packages/xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so; do
    [ -f "$so" ] && { echo "$so"; return 0; }
  done
  return 1
}

# blas_of prints which BLAS the given Python's torch multiplies with, and
# with how many threads (tools/pytorch/blas_info.py).
blas_of() {
  "$1" "$RNNGO_ROOT/tools/pytorch/blas_info.py" 2>/dev/null |
    awk '/^blas_kind/{k=$2} /^blas_library/{l=$2} /^blas_threads/{n=$2} END{printf "%s (%s), %s thread(s)\n", k, l, n}' ||
    echo unknown
}

# isolate_jupyter points Jupyter's config, data and runtime directories into
# a scratch directory, so a test run neither reads nor writes the user's own.
isolate_jupyter() {
  local scratch="$RNNGO_TOOLS/jupyter-isolated"
  mkdir -p "$scratch/config" "$scratch/data" "$scratch/runtime"
  export JUPYTER_CONFIG_DIR="$scratch/config"
  export JUPYTER_DATA_DIR="$scratch/data"
  export JUPYTER_RUNTIME_DIR="$scratch/runtime"
  export JUPYTER_PATH="$RNNGO_KERNELS"
  export JUPYTER_PLATFORM_DIRS=0
  export IPYTHONDIR="$scratch/ipython"
}
