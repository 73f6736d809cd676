#!/usr/bin/env bash
# README command 1: set up if needed, then serve notebooks/ in Jupyter with the
# GoNB kernel: JupyterLab where installed, else the classic Notebook. Bound to
# localhost, token authentication on; prints the URL to open.
#
#   scripts/run.sh [--port N] [--no-browser] [--backend CONFIG] [--ui lab|classic]
#
# --ui picks the web UI: "lab" (JupyterLab 4, the default where it is
# installed) or "classic" (the classic Notebook 6, e.g. Debian's
# jupyter-notebook package, for a machine without pip). RNNGO_UI does the same.
#
# --backend picks GoMLX's backend for every notebook (it sets GOMLX_BACKEND,
# which pkg/backend reads): "go" (the default, pure Go), "xla:cpu" (XLA on
# the CPU, with the plugin scripts/setup.sh --xla-cpu installs) or another XLA
# configuration such as "xla:cuda" or "xla:/abs/path/xla_cuda_plugin.so";
# for XLA it also adds "-tags=xla" to GOFLAGS, so that GoNB compiles the
# cells with the XLA backend linked in. GOMLX_BACKEND set in the environment
# does the same without the flag. Without either, the pure-Go backend runs
# the notebooks even where the XLA CPU plugin is installed, because they ran
# no faster on XLA, which compiles each cell's graphs anew: headless, on a
# loaded 2-core machine, notebook 02 took 244 s on XLA against 63 s, 03 103 s
# against 109 s (README, Performance); and XLA draws other initial weights
# from the same seeds, so the printed numbers differ from the committed
# outputs. The script says so when it starts.
#
# JUPYTER_TOKEN, when set, is the token to use; otherwise a random one is made.
# RNNGO_IP (default 127.0.0.1) is the address to bind: the Docker image sets
# 0.0.0.0 inside the container, published on the host's localhost only.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

port="${JUPYTER_PORT:-8888}"
browser=1
ui="${RNNGO_UI:-auto}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --no-browser) browser=0; shift ;;
    --backend) [ $# -ge 2 ] || die "run.sh: --backend wants a configuration, e.g. go or xla:cuda"
      export GOMLX_BACKEND="$2"; shift 2 ;;
    --backend=*) export GOMLX_BACKEND="${1#--backend=}"; shift ;;
    --ui) [ $# -ge 2 ] || die "run.sh: --ui wants lab or classic"; ui="$2"; shift 2 ;;
    --ui=*) ui="${1#--ui=}"; shift ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "run.sh: unknown option $1 (known: --port N, --no-browser, --backend CONFIG, --ui lab|classic)" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || die "run.sh: --port wants a number, got '$port'"
case "$ui" in auto|lab|classic) ;; *) die "run.sh: --ui wants lab or classic, got '$ui'" ;; esac

"$RNNGO_ROOT/scripts/setup.sh"
# setup may have just made .tools/venv: put its tools on PATH now.
source "$RNNGO_ROOT/scripts/env.sh"

case "${GOMLX_BACKEND:-}" in
  xla*|stablehlo*|shlo*|hlo*|pjrt*)
    # GOFLAGS in the environment replaces go env's (e.g. -buildvcs=false): keep those.
    GOFLAGS="${GOFLAGS:-$(go env GOFLAGS 2>/dev/null || true)}"
    case " ${GOFLAGS} " in *" -tags=xla "*) ;; *) GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=xla" ;; esac
    export GOFLAGS
    case "$GOMLX_BACKEND" in
      xla:cpu|xla:cpu,*)
        if plugin="$(xla_cpu_plugin)"; then
          say "backend: XLA on the CPU, $GOMLX_BACKEND with $plugin (GOFLAGS=$GOFLAGS)"
        else
          say "backend: $GOMLX_BACKEND, but scripts/setup.sh --xla-cpu installed no plugin here: GoMLX will look for its own (and download one where it can)"
        fi ;;
      *) say "backend: $GOMLX_BACKEND (GOFLAGS=$GOFLAGS)" ;;
    esac ;;
  "")
    if plugin="$(xla_cpu_plugin)"; then
      say "backend: GoMLX's pure-Go backend. The XLA CPU plugin is installed ($plugin), but the notebooks ran no faster on it (XLA compiles each cell's graphs anew: notebook 02 took 244 s against 63 s, 03 103 s against 109 s; README, Performance): --backend xla:cpu uses it anyway"
    else
      say "backend: GoMLX's pure-Go backend (--backend xla:cpu for XLA on the CPU after scripts/setup.sh --xla-cpu, --backend xla:cuda for a GPU)"
    fi ;;
  *) say "backend: $GOMLX_BACKEND" ;;
esac

if [ -z "${JUPYTER_TOKEN:-}" ]; then
  JUPYTER_TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
fi
export JUPYTER_TOKEN
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || browser=0

args=("--ip=${RNNGO_IP:-127.0.0.1}" "--port=$port" --port-retries=0)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
# classic_notebook prints a "jupyter-notebook" command of the classic
# Notebook 6 (the one on PATH, else Debian's), or fails.
classic_notebook() {
  local cmd
  for cmd in "$(command -v jupyter-notebook 2>/dev/null)" /usr/bin/jupyter-notebook; do
    [ -n "$cmd" ] && [ -x "$cmd" ] || continue
    case "$("$cmd" --version 2>/dev/null)" in 6.*) echo "$cmd"; return 0 ;; esac
  done
  return 1
}
if [ "$ui" != classic ] && jupyter lab --version >/dev/null 2>&1; then
  app=lab
  version="$(jupyter lab --version 2>/dev/null)"
  jupyter=(jupyter lab)
  args+=("--ServerApp.root_dir=$RNNGO_ROOT/notebooks" "--IdentityProvider.token=$JUPYTER_TOKEN")
elif [ "$ui" = lab ]; then
  die "run.sh --ui lab: JupyterLab is not installed (scripts/setup.sh installs it where pip reaches PyPI)"
elif [ "$ui" = classic ]; then
  cmd="$(classic_notebook)" || die "run.sh --ui classic: the classic Notebook 6 is not installed (Debian: apt-get install jupyter-notebook)"
  app=notebook
  version="$("$cmd" --version 2>/dev/null)"
  jupyter=("$cmd")
  args+=("--notebook-dir=$RNNGO_ROOT/notebooks" "--NotebookApp.token=$JUPYTER_TOKEN")
else
  app=notebook
  version="$(jupyter notebook --version 2>/dev/null)"
  jupyter=(jupyter notebook)
  case "$version" in
    6.*) args+=("--notebook-dir=$RNNGO_ROOT/notebooks" "--NotebookApp.token=$JUPYTER_TOKEN") ;;
    *) args+=("--ServerApp.root_dir=$RNNGO_ROOT/notebooks" "--IdentityProvider.token=$JUPYTER_TOKEN") ;;
  esac
fi
[ "$browser" = 1 ] || args+=(--no-browser)

say "starting Jupyter ($app $version) on notebooks/ with the GoNB kernel"
say "open: http://127.0.0.1:$port/?token=$JUPYTER_TOKEN"
exec "${jupyter[@]}" "${args[@]}"
