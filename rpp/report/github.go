package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rppkit/rppkit/rpp"
)

// WriteGitHub writes GitHub Actions workflow commands, one line each:
// "::error file=F,line=L,col=C,title=RULE-ID::message" for an error
// finding, ::warning and ::notice for the lesser ones, so a workflow step
// that runs rpp check annotates the deployment file in the pull request.
// An input that could not be checked gives an ::error per problem, titled
// "rpp: not checked", so an unchecked file is never a silent pass. Standard
// input and the bundled example are no file of the repository: their
// annotations carry no file property, and their message names them.
//
// Values are escaped as GitHub's toolkit does (actions/toolkit,
// packages/core/src/command.ts): in the message % \r \n become %25 %0D
// %0A, and in properties also : and , become %3A and %2C, so a hostile
// message cannot end its line or forge another command.
func WriteGitHub(w io.Writer, inputs []Input, opts Options) error {
	bw := bufio.NewWriter(w)
	origins := map[string]Origin{}
	for _, in := range inputs {
		origins[in.Name] = in.Origin
	}
	for _, in := range inputs {
		for _, p := range in.Problems() {
			writeGitHubCommand(bw, "error", rpp.Position{File: p.File, Line: p.Line, Column: p.Column}, origins,
				"rpp: not checked", p.String())
		}
		for _, f := range opts.visible(in.Report.Findings) {
			level, text := githubLevel(f.Severity), resultText(f)
			if f.Suppressed != nil {
				// Shown with --show-suppressed: a notice, which no
				// reviewer mistakes for something to fix.
				level, text = "notice", suppressedText(f.Suppressed)+". "+text
			}
			writeGitHubCommand(bw, level, rpp.Position{File: f.File, Line: f.Line, Column: f.Column}, origins,
				f.Rule, text)
		}
	}
	return bw.Flush()
}

// githubLevel is the workflow command for a severity; GitHub calls info
// "notice".
func githubLevel(s rpp.Severity) string { return levelName(s, "notice") }

func writeGitHubCommand(w *bufio.Writer, level string, pos rpp.Position, origins map[string]Origin, title, message string) {
	var props []string
	if pos.File != "" {
		switch origins[pos.File] {
		case FromStdin:
			message = "standard input: " + message
		case FromExample:
			message = "the bundled example " + pos.File + ": " + message
		default:
			props = append(props, "file="+githubProperty(pos.File))
			if pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", pos.Line))
				if pos.Column > 0 {
					props = append(props, fmt.Sprintf("col=%d", pos.Column))
				}
			}
		}
	}
	props = append(props, "title="+githubProperty(title))
	fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), githubData(message))
}

var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// githubData escapes a workflow command's message (toolkit escapeData).
func githubData(s string) string { return githubDataEscaper.Replace(s) }

// githubProperty escapes a workflow command's property value (toolkit
// escapeProperty).
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }
