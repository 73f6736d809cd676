package nb

import (
	"fmt"
	"strings"
	"text/template"
)

// Prose fills the text/template tmpl with data and displays the result as
// Markdown (see Markdown): a paragraph whose numbers come from the cell that
// computes them. Each number is named once ({{.Reached}}), so the Chinese and
// the English of one text cannot pass them in different orders.
//
// Besides text/template's own, templates can call "join" (a slice joined by
// a separator: {{join .Outputs "、"}}) and "fmt" (fmt.Sprintf:
// {{fmt "%.2g" .Gap}}). A missing field is an error.
func Prose(tmpl string, data any) error {
	s, err := FillTemplate(tmpl, data)
	if err != nil {
		return err
	}
	Markdown(s)
	return nil
}

// FillTemplate is what Prose displays, as a string.
func FillTemplate(tmpl string, data any) (string, error) {
	t, err := template.New("prose").Option("missingkey=error").Funcs(template.FuncMap{
		"join": func(v any, sep string) string {
			var parts []string
			switch v := v.(type) {
			case []string:
				parts = v
			case []int:
				for _, x := range v {
					parts = append(parts, fmt.Sprint(x))
				}
			default:
				return fmt.Sprint(v)
			}
			return strings.Join(parts, sep)
		},
		"fmt": fmt.Sprintf,
	}).Parse(tmpl)
	if err != nil {
		return "", fmt.Errorf("nb.Prose: %w", err)
	}
	var sb strings.Builder
	if err := t.Execute(&sb, data); err != nil {
		return "", fmt.Errorf("nb.Prose: %w", err)
	}
	return sb.String(), nil
}
