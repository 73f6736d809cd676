#!/usr/bin/env bash
# Execute every notebook from a clean kernel and write one self-contained HTML
# file per notebook (outputs and SVG plots embedded, viewable offline) into
# build/export/html, ready to hand in; --markdown also writes Markdown (with
# plots as separate SVG files) into build/export/markdown for blog posts.
#
#   scripts/export.sh [--markdown] [--out DIR] [--executed DIR] [--update] [notebook.ipynb ...]
#
# Notebooks named on the command line are the only ones exported (default:
# every notebooks/NN-*.ipynb), e.g. scripts/export.sh --update notebooks/0[1-4]-*.ipynb.
# --executed DIR converts notebooks already executed into DIR (by the notebook
# tests, RNNGO_EXECUTED_DIR) instead of executing them again.
# --update also writes the executed notebooks, outputs included, back into
# notebooks/ (how the committed notebooks get their outputs).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

out="$RNNGO_ROOT/build/export"
markdown=0
update=0
executed=""
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --markdown) markdown=1; shift ;;
    --update) update=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --executed) executed="$2"; shift 2 ;;
    --executed=*) executed="${1#--executed=}"; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "export.sh: unknown option $1 (known: --markdown, --out DIR, --executed DIR, --update)" ;;
    *) [ -f "$1" ] || die "export.sh: no such notebook: $1"; notebooks+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
  esac
done
[ ${#notebooks[@]} -gt 0 ] || notebooks=("$RNNGO_ROOT"/notebooks/[0-9]*.ipynb)

"$RNNGO_ROOT/scripts/setup.sh"
mkdir -p "$out/html" "$out/executed"
out="$(cd "$out" && pwd)"

for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  if [ -n "$executed" ]; then
    [ -f "$executed/$name.ipynb" ] || die "export.sh: $executed/$name.ipynb does not exist (run the notebook tests first)"
    [ "$executed/$name.ipynb" -ef "$out/executed/$name.ipynb" ] || cp "$executed/$name.ipynb" "$out/executed/$name.ipynb"
  else
    say "executing $name"
    (cd "$(dirname "$nb")" && jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=gonb --ExecutePreprocessor.timeout=1800 \
      --ExecutePreprocessor.record_timing=False \
      --output-dir "$out/executed" "$nb") 2> >(grep -v '^[IW][0-9]' >&2)
  fi
  jupyter nbconvert --to html --output-dir "$out/html" "$out/executed/$name.ipynb" 2> >(grep -v '^[IW][0-9]' >&2)
  if [ "$update" = 1 ]; then
    cp "$out/executed/$name.ipynb" "$nb"
  fi
  if [ "$markdown" = 1 ]; then
    jupyter nbconvert --to markdown --output-dir "$out/markdown" "$out/executed/$name.ipynb" 2> >(grep -v '^[IW][0-9]' >&2)
  fi
done
say "HTML written to $out/html:"
ls -1 "$out/html" >&2
[ "$markdown" = 0 ] || say "Markdown written to $out/markdown"
