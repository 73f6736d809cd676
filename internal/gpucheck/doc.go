// Package gpucheck holds the test of scripts/gpu-check.sh, the GPU check
// anyone can rerun (README, "Rerunning the GPU check"): its --build mode makes
// a folder of test binaries and a benchmark with GoMLX's XLA backend linked
// in, which its --run mode runs on a GPU machine that has neither Go nor a
// network. The folder's executables are packed and unpacked by the static
// helper in gz/, so that --run needs nothing but bash and coreutils.
package gpucheck
