package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// The date task: dates written the many ways people write them, to be
// translated into ISO 8601 ("Wednesday, March 3, 2021" → "2021-03-03"). The
// inputs run from 8 to 38 characters, so a model that must squeeze all of it
// into one context vector meets the bottleneck on the long ones; the fields
// appear in a different order and spelling in every layout, so attention
// has to find them. Everything is generated in Go from a declared seed.

// DateLayouts are the ways a date is written, one chosen at random for each
// example. Codes in braces: {d} day (3), {dd} day with two digits (03),
// {dth} ordinal day (3rd), {m}/{mm} month number (3/03), {mon} (Mar),
// {month} (march), {Month} (March), {MONTH} (MARCH), {yy} two-digit year
// (21: 50–99 are 1950–1999, 00–49 are 2000–2049), {yyyy} (2021), {wkd} (Wed),
// {weekday} (Wednesday). Everything else is written as it is. Slashes
// write the month first (US), dots the day first (European).
var DateLayouts = []string{
	"{d} {month} {yyyy}",                      // 3 march 2021
	"{d} {Month} {yyyy}",                      // 3 March 2021
	"{dd} {mon} {yyyy}",                       // 03 Mar 2021
	"{mon} {d}, {yyyy}",                       // Mar 3, 2021
	"{Month} {d}, {yyyy}",                     // March 3, 2021
	"{MONTH} {d}, {yyyy}",                     // MARCH 3, 2021
	"{Month} {dth}, {yyyy}",                   // March 3rd, 2021
	"{mm}/{dd}/{yy}",                          // 03/03/21
	"{mm}/{dd}/{yyyy}",                        // 03/03/2021
	"{dd}.{mm}.{yyyy}",                        // 03.03.2021
	"{dd}-{mon}-{yy}",                         // 03-Mar-21
	"{wkd}, {d} {mon} {yyyy}",                 // Wed, 3 Mar 2021
	"{weekday}, {d} {Month} {yyyy}",           // Wednesday, 3 March 2021
	"{weekday}, {Month} {d}, {yyyy}",          // Wednesday, March 3, 2021
	"the {dth} of {Month}, {yyyy}",            // the 3rd of March, 2021
	"{weekday}, the {dth} of {Month}, {yyyy}", // Wednesday, the 3rd of March, 2021
}

// The date task's special symbols (none of them appears in a written date)
// and vocabularies.
const (
	// DateStart, DateEnd and DatePad are the start, end and padding symbols.
	DateStart, DateEnd, DatePad = '^', '$', '_'
	// DateSourceChars is the source vocabulary: the three symbols, then every
	// character a layout writes.
	DateSourceChars = "^$_ ,-./0123456789ABCDEFGHIJLMNOPRSTUVWYabcdefghijlmnoprstuvy"
	// DateTargetChars is the target vocabulary: the symbols, the digits and '-'.
	DateTargetChars = "^$_0123456789-"
	// DateMaxSource is the longest source a layout writes ("Wednesday, the
	// 30th of September, 2021"), DateMaxTarget the target's length.
	DateMaxSource, DateMaxTarget = 38, 10
	// DateFirstYear and DateLastYear bound the dates generated.
	DateFirstYear, DateLastYear = 1950, 2049
)

// DateSpecials are the date task's start, end and padding symbols.
var DateSpecials = Specials{Start: DateStart, End: DateEnd, Pad: DatePad}

// Span is a range of character positions [Start, End) in a string.
type Span struct{ Start, End int }

// Contains reports whether position i lies in the span.
func (s Span) Contains(i int) bool { return i >= s.Start && i < s.End }

// DateExample is one example of the date task: the pair (Source as written,
// Target in ISO 8601), the layout it was written with (one of DateLayouts),
// and where the day, month and year are in Source (character positions;
// the weekday is not a field: it carries no information of its own).
type DateExample struct {
	Pair
	Layout           string
	Day, Month, Year Span
	// Date is the date itself, at midnight UTC.
	Date time.Time
}

// DateConfig says how many examples Dates generates and from which seed.
type DateConfig struct {
	// Seed of the random numbers (math/rand/v2's PCG): the same seed gives
	// the same examples.
	Seed uint64
	// Train and Test are the numbers of examples of each split.
	Train, Test int
}

