package backend

import (
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// XLA on the CPU. GoMLX's XLA backend needs a PJRT CPU plugin; for
// GOMLX_BACKEND=xla:cpu GoMLX looks for "pjrt_c_api_cpu_plugin.so" in its
// own directories and, where it finds none, downloads one from GitHub.
// scripts/setup.sh --xla-cpu instead installs a plugin from PyPI into the
// project's virtualenv (xla-cpu-pjrt, pinned in constraints-dev.txt), and
// [Config] turns "xla:cpu" into that plugin's absolute path, so that nothing
// is downloaded; where none is found, "xla:cpu" goes to GoMLX unchanged.
const (
	// CPUPluginEnvVar, when set, is the PJRT CPU plugin file "xla:cpu"
	// uses: "RNNGO_XLA_CPU_PLUGIN". Unset by default (nothing in the
	// project sets it): the plugin is then looked for in the virtualenvs
	// [CPUPlugin] lists.
	CPUPluginEnvVar = "RNNGO_XLA_CPU_PLUGIN"
	// ToolsEnvVar is the folder of the project's own tools (scripts/env.sh
	// exports it; default: .tools in the checkout): "RNNGO_TOOLS".
	ToolsEnvVar = "RNNGO_TOOLS"
	// CPUPluginInSitePackages is where pip puts the xla-cpu-pjrt plugin,
	// relative to a Python environment's site-packages.
	CPUPluginInSitePackages = "xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so"
	// SharedBuffersOption lets GoMLX hand host memory to a CPU plugin
	// without a copy. GoMLX turns it on by itself only for a plugin it
	// loaded by the name "cpu", not for one given by path.
	SharedBuffersOption = "shared_buffers"
)

// CPUPlugin returns the absolute path of the PJRT CPU plugin that
// scripts/setup.sh --xla-cpu installed, or "" where there is none. It looks,
// in order, at $RNNGO_XLA_CPU_PLUGIN (returned made absolute, even if missing, so
// that the error names it), the virtualenv in $RNNGO_TOOLS, the .tools/venv
// of the checkout this package was compiled from and of the folders above the
// current directory, and $VIRTUAL_ENV. getenv is os.Getenv in use.
func CPUPlugin(getenv func(string) string) string {
	return findCPUPlugin(getenv, candidateVenvs(getenv))
}

// findCPUPlugin returns $RNNGO_XLA_CPU_PLUGIN, else the plugin in the first
// of venvs that has one, else "".
func findCPUPlugin(getenv func(string) string, venvs []string) string {
	if p := strings.TrimSpace(getenv(CPUPluginEnvVar)); p != "" {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	for _, venv := range venvs {
		if p := pluginInVenv(venv); p != "" {
			return p
		}
	}
	return ""
}

// candidateVenvs lists the Python environments [CPUPlugin] searches, in order.
func candidateVenvs(getenv func(string) string) []string {
	var venvs []string
	if tools := getenv(ToolsEnvVar); tools != "" {
		venvs = append(venvs, filepath.Join(tools, "venv"))
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		// .../pkg/backend/cpuplugin.go → the checkout's .tools/venv.
		venvs = append(venvs, filepath.Join(filepath.Dir(file), "..", "..", ".tools", "venv"))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			venvs = append(venvs, filepath.Join(d, ".tools", "venv"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if v := getenv("VIRTUAL_ENV"); v != "" {
		venvs = append(venvs, v)
	}
	return venvs
}

// pluginInVenv returns the CPU plugin installed in a Python virtualenv
// (lib/python3.*/site-packages/xla_plugins/...), or "".
func pluginInVenv(venv string) string {
	matches, _ := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages", CPUPluginInSitePackages))
	sort.Sort(sort.Reverse(sort.StringSlice(matches))) // the newest Python first
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
			if abs, err := filepath.Abs(m); err == nil {
				return filepath.Clean(abs)
			}
		}
	}
	return ""
}

// IsCPUConfig reports whether a backend configuration selects XLA's CPU
// plugin by name: "xla:cpu", with or without options ("xla:cpu,shared_buffers").
func IsCPUConfig(config string) bool {
	name, rest, _ := strings.Cut(strings.TrimSpace(config), ":")
	plugin, _, _ := strings.Cut(rest, ",")
	return xlaNames[name] && strings.ToLower(strings.TrimSpace(plugin)) == "cpu"
}

// resolveCPUPlugin turns "xla:cpu[,options]" into the installed plugin's
// path ("xla:/abs/xla_cpu_pjrt.so,shared_buffers[,options]") where
// [CPUPlugin] finds one, and returns any other configuration unchanged.
// "noshared_buffers" among the options keeps GoMLX from sharing buffers.
func resolveCPUPlugin(config string, getenv func(string) string) string {
	if !IsCPUConfig(config) {
		return config
	}
	return withCPUPlugin(config, CPUPlugin(getenv))
}

// withCPUPlugin puts path in the place of "cpu" in the configuration config
// (for which IsCPUConfig holds), with shared buffers unless it says
// "noshared_buffers"; an empty path leaves config as it is.
func withCPUPlugin(config, path string) string {
	if path == "" {
		return config
	}
	name, rest, _ := strings.Cut(strings.TrimSpace(config), ":")
	var opts []string
	shared := true
	for _, o := range strings.Split(rest, ",")[1:] {
		o = strings.TrimSpace(o)
		switch o {
		case "":
			continue
		case SharedBuffersOption:
			continue // added below
		case "no" + SharedBuffersOption:
			shared = false
		}
		opts = append(opts, o)
	}
	if shared {
		opts = append([]string{SharedBuffersOption}, opts...)
	}
	return name + ":" + strings.Join(append([]string{path}, opts...), ",")
}
