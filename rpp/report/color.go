package report

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/rppkit/rppkit/rpp"
)

// style colours text output, or leaves it plain.
type style struct{ color bool }

// ColorFor decides whether text output to out should be coloured. Colour is
// for people at a terminal: never when NO_COLOR is set (https://no-color.org:
// any non-empty value), never on a dumb terminal, and otherwise only when out
// is a terminal. RPP_FORCE_COLOR=1 overrides the terminal test, so colour can
// be tested and piped into a pager with -R; NO_COLOR still wins. env looks
// up environment variables (os.Getenv).
func ColorFor(out io.Writer, env func(string) string) bool {
	switch {
	case env("NO_COLOR") != "":
		return false
	case env("RPP_FORCE_COLOR") == "1":
		return true
	case env("TERM") == "dumb":
		return false
	}
	f, ok := out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (s style) paint(code, text string) string {
	if !s.color || text == "" {
		return text
	}
	return code + text + ansiReset
}

// severity shows a severity in its colour: red, yellow, cyan.
func (s style) severity(sev rpp.Severity) string {
	code := ansiCyan
	switch sev {
	case rpp.Error:
		code = ansiRed
	case rpp.Warning:
		code = ansiYellow
	}
	return s.paint(code, sev.String())
}

func (s style) bold(text string) string { return s.paint(ansiBold, text) }
