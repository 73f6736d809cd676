#!/usr/bin/env bash
# Execute every notebook from a clean kernel and write one self-contained HTML
# file per notebook (outputs and SVG plots embedded, viewable offline) into
# build/export/html, ready to hand in.
# --markdown also writes build/export/markdown/NN-….md for a blog post: every
#   figure a PNG file beside it (NN-…_files/…png, relative links), every table
#   a Markdown table.
# --pdf also writes build/export/pdf/NN-….pdf: the HTML printed by headless
#   Chromium on A4, fonts embedded, figures kept as vectors and not split
#   across pages, long code lines wrapped rather than cut.
#
#   scripts/export.sh [--markdown] [--pdf] [--out DIR] [--executed DIR] [--update] [notebook.ipynb ...]
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
pdf=0
update=0
executed=""
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --markdown) markdown=1; shift ;;
    --pdf) pdf=1; shift ;;
    --update) update=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --executed) executed="$2"; shift 2 ;;
    --executed=*) executed="${1#--executed=}"; shift ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "export.sh: unknown option $1 (known: --markdown, --pdf, --out DIR, --executed DIR, --update)" ;;
    *) [ -f "$1" ] || die "export.sh: no such notebook: $1"; notebooks+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
  esac
done
[ ${#notebooks[@]} -gt 0 ] || notebooks=("$RNNGO_ROOT"/notebooks/[0-9]*.ipynb)

"$RNNGO_ROOT/scripts/setup.sh"
# setup may have just made .tools/venv: put its tools on PATH now.
source "$RNNGO_ROOT/scripts/env.sh"
chromium_bin="${RNNGO_CHROMIUM:-/usr/bin/chromium}"
if [ "$pdf" = 1 ] && [ ! -x "$chromium_bin" ]; then
  die "export.sh --pdf prints with Chromium, which is not installed at $chromium_bin (scripts/setup.sh --browser installs it)"
fi
mathjax=/usr/share/javascript/mathjax/MathJax.js
if [ "$pdf" = 1 ] && [ ! -f "$mathjax" ]; then
  say "no local MathJax ($mathjax; Debian: libjs-mathjax): formulas in the PDFs stay as TeX source"
fi
mkdir -p "$out/html" "$out/executed"
out="$(cd "$out" && pwd)"

for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  if [ -n "$executed" ]; then
    [ -f "$executed/$name.ipynb" ] || die "export.sh: $executed/$name.ipynb does not exist (run the notebook tests first)"
    [ "$executed/$name.ipynb" -ef "$out/executed/$name.ipynb" ] || cp "$executed/$name.ipynb" "$out/executed/$name.ipynb"
  else
    say "executing $name"
    # MergeStreams (tools/nbconvert) keeps a cell's consecutive lines one output.
    (cd "$(dirname "$nb")" && PYTHONPATH="$RNNGO_ROOT/tools/nbconvert${PYTHONPATH:+:$PYTHONPATH}" \
      jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=gonb --ExecutePreprocessor.timeout=1800 \
      --ExecutePreprocessor.record_timing=False \
      --NotebookExporter.preprocessors='["rnngo_nbconvert.MergeStreams"]' \
      --output-dir "$out/executed" "$nb") 2> >(grep -v '^[IW][0-9]' >&2)
  fi
  jupyter nbconvert --to html --output-dir "$out/html" "$out/executed/$name.ipynb" 2> >(grep -v '^[IW][0-9]' >&2)
  if [ "$update" = 1 ]; then
    cp "$out/executed/$name.ipynb" "$nb"
  fi
  if [ "$markdown" = 1 ]; then
    # Figures as PNG files (their image/png copy), tables as Markdown (their
    # text/markdown copy); inline SVG never reaches the .md.
    jupyter nbconvert --to markdown --output-dir "$out/markdown" \
      --NbConvertBase.display_data_priority='["image/png", "text/markdown", "text/html", "text/plain"]' \
      --ExtractOutputPreprocessor.extract_output_types='["image/png"]' \
      "$out/executed/$name.ipynb" 2> >(grep -v '^[IW][0-9]' >&2)
    if grep -q '<svg' "$out/markdown/$name.md"; then
      die "export.sh: $out/markdown/$name.md has inline SVG: a figure has no PNG copy (install librsvg2-bin, then execute the notebook again)"
    fi
  fi
  if [ "$pdf" = 1 ]; then
    # The HTML export plus print rules (A4, no figure or table split across
    # pages, code wrapped), printed by headless Chromium.
    mkdir -p "$out/pdf/.print"
    sed 's|</head>|<style>@page { size: A4; margin: 14mm 12mm; }\
@media print { body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\
  pre, code, .jp-InputArea-editor, .highlight pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }\
  .jp-OutputArea-output, .nb-figure, .nb-diagram, svg, img, table, tr { break-inside: avoid; page-break-inside: avoid; }\
  .jp-Cell-inputWrapper { break-inside: avoid-page; } }</style></head>|' \
      "$out/html/$name.html" > "$out/pdf/.print/$name.html"
    # Formulas: MathJax from the local copy (Debian's libjs-mathjax) where
    # there is one, since the printing Chromium has no network.
    if [ -f "$mathjax" ]; then
      sed -i "s|https://cdnjs.cloudflare.com/ajax/libs/mathjax/[^/]*/latest.js|file://$mathjax|" "$out/pdf/.print/$name.html"
    fi
    "$chromium_bin" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
      --no-pdf-header-footer --run-all-compositor-stages-before-draw --virtual-time-budget=10000 \
      --print-to-pdf="$out/pdf/$name.pdf" "file://$out/pdf/.print/$name.html" > "$out/pdf/.print/$name.log" 2>&1 ||
      die "export.sh: Chromium could not print $name.pdf (see $out/pdf/.print/$name.log)"
    [ -s "$out/pdf/$name.pdf" ] || die "export.sh: Chromium wrote no $out/pdf/$name.pdf (see $out/pdf/.print/$name.log)"
  fi
done
say "HTML written to $out/html:"
ls -1 "$out/html" >&2
[ "$markdown" = 0 ] || say "Markdown written to $out/markdown (figures as PNG files beside each .md)"
[ "$pdf" = 0 ] || say "PDF written to $out/pdf"
