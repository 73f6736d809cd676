#!/usr/bin/env bash
# A GPU check anyone can rerun: the tests and the benchmark on GoMLX's XLA
# backend, on a machine with an NVIDIA GPU that has neither Go nor a network.
#
#   scripts/gpu-check.sh --build DIR      here, where Go is: DIR becomes a self-contained folder
#   DIR/gpu-check.sh --run [options]      there, on the GPU machine, from the folder
#
# See --help (or usage() below) for what each mode does and prints.
set -euo pipefail

# The bundle's --run mode must work with bash and coreutils alone: no grep,
# sed, awk or gzip (find is used, where present, only to look for the plugin).
say() { printf '[rnngo] %s\n' "$*" >&2; }
die() {
  printf '[rnngo] error: %s\n' "$*" >&2
  exit 1
}

# The 64 MiB a bundle may weigh (what a device machine's carry takes).
readonly LIMIT_BYTES=$((64 * 1024 * 1024))
# The packages whose tests the bundle holds, and the benchmark's workloads.
readonly PACKAGES=(pkg/rnn pkg/seq2seq pkg/backend internal/notebook06)
readonly WORKLOADS=charrnn,gated,mathor

usage() {
  cat <<'EOF'
scripts/gpu-check.sh --build DIR
    Run here, in the repository, where Go is. Builds into DIR (created; an old
    bundle there is replaced) everything a GPU machine without Go and without a
    network needs to check the GPU route:
      bin/rnn.test.gz, bin/seq2seq.test.gz, bin/backend.test.gz, bin/notebook06.test.gz
                      go test -c -tags xla of pkg/rnn, pkg/seq2seq, pkg/backend and
                      internal/notebook06 (notebook 06's attention model beside PyTorch)
      bin/rnnbench.gz go build -tags xla ./cmd/rnnbench (the side-by-side benchmark)
      bin/gz          a static helper that unpacks them (so --run needs no gzip)
      <package>/testdata, notebooks/data, tools/pytorch/*.py
                      what the tests and the benchmark read, in the repository's
                      layout (each test binary runs in its package's folder)
      gpu-check.sh, BUILD-INFO (commit, Go and GoMLX versions, glibc needed)
    The executables are built with -ldflags='-s -w' (stripped) and
    gzip-compressed; the folder must stay under 64 MiB, and --build fails
    loudly when it does not. Prints the folder's size and the build time.

DIR/gpu-check.sh --run [--plugin /abs/xla_cuda_plugin.so | --python-env VENV]
                      [--reps N] [--mathor-epochs N] [--no-tests] [--no-bench]
    Run on the GPU machine, from the folder --build made (bash and coreutils
    are enough). Everything it prints is also written to DIR/gpu-check.log.
    1. Finds the PJRT CUDA plugin: GOMLX_BACKEND=xla:/abs/path if set; else
       --plugin; else VENV/lib/python3*/site-packages/jax_plugins/*/
       xla_cuda_plugin.so (jax-cuda12-pjrt or jax-cuda13-pjrt installed there);
       else the first xla_cuda_plugin.so or pjrt_c_api_cuda_plugin.so that
       find(1) sees under / (or under the folders in RNNGO_PLUGIN_SEARCH),
       three minutes at most. None found: it stops, exit status 2.
    2. Sets GOMLX_BACKEND=xla:<plugin>, GOMLX_NO_AUTO_INSTALL=1 (download
       nothing) and puts the plugin's CUDA libraries (nvidia/*/lib in the
       site-packages, or next to the plugin) first on LD_LIBRARY_PATH.
       NVIDIA_TF32_OVERRIDE and XLA_FLAGS are left to pkg/backend, which sets
       NVIDIA_TF32_OVERRIDE=0 and XLA_FLAGS=--xla_gpu_enable_triton_gemm=false
       (PyTorch-exact float32) unless they are set already or RNNGO_TF32=1.
    3. Prints nvidia-smi's GPU, runs every test binary with -test.v in its
       package's folder (full output in DIR/results/<package>-test.txt) and
       prints a table: package, tests passed, failed, skipped, the failed ones.
    4. Runs rnnbench's char-RNN, -LSTM and -GRU training steps and a short
       mathor training (--mathor-epochs, default 500; --reps, default 1) in Go
       on the GPU, beside PyTorch on CUDA where a Python with torch and CUDA is
       found (VENV/bin/python, $RNNGO_PYTHON, python3, /usr/bin/python3), and
       prints rnnbench's table (also DIR/results/bench/results.md).
    Exit status: 0 when every test passed and the benchmark ran; 1 otherwise;
    2 when no plugin was found.

-h, --help
    This text.
EOF
}

