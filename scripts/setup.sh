#!/usr/bin/env bash
# One idempotent set-up step, used by run.sh, test.sh, export.sh, .ci/run and
# docker/Dockerfile. Safe to run again: what is already there is kept.
#
#   scripts/setup.sh [--pytorch] [--browser] [--xla-cpu] [--no-gopls]
#
# 1. Jupyter (Notebook or JupyterLab, nbconvert, nbclient):
#    use what is installed; else a virtualenv in .tools/venv from
#    requirements-dev.txt where pip can reach its index; else, as root on
#    Debian/Ubuntu, the distribution's packages. Otherwise it says what to install.
# 2. GoNB (built from go.mod, so always the pinned v0.11.1), goimports and,
#    optionally, gopls into .tools/bin.
# 3. The GoNB kernel registered in .tools/jupyter/kernels/gonb, which the
#    scripts put on JUPYTER_PATH; the user's own Jupyter directories are not touched.
# 4. Go's build cache warmed for the packages the notebooks import, so that a
#    notebook's first cell does not compile GoMLX (about a minute, once).
# 5. rsvg-convert and a CJK font (as root: librsvg2-bin, fonts-noto-cjk): every
#    figure a notebook shows also carries a PNG copy for the Markdown export.
# --pytorch also provides PyTorch and NumPy (for the reference fixtures and the
# side-by-side benchmarks): the Debian packages as root (with OpenBLAS, so that
# PyTorch does not multiply with the slow reference BLAS), or the virtualenv.
# --browser also provides what the browser test needs: Debian's chromium and
# fonts-noto-cjk (as root; the notebooks' Chinese in its screenshots), Debian's
# classic Notebook 6 (as root; the browser test's classic flavour), poppler-utils
# and libjs-mathjax (as root; the PDF export and its test) and
# playwright-core from npm in e2e/node_modules (never a browser download).
# --xla-cpu also installs the PJRT CPU plugin for GoMLX's XLA backend (PyPI's
# xla-cpu-pjrt, pinned in constraints-dev.txt, --no-deps) into .tools/venv,
# where pip reaches PyPI, and warms Go's build cache with -tags xla as well.
# pkg/backend then finds it for GOMLX_BACKEND=xla:cpu (scripts/run.sh
# --backend xla:cpu; the test command runs the package tests on it too).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

want_pytorch=0
want_browser=0
want_gopls=1
want_xla_cpu=0
for arg in "$@"; do
  case "$arg" in
    --pytorch) want_pytorch=1 ;;
    --browser) want_browser=1 ;;
    --xla-cpu) want_xla_cpu=1 ;;
    --no-gopls) want_gopls=0 ;;
    -h|--help) sed -n '2,31p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "setup.sh: unknown option $arg (known: --pytorch, --browser, --xla-cpu, --no-gopls)" ;;
  esac
done

# ---------------------------------------------------------------- Go
command -v go >/dev/null || die "Go is not installed: get Go 1.24 or newer from https://go.dev/dl/ and put it on PATH."

# ---------------------------------------------------------------- Jupyter
# interpreter_of prints the Python interpreter a console script runs with.
interpreter_of() {
  local script shebang
  script="$(command -v "$1")" || return 1
  shebang="$(head -1 "$script")"
  case "$shebang" in
    '#!'*/env\ *) echo "${shebang##* }" ;;
    '#!'*) shebang="${shebang#\#!}"; echo "${shebang%% *}" ;;
    *) return 1 ;;
  esac
}

jupyter_ready() {
  command -v jupyter >/dev/null 2>&1 || return 1
  jupyter nbconvert --version >/dev/null 2>&1 || return 1
  jupyter lab --version >/dev/null 2>&1 || jupyter notebook --version >/dev/null 2>&1 || return 1
  local py
  py="$(interpreter_of jupyter-nbconvert 2>/dev/null || interpreter_of jupyter)" || return 1
  "$py" -c 'import nbclient, nbformat' >/dev/null 2>&1
}

pip_index_reachable() {
  command -v python3 >/dev/null 2>&1 || return 1
  python3 -m venv --help >/dev/null 2>&1 || return 1
  timeout 30 python3 -m pip download --no-deps --no-cache-dir --retries 0 --timeout 8 \
    -d "$(mktemp -d)" 'pip>=20' >/dev/null 2>&1
}

