package nb

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSaveLoadJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checkpoints", "losses.json")
	type kept struct {
		Losses []float64
		Lines  []string
	}
	want := kept{[]float64{8.3905, 0.1}, []string{"Predicted:  ohlol"}}
	if err := SaveJSON(path, want); err != nil {
		t.Fatal(err)
	}
	var got kept
	if err := LoadJSON(path, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LoadJSON = %+v, %v; want %+v", got, err, want)
	}
	err := LoadJSON(filepath.Join(t.TempDir(), "none.json"), &got)
	if err == nil || !strings.Contains(err.Error(), "run the cell that saves it first") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestFillTemplate(t *testing.T) {
	data := struct {
		Outputs []string
		Counts  []int
		Gap     float64
	}{[]string{"4.0", "12.0"}, []int{20, 19}, 1.2e-5}
	got, err := FillTemplate(`输出 {{join .Outputs "、"}}; outputs {{join .Outputs ", "}}; {{join .Counts " and "}}; gap {{fmt "%.2g" .Gap}}`, data)
	if want := "输出 4.0、12.0; outputs 4.0, 12.0; 20 and 19; gap 1.2e-05"; err != nil || got != want {
		t.Errorf("FillTemplate = %q, %v; want %q", got, err, want)
	}
	if _, err := FillTemplate("{{.Missing}}", map[string]int{}); err == nil {
		t.Error("a missing key should be an error")
	}
}