# ---------------------------------------------------------------- --build ---

build() {
  local dir=$1 here start tmp bytes p
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  [ -f "$here/env.sh" ] || die "--build runs from the repository's scripts/ folder (no env.sh next to $0)"
  # shellcheck source=scripts/env.sh
  source "$here/env.sh"
  command -v go >/dev/null 2>&1 || die "--build needs Go on the PATH"
  start=$SECONDS
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)" # relative to where the command was given
  cd "$RNNGO_ROOT"
  case "$RNNGO_ROOT/" in "$dir"/*) die "--build DIR: $dir holds the repository; choose a new folder" ;; esac
  if [ -n "$(ls -A "$dir")" ]; then
    [ -f "$dir/BUILD-INFO" ] || die "--build DIR: $dir is not empty and holds no earlier bundle (no BUILD-INFO); choose an empty or new folder"
    say "replacing the bundle in $dir"
    rm -rf "${dir:?}"/* "${dir:?}"/.[!.]*
  fi
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: tmp is local
  trap "rm -rf '$tmp'" EXIT

  # Stripped (-s -w), not -trimpath: trimmed builds cannot reuse the compiled
  # packages that go build/vet -tags xla leave in Go's cache, and would
  # recompile GoMLX and its dependencies every time.
  say "go test -c -tags xla ${PACKAGES[*]/#/./}"
  go test -c -tags xla -ldflags='-s -w' -o "$tmp/" "${PACKAGES[@]/#/./}"
  say "go build -tags xla ./cmd/rnnbench"
  go build -tags xla -ldflags='-s -w' -o "$tmp/rnnbench" ./cmd/rnnbench
  say "go build ./internal/gpucheck/gz (static)"
  mkdir -p "$dir/bin"
  CGO_ENABLED=0 go build -ldflags='-s -w' -o "$dir/bin/gz" ./internal/gpucheck/gz
  local files=("$tmp/rnnbench")
  for p in "${PACKAGES[@]}"; do
    [ -x "$tmp/${p##*/}.test" ] || die "go test -c wrote no ${p##*/}.test"
    files+=("$tmp/${p##*/}.test")
  done
  say "compressing the executables"
  "$dir/bin/gz" -z "$dir/bin" "${files[@]}"

  # What the tests and the benchmark open at run time, relative to their
  # folder: testdata/, ../../notebooks/data/*.npz, ../../tools/pytorch/*.py.
  for p in "${PACKAGES[@]}"; do
    mkdir -p "$dir/$p"
    if [ -d "$p/testdata" ]; then cp -R "$p/testdata" "$dir/$p/"; fi
  done
  mkdir -p "$dir/notebooks" "$dir/tools/pytorch"
  cp -R notebooks/data "$dir/notebooks/"
  cp tools/pytorch/*.py "$dir/tools/pytorch/"
  cp "$here/gpu-check.sh" "$dir/gpu-check.sh"
  chmod 755 "$dir/gpu-check.sh"

  local commit glibc
  commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit, with uncommitted changes"; fi
  glibc="$({ grep -a -h -o 'GLIBC_2\.[0-9]*' "$tmp/rnn.test" "$tmp/rnnbench" || true; } | sort -u -V | tail -n 1)"
  glibc="${glibc#GLIBC_}"
  cat >"$dir/BUILD-INFO" <<EOF
rnngo GPU-check bundle (scripts/gpu-check.sh --build)
built:    $(date -u +%Y-%m-%dT%H:%M:%SZ)
commit:   $commit
go:       $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH), -tags xla, -ldflags='-s -w'
gomlx:    $(go list -m -f '{{.Version}}' github.com/gomlx/gomlx)
go-xla:   $(go list -m -f '{{.Version}}' github.com/gomlx/go-xla)
needs:    $(go env GOOS)/$(go env GOARCH) with glibc >= ${glibc:-?} (the test binaries and rnnbench use cgo), an NVIDIA GPU, a PJRT CUDA plugin
run:      ./gpu-check.sh --run [--plugin /abs/xla_cuda_plugin.so | --python-env VENV]
EOF

  bytes="$(du -sb "$dir" | cut -f1)"
  if [ "$bytes" -ge "$LIMIT_BYTES" ]; then
    du -ab "$dir" | sort -n | tail -n 8 >&2
    die "the bundle weighs $bytes bytes, over the 64 MiB limit ($LIMIT_BYTES bytes)"
  fi
  say "built in $((SECONDS - start)) s"
  printf 'bundle: %s\nsize:   %s bytes (%s MiB) of the %s MiB limit\n' "$dir" "$bytes" \
    "$((bytes / 1048576)).$(((bytes % 1048576) * 10 / 1048576))" "$((LIMIT_BYTES / 1048576))"
  printf 'run it on the GPU machine: %s/gpu-check.sh --run [--plugin /abs/xla_cuda_plugin.so | --python-env VENV]\n' "$dir"
}

# ------------------------------------------------------------------ --run ---

# abspath prints the absolute form of an existing file's path.
abspath() { printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"; }

# find_plugin prints the PJRT CUDA plugin's absolute path, or fails with exit
# status 2 saying where it looked. Arguments: --plugin's and --python-env's values.
find_plugin() {
  local plugin=$1 env=$2 f roots
  if [ -n "$plugin" ]; then
    [ -f "$plugin" ] || {
      printf '[rnngo] error: --plugin %s: no such file\n' "$plugin" >&2
      exit 2
    }
    abspath "$plugin"
    return
  fi
  if [ -n "$env" ]; then
    [ -d "$env" ] || {
      printf '[rnngo] error: --python-env %s: no such folder\n' "$env" >&2
      exit 2
    }
    for f in "$env"/lib/python3*/site-packages/jax_plugins/*/xla_cuda_plugin.so \
      "$env"/lib64/python3*/site-packages/jax_plugins/*/xla_cuda_plugin.so \
      "$env"/jax_plugins/*/xla_cuda_plugin.so; do
      if [ -f "$f" ]; then
        abspath "$f"
        return
      fi
    done
    printf '[rnngo] error: no PJRT CUDA plugin in --python-env %s: no lib/python3*/site-packages/jax_plugins/*/xla_cuda_plugin.so there (pip install jax-cuda12-pjrt or jax-cuda13-pjrt into it, or pass --plugin /abs/xla_cuda_plugin.so)\n' "$env" >&2
    exit 2
  fi
  roots="${RNNGO_PLUGIN_SEARCH:-/}"
  if command -v find >/dev/null 2>&1; then
    say "looking for xla_cuda_plugin.so / pjrt_c_api_cuda_plugin.so under $roots (three minutes at most)"
    local found=() line
    # shellcheck disable=SC2086 # roots is a list of folders
    while IFS= read -r line; do found+=("$line"); done < <(
      timeout 180 find $roots -maxdepth 12 \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
        \( -name xla_cuda_plugin.so -o -name pjrt_c_api_cuda_plugin.so \) -type f -print 2>/dev/null | sort || true
    )
    if [ ${#found[@]} -gt 0 ]; then
      if [ ${#found[@]} -gt 1 ]; then
        say "found ${#found[@]} plugins, using the first (--plugin chooses another):"
        printf '[rnngo]   %s\n' "${found[@]}" >&2
      fi
      printf '%s\n' "${found[0]}"
      return
    fi
  else
    say "find(1) is not installed: no search for the plugin"
  fi
  printf '[rnngo] error: no PJRT CUDA plugin found (GOMLX_BACKEND unset, no --plugin, no --python-env, and no xla_cuda_plugin.so or pjrt_c_api_cuda_plugin.so under %s). Pass --plugin /abs/path/xla_cuda_plugin.so, or --python-env VENV with jax-cuda12-pjrt or jax-cuda13-pjrt installed, or set GOMLX_BACKEND=xla:/abs/path/xla_cuda_plugin.so\n' "$roots" >&2
  exit 2
}

# torch_python prints "PYTHON cuda|cpu" for the first candidate interpreter
# that imports torch and numpy, preferring one whose torch sees a CUDA device.
torch_python() {
  local py cpu="" out
  for py in "$@"; do
    if [ -z "$py" ] || ! command -v "$py" >/dev/null 2>&1; then continue; fi
    out="$("$py" -c 'import torch, numpy; print("cuda" if torch.cuda.is_available() else "cpu")' 2>/dev/null)" || continue
    if [ "$out" = cuda ]; then
      printf '%s cuda\n' "$(command -v "$py")"
      return 0
    fi
    [ -n "$cpu" ] || cpu="$(command -v "$py") cpu"
  done
  [ -n "$cpu" ] || return 1
  printf '%s\n' "$cpu"
}

# count_results reads a test binary's -test.v output and sets passed, failed,
# skipped (top-level tests), failed_names (failed tests and subtests) and
# panicked (1 if a panic stopped the binary).
count_results() {
  local line re='^( *)--- (PASS|FAIL|SKIP): ([^ ]+)'
  passed=0 failed=0 skipped=0 failed_names="" panicked=0
  while IFS= read -r line; do
    if [ "${line#panic: }" != "$line" ]; then panicked=1; fi
    [[ $line =~ $re ]] || continue
    if [ "${BASH_REMATCH[2]}" = FAIL ]; then failed_names+="${failed_names:+ }${BASH_REMATCH[3]}"; fi
    [ -z "${BASH_REMATCH[1]}" ] || continue # a subtest
    case "${BASH_REMATCH[2]}" in
      PASS) passed=$((passed + 1)) ;;
      FAIL) failed=$((failed + 1)) ;;
      SKIP) skipped=$((skipped + 1)) ;;
    esac
  done <"$1"
}

run() {
  local plugin="" env="" reps=1 epochs=500 tests=1 bench=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --plugin) plugin="${2:?--plugin needs a path}"; shift 2 ;;
      --python-env) env="${2:?--python-env needs a folder}"; shift 2 ;;
      --reps) reps="${2:?--reps needs a number}"; shift 2 ;;
      --mathor-epochs) epochs="${2:?--mathor-epochs needs a number}"; shift 2 ;;
      --no-tests) tests=0; shift ;;
      --no-bench) bench=0; shift ;;
      *) die "--run: unknown option $1 (see --help)" ;;
    esac
  done
  local bundle
  bundle="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  if [ ! -f "$bundle/BUILD-INFO" ] || [ ! -x "$bundle/bin/gz" ]; then
    die "--run works in a folder made by --build (no BUILD-INFO and bin/gz next to $0): scripts/gpu-check.sh --build DIR, then DIR/gpu-check.sh --run"
  fi

  # From here on, everything printed also goes to the log.
  local log="$bundle/gpu-check.log" tee_pid
  exec > >(tee "$log") 2>&1
  tee_pid=$!
  # shellcheck disable=SC2064 # expand now
  trap "exec >&- 2>&-; wait $tee_pid 2>/dev/null || true" EXIT
  say "GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), log: $log"
  cat "$bundle/BUILD-INFO"

  # 1. The plugin.
  if [ -n "${GOMLX_BACKEND:-}" ]; then
    local name="${GOMLX_BACKEND%%:*}" rest="${GOMLX_BACKEND#*:}"
    case "$name" in
      xla | stablehlo | shlo | hlo | pjrt) ;;
      *) die "GOMLX_BACKEND=$GOMLX_BACKEND does not select GoMLX's XLA backend: unset it, or set it to xla:/abs/path/xla_cuda_plugin.so" ;;
    esac
    if [ "$rest" = "$GOMLX_BACKEND" ] || [ -z "${rest%%,*}" ]; then
      die "GOMLX_BACKEND=$GOMLX_BACKEND names no plugin: set it to xla:/abs/path/xla_cuda_plugin.so"
    fi
    if [ -n "$plugin$env" ]; then say "GOMLX_BACKEND is set: --plugin / --python-env are not used to find the plugin"; fi
    plugin="${rest%%,*}"
    case "$plugin" in
      /*) [ -f "$plugin" ] || {
        printf '[rnngo] error: GOMLX_BACKEND=%s: %s does not exist\n' "$GOMLX_BACKEND" "$plugin" >&2
        exit 2
      } ;;
      *) say "GOMLX_BACKEND names the plugin \"$plugin\", not a path: GoMLX looks it up among the plugins it installed (~/.local/lib/go-xla); nothing is downloaded" ;;
    esac
  else
    plugin="$(find_plugin "$plugin" "$env")" || exit $?
    export GOMLX_BACKEND="xla:$plugin"
  fi
  export GOMLX_NO_AUTO_INSTALL=1
  # The CUDA libraries pip installs beside a jax plugin (site-packages/nvidia/*/lib,
  # two folders above jax_plugins/xla_cudaNN/xla_cuda_plugin.so) or GoMLX's
  # installer beside its own (nvidia/ next to it or one folder up).
  local d libs=() lib
  if [ "${plugin#/}" != "$plugin" ]; then
    d="$(dirname "$plugin")"
    for _ in 1 2 3; do
      for lib in "$d"/nvidia/*/lib; do if [ -d "$lib" ]; then libs+=("$lib"); fi; done
      [ ${#libs[@]} -eq 0 ] || break
      d="$(dirname "$d")"
    done
  fi
  if [ ${#libs[@]} -gt 0 ]; then
    LD_LIBRARY_PATH="$(
      IFS=:
      printf '%s' "${libs[*]}"
    )${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
    say "CUDA libraries: ${#libs[@]} folders from $d/nvidia first on LD_LIBRARY_PATH"
  else
    say "no nvidia/*/lib folders beside the plugin: the system's CUDA libraries are used (LD_LIBRARY_PATH unchanged)"
  fi
  printf 'GOMLX_BACKEND=%s\nGOMLX_NO_AUTO_INSTALL=%s\nLD_LIBRARY_PATH=%s\n' "$GOMLX_BACKEND" "$GOMLX_NO_AUTO_INSTALL" "${LD_LIBRARY_PATH:-}"
  if [ "${RNNGO_TF32:-}" = 1 ]; then
    say "RNNGO_TF32=1: pkg/backend keeps XLA's TF32 products and Triton GEMM fusions (not PyTorch-exact float32)"
  else
    printf 'NVIDIA_TF32_OVERRIDE=%s\nXLA_FLAGS=%s\n' \
      "${NVIDIA_TF32_OVERRIDE-(unset: pkg/backend sets 0)}" "${XLA_FLAGS-(unset: pkg/backend sets --xla_gpu_enable_triton_gemm=false)}"
  fi

  # 2. The GPU.
  if command -v nvidia-smi >/dev/null 2>&1; then
    printf 'GPU: %s\n' "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true)"
  else
    say "nvidia-smi not found: the GPU's name is not known"
  fi

  # 3. The executables, unpacked outside the folder (which stays small
  # enough to be carried again) and removed at the end.
  local bin
  bin="$(mktemp -d "${TMPDIR:-/tmp}/rnngo-gpu-check.XXXXXX")"
  # shellcheck disable=SC2064 # expand now
  trap "rm -rf '$bin'; exec >&- 2>&-; wait $tee_pid 2>/dev/null || true" EXIT
  "$bundle/bin/gz" -d "$bin" "$bundle"/bin/*.gz
  local out needs="" l
  while IFS= read -r l; do case "$l" in needs:*) needs="${l#needs:}" ;; esac; done <"$bundle/BUILD-INFO"
  out="$(cd "$bundle/pkg/rnn" && "$bin/rnn.test" -test.list '^$' 2>&1)" ||
    die "the test binaries do not start here (they need${needs}): $out"

  local status=0 p b rc passed failed skipped failed_names panicked summary="" t0
  mkdir -p "$bundle/results"
  if [ "$tests" = 1 ]; then
    # The Python internal/pyref picks: the first of these that imports torch and numpy.
    local tpy="" py
    for py in "${RNNGO_PYTHON:-}" /usr/bin/python3 python3; do
      if [ -n "$py" ] && "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
        tpy="$py"
        break
      fi
    done
    if [ -n "$tpy" ]; then
      say "the tests that regenerate PyTorch's reference files (on the CPU) run with $tpy"
    else
      say "the tests that regenerate PyTorch's reference files are skipped: no Python with torch and numpy (RNNGO_PYTHON, /usr/bin/python3, python3)"
    fi
    for p in "${PACKAGES[@]}"; do
      b="${p##*/}"
      say "$p: $b.test -test.v (in $bundle/$p)"
      t0=$SECONDS
      set +e
      (cd "$bundle/$p" && "$bin/$b.test" -test.v -test.timeout 30m) 2>&1 | tee "$bundle/results/$b-test.txt"
      rc=${PIPESTATUS[0]}
      set -e
      count_results "$bundle/results/$b-test.txt"
      if [ "$panicked" = 1 ]; then
        failed_names+="${failed_names:+ }(a panic stopped $b.test: the tests after it did not run)"
      elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed_names="(exit status $rc, no test reported FAIL: crashed or timed out)"
      fi
      if [ "$rc" -ne 0 ] || [ "$failed" -gt 0 ]; then status=1; fi
      summary+="$(printf '%-20s %6d %6d %7d %6d %6s  %s' "$p" "$passed" "$failed" "$skipped" "$rc" "$((SECONDS - t0))s" "$failed_names")"$'\n'
    done
    printf '\n%-20s %6s %6s %7s %6s %6s  %s\n' package passed failed skipped exit time "failed tests"
    printf '%s' "$summary"
    printf '(passed/failed/skipped count top-level tests; failed tests lists subtests too)\n\n'
  fi

  # 4. The benchmark.
  if [ "$bench" = 1 ]; then
    local bpy device args
    if bpy="$(torch_python "${env:+$env/bin/python}" "${RNNGO_PYTHON:-}" python3 /usr/bin/python3 2>/dev/null)"; then
      device="${bpy##* }"
      bpy="${bpy% *}"
      say "PyTorch: $bpy on $device$([ "$device" = cuda ] || printf ' (its torch sees no CUDA device: a CPU anchor)')"
      args=(-python "$bpy" -torch-device "$device")
    else
      say "no Python with torch and numpy: only the Go side is measured"
      args=(-python none)
    fi
    t0=$SECONDS
    set +e
    (cd "$bundle" && "$bin/rnnbench" -root "$bundle" -out "$bundle/results/bench" -workloads "$WORKLOADS" \
      -reps "$reps" -mathor-epochs "$epochs" -autodiff-reps 0 "${args[@]}")
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
      say "rnnbench failed (exit status $rc)"
      status=1
    fi
    say "benchmark: $((SECONDS - t0)) s"
  fi

  if [ "$status" -eq 0 ]; then say "GPU check passed"; else say "GPU check FAILED"; fi
  say "log: $log"
  return "$status"
}

case "${1:-}" in
  --build)
    [ $# -eq 2 ] || die "usage: scripts/gpu-check.sh --build DIR (see --help)"
    build "$2"
    ;;
  --run)
    shift
    run "$@"
    ;;
  -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
