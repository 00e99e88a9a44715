package main

import (
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// runExplain prints the card of each rule named, in the order given; IDs
// match without regard to case. An unknown ID is reported (with the closest
// known one) and makes the exit status 2, but the others are still shown.
func runExplain(inv *invocation, args []string) int {
	var symptom optionalString
	ids, err := explainFlags(&symptom).parse(args)
	if err != nil {
		return flagError(inv, "explain", err)
	}
	if symptom.set {
		switch {
		case len(ids) > 0:
			return usageError(inv, "explain", "give either RULE-IDs or --symptom TEXT (quote the text: --symptom \"Service credential denied\")")
		case strings.TrimSpace(symptom.value) == "":
			return usageError(inv, "explain", "--symptom needs the text the RMX or the client shows")
		}
		return explainSymptom(inv, symptom.value)
	}
	if len(ids) == 0 {
		return usageError(inv, "explain", "name at least one RULE-ID (rpp rules lists them)")
	}
	code := exitOK
	p := &textfmt.Printer{W: inv.stdout}
	shown := 0
	for _, id := range ids {
		r, err := rpp.LookupRule(id)
		if err != nil {
			fmt.Fprintf(inv.stderr, "rpp explain: %s\n", textfmt.Sanitize(err.Error()))
			code = exitInvalid
			continue
		}
		if shown > 0 {
			p.Line("")
			p.Line("")
		}
		writeRule(p, r)
		shown++
	}
	return finish(inv, p, code)
}

func explainFlags(symptom *optionalString) *flagSet {
	fs := newFlagSet("explain")
	fs.Var(symptom, "symptom", "find the rules behind an RMX alarm or client error `TEXT`, best match first")
	return fs
}

// optionalString is a text flag that tells "given empty" from "not given".
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string {
	if o == nil {
		return ""
	}
	return o.value
}

func (o *optionalString) Set(s string) error { o.value, o.set = s, true; return nil }

// explainSymptom prints the rules whose symptoms match text, best first,
// each with why it matched; with none it exits 1 and lists the symptom
// texts closest to what was given, so the admin can try again.
//
// A symptom rppkit knows (package rmx) but no rule lists is said to be so,
// with what to look at beyond the deployment file, rather than answered
// with rules that merely share some of its words; exit 1 says no rule
// explains it.
func explainSymptom(inv *invocation, text string) int {
	rules := rpp.Catalogue()
	matches := report.MatchSymptom(rules, text)
	p := &textfmt.Printer{W: inv.stdout}
	if known := report.KnownSymptoms(text); len(known) > 0 && !listedAsPhrase(matches, known[0]) {
		s := known[0]
		p.Wrapped(fmt.Sprintf("%q (%s): no rule of the catalogue checks a cause of it.", s.Text, s.Where), "", "    ")
		if s.Beyond != "" {
			p.Line("")
			p.Line(s.Beyond)
		}
		return finish(inv, p, exitFindings)
	}
	if len(matches) == 0 {
		fmt.Fprintf(inv.stderr, "rpp explain: no rule lists a symptom like %q; the closest known symptoms:\n", textfmt.Sanitize(text))
		for _, s := range report.ClosestSymptoms(rules, text, 3) {
			fmt.Fprintf(inv.stderr, "  %q\n", s)
		}
		return exitFindings
	}
	// Once some rule lists the symptom as a whole (an exact phrase, or
	// every word of it), rules that share only a word or two with it are
	// noise: they are counted, not listed.
	shown, weak := matches, 0
	if matches[0].Kind > report.SomeWords {
		for len(shown) > 0 && shown[len(shown)-1].Kind == report.SomeWords {
			shown, weak = shown[:len(shown)-1], weak+1
		}
	}
	const hang = "    "
	for i, m := range shown {
		if i > 0 {
			p.Line("")
		}
		p.Wrapped(fmt.Sprintf("%s (%s): %s", m.Rule.ID, m.Rule.Severity, m.Rule.Summary), "", hang)
		why := fmt.Sprintf("matched: %s of %q (%s)", m.Kind, m.Symptom.Text, m.Symptom.Where)
		if m.Kind != report.Phrase {
			why += "; words: " + strings.Join(m.Words, ", ")
		}
		p.Wrapped(why, hang, hang+"  ")
		p.Wrapped("rpp explain "+m.Rule.ID+" tells why and the fix", hang, hang+"  ")
	}
	if weak > 0 {
		p.Line("")
		rules := "rules share"
		if weak == 1 {
			rules = "rule shares"
		}
		p.Wrapped(fmt.Sprintf("(%d more %s only some words with it; left out)", weak, rules), "", "")
	}
	if s := matches[0].Symptom; matches[0].Kind == report.Phrase && s.Beyond != "" {
		p.Line("")
		p.Line("Beyond the deployment file:")
		p.Line(s.Beyond)
	}
	return finish(inv, p, exitOK)
}

// finish returns code, or exitInvalid when writing p's output failed (a
// closed pipe, a full disk), which it reports.
func finish(inv *invocation, p *textfmt.Printer, code int) int {
	if p.Err() != nil {
		fmt.Fprintf(inv.stderr, "rpp explain: %v\n", p.Err())
		return exitInvalid
	}
	return code
}

// writeRule writes a rule's card: the facts, aligned, then its doc as the
// rule's author wrapped it.
func writeRule(p *textfmt.Printer, r *rpp.Rule) {
	const hang = "          " // under the values of the labels below
	p.Wrapped(r.ID, "ID:       ", hang)
	p.Wrapped(r.Severity.String(), "Severity: ", hang)
	p.Wrapped(r.Summary, "Summary:  ", hang)
	p.Wrapped(r.Source, "Source:   ", hang)
	p.Wrapped(r.URL(), "Docs:     ", hang)
	for i, s := range r.Symptoms {
		label := "Symptoms: "
		if i > 0 {
			label = hang
		}
		p.Wrapped(fmt.Sprintf("%q (%s)", s.Text, s.Where), label, hang)
	}
	p.Line("")
	p.Line(r.Doc)
}

// listedAsPhrase reports whether a match names symptom s as an exact
// phrase: some rule lists what the admin saw.
func listedAsPhrase(matches []report.SymptomMatch, s *rmx.Symptom) bool {
	for _, m := range matches {
		if m.Symptom == s && m.Kind == report.Phrase {
			return true
		}
	}
	return false
}
