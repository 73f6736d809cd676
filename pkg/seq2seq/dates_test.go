package seq2seq

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteDateIssueExamples(t *testing.T) {
	date := time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC)
	for layout, want := range map[string]string{
		"{d} {month} {yyyy}":                      "3 march 2021",
		"{mon} {d}, {yyyy}":                       "Mar 3, 2021",
		"{mm}/{dd}/{yy}":                          "03/03/21",
		"{weekday}, {Month} {d}, {yyyy}":          "Wednesday, March 3, 2021",
		"{weekday}, the {dth} of {Month}, {yyyy}": "Wednesday, the 3rd of March, 2021",
		"{dd}.{mm}.{yyyy}":                        "03.03.2021",
		"{MONTH} {d}, {yyyy}":                     "MARCH 3, 2021",
		"{wkd}, {d} {mon} {yyyy}":                 "Wed, 3 Mar 2021",
	} {
		ex, err := WriteDate(date, layout)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Source != want || ex.Target != "2021-03-03" {
			t.Errorf("%s: %q → %q, want %q → 2021-03-03", layout, ex.Source, ex.Target, want)
		}
	}
	for d, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 23: "23rd", 30: "30th", 31: "31st"} {
		ex, _ := WriteDate(time.Date(2021, 1, d, 0, 0, 0, 0, time.UTC), "{dth}")
		if ex.Source != want {
			t.Errorf("ordinal of %d: %q, want %q", d, ex.Source, want)
		}
	}
}

// TestDateLayoutsCoverEverything: every layout, for every date of the range,
// writes at most DateMaxSource characters of the source vocabulary, and the
// spans hold the fields (read back, they give the date).
func TestDateLayoutsCoverEverything(t *testing.T) {
	vocab, err := NewVocab(DateSourceChars)
	if err != nil {
		t.Fatal(err)
	}
	longest := 0
	first := time.Date(DateFirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
	for date := first; date.Year() <= DateLastYear; date = date.AddDate(0, 0, 1) {
		for _, layout := range DateLayouts {
			ex, err := WriteDate(date, layout)
			if err != nil {
				t.Fatal(err)
			}
			src := []rune(ex.Source)
			longest = max(longest, len(src))
			for _, r := range src {
				if _, err := vocab.Index(r); err != nil || r == DateStart || r == DateEnd || r == DatePad {
					t.Fatalf("%q: character %q not a source character", ex.Source, r)
				}
			}
			field := func(s Span) string { return string(src[s.Start:s.End]) }
			day := strings.TrimRight(field(ex.Day), "stndrh")
			if d, err := strconv.Atoi(day); err != nil || d != date.Day() {
				t.Fatalf("%q (%s): day span %v holds %q", ex.Source, layout, ex.Day, field(ex.Day))
			}
			month := field(ex.Month)
			if m, err := strconv.Atoi(month); err == nil {
				if m != int(date.Month()) {
					t.Fatalf("%q: month span holds %q", ex.Source, month)
				}
			} else if !strings.HasPrefix(strings.ToLower(date.Month().String()), strings.ToLower(month)) {
				t.Fatalf("%q: month span holds %q", ex.Source, month)
			}
			if y := field(ex.Year); !strings.HasSuffix(strconv.Itoa(date.Year()), y) {
				t.Fatalf("%q: year span holds %q", ex.Source, y)
			}
			if want := date.Format("2006-01-02"); ex.Target != want {
				t.Fatalf("%q: target %q, want %q", ex.Source, ex.Target, want)
			}
		}
	}
	if longest != DateMaxSource {
		t.Errorf("the longest source has %d characters, DateMaxSource says %d", longest, DateMaxSource)
	}
}

func TestDatesSplit(t *testing.T) {
	train, test, err := Dates(DateConfig{Seed: 7, Train: 3000, Test: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 3000 || len(test) != 1000 {
		t.Fatalf("%d train, %d test", len(train), len(test))
	}
	seen := map[string]bool{}
	layouts := map[string]int{}
	for _, ex := range train {
		if seen[ex.Target] {
			t.Fatalf("date %s twice in the training split", ex.Target)
		}
		seen[ex.Target], seen[ex.Source] = true, true
		layouts[ex.Layout]++
	}
	for _, ex := range test {
		if seen[ex.Target] || seen[ex.Source] {
			t.Fatalf("test example %q → %s overlaps the training split", ex.Source, ex.Target)
		}
	}
	if len(layouts) != len(DateLayouts) {
		t.Errorf("%d of %d layouts used in 3000 examples", len(layouts), len(DateLayouts))
	}
	again, _, _ := Dates(DateConfig{Seed: 7, Train: 3000, Test: 1000})
	other, _, _ := Dates(DateConfig{Seed: 8, Train: 3000, Test: 1000})
	same, differ := true, false
	for i := range train {
		same = same && again[i].Pair == train[i].Pair
		differ = differ || other[i].Pair != train[i].Pair
	}
	if !same || !differ {
		t.Errorf("the same seed must give the same examples (%v), another seed others (%v)", same, differ)
	}
}

func TestDatesErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  DateConfig
		want string
	}{
		{DateConfig{Train: -1, Test: 5}, "must not be negative, got train -1, test 5"},
		{DateConfig{Train: 30000, Test: 10000}, "30000 train + 10000 test dates asked for, but 1950–2049 has only 36525 days"},
	} {
		if _, _, err := Dates(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Dates(%+v): error %v, want one containing %q", tc.cfg, err, tc.want)
		}
	}
	date := time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC)
	if _, err := WriteDate(date, "{d} {fortnight}"); err == nil || !strings.Contains(err.Error(), "unknown code {fortnight}") {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := WriteDate(date, "{d"); err == nil || !strings.Contains(err.Error(), "unclosed '{'") {
		t.Errorf("unclosed brace: %v", err)
	}
	if _, err := WriteDate(time.Date(2077, 1, 1, 0, 0, 0, 0, time.UTC), "{yy}"); err == nil || !strings.Contains(err.Error(), "year 2077 is outside 1950–2049") {
		t.Errorf("year out of range: %v", err)
	}
}
