package diagram

import (
	"strings"

	"github.com/rppkit/rppkit/internal/mermaid"
)

// text escapes s for a label; see mermaid.Text.
func text(s string) string { return mermaid.Text(s) }

// lines escapes each line and joins them with the line break Mermaid
// labels understand.
func lines(ls ...string) string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		if l != "" {
			out = append(out, text(l))
		}
	}
	return strings.Join(out, "<br/>")
}