is_debian_root() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
  say "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  if [ ! -f "$RNNGO_TOOLS/.apt-updated" ] || [ -n "$(find "$RNNGO_TOOLS/.apt-updated" -mmin +1440 2>/dev/null)" ]; then
    apt-get update -qq >&2
    mkdir -p "$RNNGO_TOOLS" && touch "$RNNGO_TOOLS/.apt-updated"
  fi
  apt-get install -y -qq --no-install-recommends "$@" >&2
}

venv_install() {
  say "creating a virtualenv in $RNNGO_VENV from requirements-dev.txt"
  [ -x "$RNNGO_VENV/bin/python" ] || python3 -m venv "$RNNGO_VENV"
  local constraints="$RNNGO_ROOT/constraints-dev.txt"
  "$RNNGO_VENV/bin/python" -m pip install -q --upgrade pip -c "$constraints" >&2
  # Jupyter only: the NumPy/PyTorch lines are for --pytorch, the XLA plugin's
  # for --xla-cpu; constraints-dev.txt holds the exact versions this project was tested with.
  grep -v -E '^(torch|numpy|xla-cpu-pjrt)' "$RNNGO_ROOT/requirements-dev.txt" > "$RNNGO_TOOLS/requirements-jupyter.txt"
  "$RNNGO_VENV/bin/python" -m pip install -q -r "$RNNGO_TOOLS/requirements-jupyter.txt" -c "$constraints" >&2
  say "installed: $("$RNNGO_VENV/bin/jupyter" lab --version 2>/dev/null | sed 's/^/JupyterLab /'), $("$RNNGO_VENV/bin/python" -m pip list 2>/dev/null | awk '$1=="notebook"||$1=="nbconvert"{printf "%s%s %s", sep, $1, $2; sep=", "}')"
  PATH="$RNNGO_VENV/bin:$PATH"
}

if jupyter_ready; then
  say "Jupyter: using $(command -v jupyter)"
elif pip_index_reachable; then
  venv_install
elif is_debian_root; then
  apt_install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel
else
  die "Jupyter is missing and could not be installed here. Install one of:
  - pip:    python3 -m pip install -r $RNNGO_ROOT/requirements-dev.txt
  - Debian: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient
then run this command again."
fi
jupyter_ready || die "Jupyter was installed but 'jupyter nbconvert' with nbclient still does not work; see the messages above."

# ---------------------------------------------------------------- figures as PNG
# Every figure a notebook shows also carries a PNG copy (for the Markdown and
# other image-only exports), drawn by rsvg-convert with the system's fonts;
# the Chinese labels need a CJK font (fonts-noto-cjk).
if ! command -v rsvg-convert >/dev/null 2>&1 || ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
  if is_debian_root; then
    apt_install librsvg2-bin fonts-noto-cjk
  else
    say "figures will have no PNG copy (Markdown export): install rsvg-convert (Debian: librsvg2-bin) and a CJK font (fonts-noto-cjk)"
  fi
fi

# ---------------------------------------------------------------- PyTorch (optional)
if [ "$want_pytorch" = 1 ]; then
  if py="$(torch_python)"; then
    say "PyTorch: using $py"
  elif is_debian_root; then
    apt_install python3-torch python3-numpy libopenblas0-pthread python3-threadpoolctl
  elif [ -x "$RNNGO_VENV/bin/python" ] && pip_index_reachable; then
    grep -v -E '^xla-cpu-pjrt' "$RNNGO_ROOT/requirements-dev.txt" > "$RNNGO_TOOLS/requirements-pytorch.txt"
    "$RNNGO_VENV/bin/python" -m pip install -q -r "$RNNGO_TOOLS/requirements-pytorch.txt" -c "$RNNGO_ROOT/constraints-dev.txt" >&2
  else
    say "PyTorch is not installed (optional: it regenerates the reference fixtures and runs the side-by-side benchmarks)."
  fi
  # Debian's torch multiplies through whatever libblas.so.3 is selected: on a
  # fresh machine the reference BLAS, 5-7x slower than OpenBLAS, which would
  # make every side-by-side benchmark unfair. Installing libopenblas0-pthread
  # makes OpenBLAS the selected libblas.so.3 (its alternative has the higher
  # priority); threadpoolctl lets the benchmark report its thread count.
  if py="$(torch_python)" && [ "$py" = /usr/bin/python3 ] && is_debian_root; then
    missing=()
    for pkg in libopenblas0-pthread python3-threadpoolctl; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  fi
  if py="$(torch_python)"; then
    say "PyTorch's BLAS: $(blas_of "$py")"
  fi
