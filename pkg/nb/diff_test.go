package nb

import (
	"regexp"
	"strings"
	"testing"
)

func TestDiffLines(t *testing.T) {
	py := "a\nb, grad_fn=<AddBackward0>\nc\nd\n"
	goOut := "a\nb\nC\nd\ne\n"
	d := DiffLines(py, goOut, DiffOptions{Ignore: regexp.MustCompile(`, grad_fn=<\w+>`), Why: "grad_fn 后缀"})
	var got []string
	for _, r := range d.Rows {
		got = append(got, r.Left+"|"+r.Right+"|"+r.mark())
	}
	want := []string{"a|a|=", "b, grad_fn=<AddBackward0>|b|≈", "c|C|≠", "d|d|=", "|e|≠"}
	if strings.Join(got, " ; ") != strings.Join(want, " ; ") {
		t.Errorf("rows:\n%v\nwant\n%v", got, want)
	}
	if d.Same != 3 || d.Equal() {
		t.Errorf("Same = %d, Equal = %v", d.Same, d.Equal())
	}
	if s := d.String(); s != "逐行比较：5 行中 3 行相同，其中第 2 行（≈）只在grad_fn 后缀上不同，不计入比较；不同的行：3、5" {
		t.Errorf("String() = %q", s)
	}
	if h := d.HTML("Python", "Go"); !strings.Contains(h, "&lt;AddBackward0&gt;") || strings.Count(h, "≠") != 2 || strings.Count(h, "≈") != 1 {
		t.Errorf("HTML does not escape or mark the rows:\n%s", h)
	}
	if same := DiffLines("x\ny\n", "x\ny", DiffOptions{}); !same.Equal() || same.Same != 2 {
		t.Errorf("a missing final newline should not count: %+v", same)
	}
}
