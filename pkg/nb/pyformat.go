package nb

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// PyFloat formats f as Python's repr(float) does (and NumPy 1.x's repr of a
// float64 scalar): the shortest digits that read back as f, with ".0" on
// whole numbers and scientific notation outside [1e-4, 1e16):
// 4.0, 0.9640275800758169, 1e-05, 1e+16.
func PyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. "-9.640275800758169e-01"
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	if exp >= -4 && exp < 16 {
		decpt := exp + 1
		switch {
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			return sign + digits[:decpt] + "." + digits[decpt:]
		}
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	return fmt.Sprintf("%s%se%+03d", sign, m, exp)
}

// PyTuple formats values as a Python tuple of floats: (2.0, 2.0).
func PyTuple(values ...float64) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = PyFloat(v)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// NumPy formats a float64 vector ([]float64) or matrix ([][]float64) as
// print(numpy_array) does with NumPy's default print options (up to 8
// fractional digits, unique, trailing zeros trimmed, aligned):
// [1. 1.], [[1. 1.]\n [2. 2.]], [0.96402758 0.99922554].
func NumPy(value any) string {
	switch v := value.(type) {
	case []float64:
		return "[" + strings.Join(numpyCells(v, v), " ") + "]"
	case [][]float64:
		var all []float64
		for _, row := range v {
			all = append(all, row...)
		}
		rows := make([]string, len(v))
		for i, row := range v {
			rows[i] = "[" + strings.Join(numpyCells(row, all), " ") + "]"
		}
		return "[" + strings.Join(rows, "\n ") + "]"
	}
	return fmt.Sprintf("%v", value)
}

// numpyCells formats values aligned as NumPy aligns all of all.
func numpyCells(values, all []float64) []string {
	split := func(v float64) (string, string) {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 8 {
			s = strings.TrimRight(strconv.FormatFloat(v, 'f', 8, 64), "0")
		}
		ip, fp, _ := strings.Cut(s, ".")
		return ip, fp
	}
	maxInt, maxFrac := 0, 0
	for _, v := range all {
		ip, fp := split(v)
		maxInt, maxFrac = max(maxInt, len(ip)), max(maxFrac, len(fp))
	}
	out := make([]string, len(values))
	for i, v := range values {
		ip, fp := split(v)
		out[i] = strings.Repeat(" ", maxInt-len(ip)) + ip + "." + fp + strings.Repeat(" ", maxFrac-len(fp))
	}
	return out
}

// Torch formats a float tensor's values (row-major, with its dimensions) as
// print(torch_tensor) does with PyTorch's default print options: 4 decimals
// (or "1." when every value is whole), aligned, nested brackets:
// tensor([[1.9281, 1.9281]]). A Go tensor has no autograd history, so there
// is no ", grad_fn=<…>" suffix.
func Torch(values []float64, dims []int) string {
	whole := true
	for _, v := range values {
		if v != math.Trunc(v) {
			whole = false
			break
		}
	}
	cells := make([]string, len(values))
	width := 0
	for i, v := range values {
		if whole {
			cells[i] = strconv.FormatFloat(v, 'f', 0, 64) + "."
		} else {
			cells[i] = strconv.FormatFloat(v, 'f', 4, 64)
		}
		width = max(width, len(cells[i]))
	}
	for i, c := range cells {
		cells[i] = strings.Repeat(" ", width-len(c)) + c
	}
	if len(dims) == 0 {
		return "tensor(" + cells[0] + ")"
	}
	var rec func(depth, offset int) string
	rec = func(depth, offset int) string {
		n := dims[depth]
		stride := 1
		for _, d := range dims[depth+1:] {
			stride *= d
		}
		parts := make([]string, n)
		for i := range n {
			if depth == len(dims)-1 {
				parts[i] = cells[offset+i]
			} else {
				parts[i] = rec(depth+1, offset+i*stride)
			}
		}
		if depth == len(dims)-1 {
			return "[" + strings.Join(parts, ", ") + "]"
		}
		indent := strings.Repeat(" ", len("tensor(")+depth+1)
		sep := ",\n" + strings.Repeat("\n", len(dims)-depth-2) + indent
		return "[" + strings.Join(parts, sep) + "]"
	}
	return "tensor(" + rec(0, 0) + ")"
}