fi

# ---------------------------------------------------------------- XLA on the CPU (optional)
# The PJRT CPU plugin for GoMLX's XLA backend: one file from PyPI (xla-cpu-pjrt,
# no dependencies) in .tools/venv's site-packages. Reinstalled only when
# constraints-dev.txt pins another version than the one there.
if [ "$want_xla_cpu" = 1 ]; then
  xla_pin="$(grep -E '^xla-cpu-pjrt==' "$RNNGO_ROOT/constraints-dev.txt" | head -1)"
  xla_version="${xla_pin#xla-cpu-pjrt==}"
  if plugin="$(xla_cpu_plugin)" && ls -d "$RNNGO_VENV"/lib/python3*/site-packages/xla_cpu_pjrt-"$xla_version".dist-info >/dev/null 2>&1; then
    say "XLA CPU plugin: $plugin ($xla_pin)"
  elif pip_index_reachable; then
    say "installing the XLA CPU plugin ($xla_pin from PyPI, 63.5 MB, no dependencies) into $RNNGO_VENV"
    [ -x "$RNNGO_VENV/bin/python" ] || python3 -m venv "$RNNGO_VENV"
    "$RNNGO_VENV/bin/python" -m pip install -q --no-deps "$xla_pin" -c "$RNNGO_ROOT/constraints-dev.txt" >&2
    plugin="$(xla_cpu_plugin)" || die "pip installed $xla_pin but $RNNGO_VENV has no xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so"
    say "XLA CPU plugin: $plugin"
  elif plugin="$(xla_cpu_plugin)"; then
    say "XLA CPU plugin: $plugin (not $xla_pin, and PyPI is not reachable to change it)"
  else
    say "the XLA CPU plugin is not installed (PyPI is not reachable): everything runs on GoMLX's pure-Go backend. Elsewhere, GOMLX_BACKEND=xla:cpu lets GoMLX download its own plugin."
  fi
fi