// Dates generates the date task's examples: Train+Test distinct dates drawn
// uniformly from DateFirstYear-01-01 … DateLastYear-12-31, each written in
// a layout drawn uniformly from DateLayouts. The test dates are never
// training dates, so neither a test input nor a test target appears in the
// training split. Negative sizes, or more dates than the range holds, are
// errors.
func Dates(cfg DateConfig) (train, test []DateExample, err error) {
	first := time.Date(DateFirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(DateLastYear+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	switch {
	case cfg.Train < 0 || cfg.Test < 0:
		return nil, nil, fmt.Errorf("seq2seq: date task sizes must not be negative, got train %d, test %d", cfg.Train, cfg.Test)
	case cfg.Train+cfg.Test > days:
		return nil, nil, fmt.Errorf("seq2seq: %d train + %d test dates asked for, but %d–%d has only %d days",
			cfg.Train, cfg.Test, DateFirstYear, DateLastYear, days)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xda7e5))
	picked := make(map[int]bool, cfg.Train+cfg.Test)
	all := make([]DateExample, 0, cfg.Train+cfg.Test)
	for len(all) < cfg.Train+cfg.Test {
		day := rng.IntN(days)
		if picked[day] {
			continue
		}
		picked[day] = true
		layout := DateLayouts[rng.IntN(len(DateLayouts))]
		ex, err := WriteDate(first.AddDate(0, 0, day), layout)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, ex)
	}
	return all[:cfg.Train], all[cfg.Train:], nil
}

// WriteDate writes date in layout (see DateLayouts for the codes) and returns
// the example: the written date, its ISO form, and the fields' spans. An
// unknown code, or a year outside DateFirstYear…DateLastYear, is an error.
func WriteDate(date time.Time, layout string) (DateExample, error) {
	y, mo, d := date.Date()
	if y < DateFirstYear || y > DateLastYear {
		return DateExample{}, fmt.Errorf("seq2seq: year %d is outside %d–%d (two-digit years could not be read back)",
			y, DateFirstYear, DateLastYear)
	}
	ex := DateExample{Layout: layout, Date: time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)}
	var sb strings.Builder
	n := 0 // characters written
	rest := layout
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			sb.WriteString(rest)
			n += len([]rune(rest))
			break
		}
		sb.WriteString(rest[:open])
		n += len([]rune(rest[:open]))
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return DateExample{}, fmt.Errorf("seq2seq: date layout %q: unclosed '{'", layout)
		}
		code := rest[open+1 : open+end]
		rest = rest[open+end+1:]
		text, field, err := dateCode(code, date)
		if err != nil {
			return DateExample{}, fmt.Errorf("seq2seq: date layout %q: %w", layout, err)
		}
		span := Span{n, n + len([]rune(text))}
		switch field {
		case 'd':
			ex.Day = span
		case 'm':
			ex.Month = span
		case 'y':
			ex.Year = span
		}
		sb.WriteString(text)
		n = span.End
	}
	ex.Pair = Pair{Source: sb.String(), Target: ex.Date.Format("2006-01-02")}
	return ex, nil
}

// dateCode writes one code of a layout and says which field it is: 'd', 'm',
// 'y', or 0 for the weekday.
func dateCode(code string, date time.Time) (string, byte, error) {
	_, mo, d := date.Date()
	switch code {
	case "d":
		return strconv.Itoa(d), 'd', nil
	case "dd":
		return fmt.Sprintf("%02d", d), 'd', nil
	case "dth":
		return strconv.Itoa(d) + ordinalSuffix(d), 'd', nil
	case "m":
		return strconv.Itoa(int(mo)), 'm', nil
	case "mm":
		return fmt.Sprintf("%02d", int(mo)), 'm', nil
	case "mon":
		return mo.String()[:3], 'm', nil
	case "month":
		return strings.ToLower(mo.String()), 'm', nil
	case "Month":
		return mo.String(), 'm', nil
	case "MONTH":
		return strings.ToUpper(mo.String()), 'm', nil
	case "yy":
		return date.Format("06"), 'y', nil
	case "yyyy":
		return date.Format("2006"), 'y', nil
	case "wkd":
		return date.Weekday().String()[:3], 0, nil
	case "weekday":
		return date.Weekday().String(), 0, nil
	}
	return "", 0, fmt.Errorf("unknown code {%s} (known: d dd dth m mm mon month Month MONTH yy yyyy wkd weekday)", code)
}

// ordinalSuffix is English's: 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd 23rd … 31st.
func ordinalSuffix(d int) string {
	if d%100 >= 11 && d%100 <= 13 {
		return "th"
	}
	switch d % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// DatePairs returns the examples' pairs, in order.
func DatePairs(examples []DateExample) []Pair {
	pairs := make([]Pair, len(examples))
	for i, ex := range examples {
		pairs[i] = ex.Pair
	}
	return pairs
}

// DateSources returns the examples' written dates, in order.
func DateSources(examples []DateExample) []string {
	sources := make([]string, len(examples))
	for i, ex := range examples {
		sources[i] = ex.Source
	}
	return sources
}
