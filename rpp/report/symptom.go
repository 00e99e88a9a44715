package report

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
)

// MatchKind says how well a symptom text matched what an admin saw; the
// greater, the better.
type MatchKind int

// Kinds of match, weakest first.
const (
	// SomeWords: some of the words the admin gave are in the symptom.
	SomeWords MatchKind = iota + 1
	// AllWords: every word the admin gave is in the symptom, in any order.
	AllWords
	// Phrase: the admin's words are the symptom's, in order, or the
	// symptom is within what the admin pasted (an alarm line with its
	// time and code, say).
	Phrase
)

func (k MatchKind) String() string {
	switch k {
	case Phrase:
		return "exact phrase"
	case AllWords:
		return "all words"
	case SomeWords:
		return "some words"
	}
	return "no match"
}

// SymptomMatch is a rule that explains what an admin saw, and why it was
// chosen.
type SymptomMatch struct {
	Rule *rpp.Rule
	// Symptom is the rule's symptom that matched best.
	Symptom *rmx.Symptom
	Kind    MatchKind
	// Words are the admin's words found in the symptom (for SomeWords
	// and AllWords), as normalised: lower case, without punctuation.
	Words []string
}

// MatchSymptom returns the rules of rules whose Symptoms match text, best
// first: an exact phrase before all words before some words (comparing
// without regard to case or punctuation, so "MS - register fail" finds
// "MS – register fail"), then by how much of the symptom the text covers,
// then in the order of rules. Little words (the, of, with…) do not make a
// match of their own. The rules' Symptoms are the one place the mapping
// lives: the same values the RMX stand-in fails with.
func MatchSymptom(rules []*rpp.Rule, text string) []SymptomMatch {
	query := symptomWords(text)
	type scored struct {
		SymptomMatch
		cover float64
		order int
	}
	var found []scored
	for i, r := range rules {
		var best *scored
		for _, s := range r.Symptoms {
			sw := symptomWords(s.Text)
			kind, words := matchWords(query, sw)
			if kind == 0 {
				continue
			}
			cover := float64(len(words)) / float64(len(significant(sw)))
			if kind == Phrase {
				cover = float64(len(query)) / float64(len(sw))
			}
			c := scored{SymptomMatch{r, s, kind, words}, min(cover, 1), i}
			if best == nil || c.Kind > best.Kind || c.Kind == best.Kind && c.cover > best.cover {
				best = &c
			}
		}
		if best != nil {
			found = append(found, *best)
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.Kind, a.Kind), cmp.Compare(b.cover, a.cover), cmp.Compare(a.order, b.order))
	})
	out := make([]SymptomMatch, len(found))
	for i, f := range found {
		out[i] = f.SymptomMatch
	}
	return out
}

// KnownSymptoms returns the symptoms of package rmx that text names, as an
// exact phrase of at least three words (or the whole symptom, when it is
// shorter), the best covered first: what the admin saw, recognised whether
// or not a rule lists it. A symptom no rule lists still tells what to look
// at beyond the deployment file (rmx.Symptom.Beyond).
func KnownSymptoms(text string) []*rmx.Symptom {
	query := symptomWords(text)
	type scored struct {
		s     *rmx.Symptom
		cover float64
	}
	var found []scored
	for _, s := range rmx.Symptoms() {
		words := symptomWords(s.Text)
		if kind, _ := matchWords(query, words); kind != Phrase || len(query) < min(3, len(words)) {
			continue
		}
		found = append(found, scored{s, min(float64(len(query))/float64(len(words)), 1)})
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Compare(b.cover, a.cover) })
	out := make([]*rmx.Symptom, len(found))
	for i, f := range found {
		out[i] = f.s
	}
	return out
}

// ClosestSymptoms returns up to n of the symptom texts rules list, the
// nearest to text first (by edit distance, ignoring case and punctuation):
// what to suggest when nothing matched.
func ClosestSymptoms(rules []*rpp.Rule, text string, n int) []string {
	q := []rune(strings.Join(symptomWords(text), " "))
	type cand struct {
		text string
		dist int
	}
	var cands []cand
	seen := map[string]bool{}
	for _, r := range rules {
		for _, s := range r.Symptoms {
			if seen[s.Text] {
				continue
			}
			seen[s.Text] = true
			t := []rune(strings.Join(symptomWords(s.Text), " "))
			cands = append(cands, cand{s.Text, suggest.Distance(q, t, len(q)+len(t))})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.dist - b.dist })
	var out []string
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.text)
	}
	return out
}

// symptomWords splits text into lower-case words of letters and digits;
// everything else (dashes, quotes, stops) separates them.
func symptomWords(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range words {
		words[i] = stem(w)
	}
	return words
}

// stem drops a plural or third-person s, so "credentials" finds
// "Credential" and "fails" finds "fail".
func stem(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return w[:len(w)-1]
	}
	return w
}

// littleWords make no match on their own.
var littleWords = map[string]bool{"a": true, "an": true, "the": true, "of": true, "to": true, "with": true,
	"is": true, "on": true, "from": true, "for": true, "and": true, "or": true, "in": true, "by": true,
	"at": true, "be": true, "doe": true, "wa": true, "thi": true, "that": true, "not": true, "it": true}

func significant(words []string) []string {
	var out []string
	for _, w := range words {
		if !littleWords[w] {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return words
	}
	return out
}

// matchWords says how query matches symptom, and which of the query's
// significant words it holds.
func matchWords(query, symptom []string) (MatchKind, []string) {
	if allLittle(query) {
		return 0, nil // also an empty query
	}
	sig := significant(query)
	if contains(symptom, query) || contains(query, symptom) {
		return Phrase, nil
	}
	var hit []string
	for _, w := range sig {
		if slices.Contains(symptom, w) && !slices.Contains(hit, w) {
			hit = append(hit, w)
		}
	}
	switch {
	case len(hit) == 0:
		return 0, nil
	case len(hit) == len(dedupe(sig)):
		return AllWords, hit
	}
	return SomeWords, hit
}

func allLittle(words []string) bool {
	for _, w := range words {
		if !littleWords[w] {
			return false
		}
	}
	return true
}

func dedupe(words []string) []string {
	var out []string
	for _, w := range words {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// contains reports whether inner occurs in outer as a run of words.
func contains(outer, inner []string) bool {
	if len(inner) == 0 {
		return false
	}
	for i := 0; i+len(inner) <= len(outer); i++ {
		if slices.Equal(outer[i:i+len(inner)], inner) {
			return true
		}
	}
	return false
}
