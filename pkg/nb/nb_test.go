package nb

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func TestCompareAndTable(t *testing.T) {
	if got := Compare("x", []float64{1, 2}, []float64{1, 2.5}, 0.1); got !=
		"x | 不一致（最大差 0.5 > 0.1）" {
		t.Errorf("Compare = %q", got)
	}
	want := "a |  bb\n- | ---\n1 | 2.5\n"
	if got := TableText([]string{"a", "bb"}, [][]string{{"1", "2.5"}}); got != want {
		t.Errorf("TableText =\n%s\nwant\n%s", got, want)
	}
	if got := TableHTML([]string{"<h>"}, nil); got == "" || !strings.Contains(got, "&lt;h&gt;") {
		t.Errorf("TableHTML does not escape: %q", got)
	}
}

func TestComparisonVerdicts(t *testing.T) {
	var c Comparisons
	c.Add("same", []float64{1}, []float64{1}, 0)
	c.Add("close", []float64{1}, []float64{1 + 6e-8}, 1e-6)
	c.Add("far", []float64{1}, []float64{2}, 1e-6)
	if got := c.String(); !strings.Contains(got, "close | 一致（最大差 5.96e-08 ≤ 1e-06）") && !strings.Contains(got, "close | 一致（最大差 6e-08 ≤ 1e-06）") {
		t.Errorf("Comparisons =\n%s", got)
	}
	names, agree := ComparisonVerdicts("before\n" + c.String() + "after\n")
	if !slices.Equal(names, []string{"same", "close", "far"}) || !slices.Equal(agree, []bool{true, true, false}) {
		t.Errorf("ComparisonVerdicts = %q %v", names, agree)
	}
}

func TestComparisonsAlign(t *testing.T) {
	var c Comparisons
	c.Add("short", []float64{1, 2}, []float64{1, 2}, 0)
	c.Add("a much longer name than 28 columns", []float64{1, 2}, []float64{1, 2.5}, 1e-6)
	lines := strings.Split(strings.TrimSuffix(c.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), c.String())
	}
	if a, b := strings.Index(lines[0], "|"), strings.Index(lines[1], "|"); a != b || a != len("a much longer name than 28 columns")+1 {
		t.Errorf("columns not aligned:\n%s", c)
	}
	want := "short                              | 逐位相同（最大差 0）"
	if lines[0] != want {
		t.Errorf("line 1:\n%q\nwant\n%q", lines[0], want)
	}
	if !strings.HasSuffix(lines[1], "| 不一致（最大差 0.5 > 1e-06）") {
		t.Errorf("line 2: %q", lines[1])
	}
	if got := Compare("h", []float64{1}, []float64{1, 2}, 1); got != "h | 不一致（最大差 +Inf > 1）" {
		t.Errorf("Compare of different lengths: %q", got)
	}
}

func TestSub(t *testing.T) {
	x := tensors.FromValue([][]float32{{1, 2, 3}, {4, 5, 6}})
	v, dims, err := Sub(x, 1)
	if err != nil || !slices.Equal(v, []float64{4, 5, 6}) || !slices.Equal(dims, []int{3}) {
		t.Errorf("Sub(x, 1) = %v, %v, %v", v, dims, err)
	}
	if v, _, err := Sub(tensors.FromValue([]int32{7, 8}), 1); err != nil || !slices.Equal(v, []float64{8}) {
		t.Errorf("Sub of an int32 tensor: %v, %v", v, err)
	}
	for _, tc := range []struct {
		t     *tensors.Tensor
		index []int
		want  string
	}{
		{x, []int{0, 0, 0}, "nb.Sub: 3 indices for a 2-D tensor [2 3]"},
		{x, []int{2}, "nb.Sub: index 2 out of range for axis 0 of size 2"},
		{tensors.FromValue([]bool{true}), nil, "nb.Sub: rnn.Float64s: tensor of Bool"},
	} {
		if _, _, err := Sub(tc.t, tc.index...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Sub(%v, %v): error %v, want one containing %q", tc.t.Shape(), tc.index, err, tc.want)
		}
	}
}

func TestDiagrams(t *testing.T) {
	srn := SRNDiagramSVG("SRN")
	for _, w := range []string{"w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "U1", "U2", "U3", "U4", "in_h1 = w1·x1 + w3·x2 + U2·s1 + U4·s2"} {
		if !strings.Contains(srn, ">"+w) {
			t.Errorf("the SRN diagram lacks %q", w)
		}
	}
	one := DiagramSVG(OneToN, "1 → N", []string{"image"}, []string{"a", "dog", "runs"})
	if strings.Count(one, "<rect") != 3 || !strings.Contains(one, ">image<") || !strings.Contains(one, ">runs<") {
		t.Errorf("1 → N diagram: %s", one)
	}
	long := DiagramSVG(OneToN, "一对多 1 → N (看图说话 captioning an image)", []string{"x"}, []string{"a"})
	if !strings.Contains(long, `width="`+fmt.Sprint(textWidth("一对多 1 → N (看图说话 captioning an image)", 13)+20)+`"`) {
		t.Errorf("a diagram narrower than its title: %.200s", long)
	}
	if m := DiagramSVG(NToM, "N → M", []string{"m", "E"}, []string{"w", "E"}); strings.Contains(m, "fed back") {
		t.Errorf("the N → M decoder is drawn with teacher forcing, not feedback: %s", m)
	}
}