# ---------------------------------------------------------------- browser test (optional)
if [ "$want_browser" = 1 ]; then
  chromium_bin="${RNNGO_CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$chromium_bin" ] && is_debian_root; then
    apt_install chromium
  fi
  [ -x "$chromium_bin" ] || say "Chromium is not installed at $chromium_bin: the browser test will be skipped."
  # The classic Notebook 6, as a Debian user without pip has it: the browser
  # test runs notebook 01 through its UI too (scripts/run.sh --ui classic).
  # Debian's package lives under /usr/bin/python3 and does not touch .tools/venv.
  if [ ! -x /usr/bin/jupyter-notebook ] && is_debian_root; then
    apt_install jupyter-notebook python3-ipykernel
  fi
  # pdfinfo, pdftotext, pdftoppm: the export test reads the PDFs it prints.
  if { ! command -v pdftotext >/dev/null 2>&1 || [ ! -f /usr/share/javascript/mathjax/MathJax.js ]; } && is_debian_root; then
    apt_install poppler-utils libjs-mathjax
  fi
  # The notebooks are half Chinese: without a CJK font the browser draws boxes.
  if ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
    if is_debian_root; then
      apt_install fonts-noto-cjk
    else
      say "no font covers Chinese (fc-list :lang=zh): install one (Debian: fonts-noto-cjk) for the browser test's screenshots."
    fi
  fi
  if command -v npm >/dev/null 2>&1; then
    e2e="$RNNGO_ROOT/e2e"
    if [ ! -d "$e2e/node_modules/playwright-core" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
      say "installing playwright-core (e2e/package-lock.json) into e2e/node_modules"
      (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
    fi
  else
    say "npm is not installed: the browser test will be skipped."
  fi
fi

# ---------------------------------------------------------------- Go tools
# Rebuilt only when go.mod/go.sum or the Go version change.
mkdir -p "$RNNGO_BIN"
stamp="$RNNGO_TOOLS/.go-tools-stamp"
want_stamp="$(cd "$RNNGO_ROOT" && { go version; cat go.mod go.sum; } | cksum)"
if [ ! -x "$RNNGO_BIN/gonb" ] || [ ! -x "$RNNGO_BIN/goimports" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]; then
  say "building gonb and goimports (versions pinned in go.mod) into $RNNGO_BIN"
  (cd "$RNNGO_ROOT" && go build -o "$RNNGO_BIN/" github.com/janpfeifer/gonb golang.org/x/tools/cmd/goimports)
  echo "$want_stamp" > "$stamp"
fi
if [ "$want_gopls" = 1 ] && [ ! -x "$RNNGO_BIN/gopls" ]; then
  # Optional: completion and hover in notebooks. v0.23.0 is the newest that builds with Go 1.26.
  say "building gopls v0.23.0 (optional) into $RNNGO_BIN"
  if ! (cd "$RNNGO_TOOLS" && GOFLAGS=-mod=mod GOBIN="$RNNGO_BIN" go install golang.org/x/tools/gopls@v0.23.0 >&2); then
    say "gopls did not build with $(go version); notebooks work without it (no completion)."
  fi
fi

# ---------------------------------------------------------------- the GoNB kernel
kernel_dir="$RNNGO_KERNELS/kernels/gonb"
mkdir -p "$kernel_dir"
if [ ! -f "$kernel_dir/logo-svg.svg" ]; then
  # gonb --install writes its kernel.json and logo into JUPYTER_DATA_DIR; we
  # point that at our own directory and then replace kernel.json below.
  JUPYTER_DATA_DIR="$RNNGO_KERNELS" "$RNNGO_BIN/gonb" --install --force_deps >/dev/null 2>&1 ||
    say "gonb --install failed; writing the kernel spec by hand"
fi
cat > "$kernel_dir/kernel.json" <<JSON
{
  "argv": ["$RNNGO_ROOT/scripts/gonb-kernel", "--kernel", "{connection_file}"],
  "display_name": "Go (gonb)",
  "language": "go",
  "interrupt_mode": "message",
  "env": {}
}
JSON
say "GoNB kernel registered in $kernel_dir"

# ---------------------------------------------------------------- Go build cache
# A notebook's first cell compiles everything the notebook imports, GoMLX
# among it: about a minute on 2 cores from an empty build cache. Building the
# same packages here (this module's pkg/... and every package a notebook
# imports) fills Go's build cache, which GoNB's builds then reuse: the same
# toolchain, flags and source directories (GoNB's replace points at this
# checkout). With the cache already warm this takes a second or two.
mapfile -t nb_imports < <(cd "$RNNGO_ROOT" &&
  grep -ohE '\\"(github\.com|gonum\.org|golang\.org)/[^\\"]+\\"' notebooks/*.ipynb 2>/dev/null | tr -d '\\"' | sort -u)
say "warming Go's build cache for the notebooks' packages (pkg/..., GoMLX, ${#nb_imports[@]} imports): about a minute the first time, then seconds"
warm_start=$SECONDS
if (cd "$RNNGO_ROOT" && go build ./pkg/... github.com/janpfeifer/gonb/gonbui "${nb_imports[@]}"); then
  say "Go build cache ready ($((SECONDS - warm_start)) s): a notebook's first cell compiles only the cell"
else
  say "warming the build cache failed (see above): a notebook's first cell will compile GoMLX instead"
fi
# With the XLA CPU plugin the notebooks' cells are compiled with -tags xla
# (scripts/run.sh), which links GoMLX's XLA backend: warm that build too.
if xla_cpu_plugin >/dev/null; then
  warm_start=$SECONDS
  if (cd "$RNNGO_ROOT" && go build -tags xla ./pkg/... github.com/janpfeifer/gonb/gonbui "${nb_imports[@]}"); then
    say "Go build cache ready for -tags xla too ($((SECONDS - warm_start)) s)"
  else
    say "warming the build cache with -tags xla failed (see above)"
  fi
fi
