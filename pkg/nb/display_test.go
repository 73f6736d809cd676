package nb

import (
	"bytes"
	"image/png"
	"os/exec"
	"testing"
)

func TestTableMarkdown(t *testing.T) {
	got := TableMarkdown([]string{"模型", "a|b", ""}, [][]string{{"SRN", "1\n2"}, {"LSTM"}})
	want := "| 模型 | a\\|b |   |\n| --- | --- | --- |\n| SRN | 1 2 |   |\n| LSTM |   |   |\n"
	if got != want {
		t.Errorf("TableMarkdown:\n%q\nwant\n%q", got, want)
	}
}

func TestPNG(t *testing.T) {
	if _, err := exec.LookPath("rsvg-convert"); err != nil {
		if _, err := PNG("<svg/>"); err == nil {
			t.Fatal("PNG without rsvg-convert should fail, saying so")
		}
		t.Skip("rsvg-convert is not installed (scripts/setup.sh --browser installs librsvg2-bin)")
	}
	svg, err := Figure{Title: "损失 loss", XLabel: "轮次 epoch", YLabel: "损失", Series: []Series{{Name: "SRN", X: []float64{1, 2, 3}, Y: []float64{3, 2, 1}}}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(svg)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// gonum draws 640x432 pt by default (nb.Figure's size may differ): the
	// raster is PNGScale pixels a point.
	if w := img.Bounds().Dx(); w < 400 {
		t.Errorf("PNG is %d pixels wide, want a readable figure", w)
	}
	if _, err := PNG("<svg"); err == nil {
		t.Error("PNG of a broken SVG should fail")
	}
}
