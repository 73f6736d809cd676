package backend

import (
	"os"
	"path/filepath"
	"strings"
)

// Environment variables that decide whether XLA on an NVIDIA GPU computes
// float32 like PyTorch does on a CPU.
const (
	// TF32EnvVar, set to "1", lets an XLA GPU backend use TF32 matrix
	// products and Triton GEMM fusions (faster; results then differ from
	// PyTorch's float32 by up to 1e-3). By default New turns both off.
	TF32EnvVar = "RNNGO_TF32"
	// NvidiaTF32EnvVar is read by cuBLAS/cuDNN when the plugin loads: "0"
	// disables TF32 tensor-core products.
	NvidiaTF32EnvVar = "NVIDIA_TF32_OVERRIDE"
	// XLAFlagsEnvVar holds XLA's own flags, read when the plugin loads.
	XLAFlagsEnvVar = "XLA_FLAGS"
	// TritonGEMMFlag disables XLA's Triton GEMM fusions, which reorder
	// float32 sums enough to be seen at 1e-4.
	TritonGEMMFlag = "--xla_gpu_enable_triton_gemm=false"
)

// xlaNames are the names GoMLX registers its XLA/PJRT backend under.
var xlaNames = map[string]bool{"xla": true, "stablehlo": true, "shlo": true, "hlo": true, "pjrt": true}

// IsGPUConfig reports whether a backend configuration ("<name>:<plugin>[,options]",
// as in GOMLX_BACKEND) selects XLA with a plugin other than the CPU one: a
// named plugin such as "cuda" or "rocm", or the path of a plugin library
// such as ".../xla_cuda13/xla_cuda_plugin.so".
func IsGPUConfig(config string) bool {
	name, rest, _ := strings.Cut(strings.TrimSpace(config), ":")
	if !xlaNames[name] {
		return false
	}
	plugin, _, _ := strings.Cut(rest, ",")
	plugin = strings.ToLower(strings.TrimSpace(plugin))
	if plugin == "" || plugin == "cpu" {
		return false // GoMLX's default plugin is the CPU one
	}
	base := filepath.Base(plugin)
	return !strings.Contains(base, "cpu")
}

// ExactGPUEnv returns the environment variables New sets, before the plugin
// loads, for a GPU configuration so that float32 results match PyTorch's at
// 1e-5: NVIDIA_TF32_OVERRIDE=0 and XLA_FLAGS with TritonGEMMFlag added. A
// variable the user already set is kept as it is (XLA_FLAGS gets the flag
// only if it does not mention xla_gpu_enable_triton_gemm); nothing is set for
// a non-GPU configuration or when RNNGO_TF32=1. getenv is os.Getenv in use
// (a parameter for the tests).
func ExactGPUEnv(config string, getenv func(string) string) map[string]string {
	if !IsGPUConfig(config) || getenv(TF32EnvVar) == "1" {
		return nil
	}
	set := map[string]string{}
	if getenv(NvidiaTF32EnvVar) == "" {
		set[NvidiaTF32EnvVar] = "0"
	}
	flags := getenv(XLAFlagsEnvVar)
	if !strings.Contains(flags, "xla_gpu_enable_triton_gemm") {
		set[XLAFlagsEnvVar] = strings.TrimSpace(flags + " " + TritonGEMMFlag)
	}
	return set
}

// applyExactGPUEnv sets ExactGPUEnv(config, os.Getenv) in the process environment.
func applyExactGPUEnv(config string) error {
	for k, v := range ExactGPUEnv(config, os.Getenv) {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}
