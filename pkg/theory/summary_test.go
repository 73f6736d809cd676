package theory

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/pkg/nb"
)

// TestSummary fills Summary from the committed results of notebook 05:
// every field it names is there, and its numbers are the results'.
func TestSummary(t *testing.T) {
	r, err := LoadResults("../../notebooks/" + ResultsFile)
	if err != nil {
		t.Fatal(err)
	}
	data, err := r.SummaryData()
	if err != nil {
		t.Fatal(err)
	}
	text, err := nb.FillTemplate(Summary, data)
	if err != nil {
		t.Fatal(err)
	}
	last := r.Memory.Result.Ks[len(r.Memory.Result.Ks)-1]
	srn, _ := r.Memory.Result.At(SRN, last)
	for _, want := range []string{"【中文】", "【English】", fmt.Sprintf("%d 步", r.BPTT.Steps), fmt.Sprintf("%.3f at K = %d", srn, last)} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
}

// TestSummaryDataMissing: a section that has not run is an error naming it.
func TestSummaryDataMissing(t *testing.T) {
	r, err := LoadResults("../../notebooks/" + ResultsFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, clear := range map[string]func(r *Results){
		"BPTT":          func(r *Results) { r.BPTT = nil },
		"gradient-flow": func(r *Results) { r.Flow = nil },
		"memory":        func(r *Results) { r.Memory = nil },
		"clipping":      func(r *Results) { r.Clipping = nil },
	} {
		c := *r
		clear(&c)
		if _, err := c.SummaryData(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s results: error %v", name, err)
		}
	}
}
