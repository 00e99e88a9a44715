// Package suggest finds the name a user most likely meant, for "did you
// mean …?" hints on misspelt fields, flags, subcommands and rule IDs.
//
// Its work is bounded whatever the input: a misspelt key of 50 MB in a
// deployment file, or a pasted blob on a command line, costs no more than a
// name of MaxLen characters.
package suggest

import (
	"strings"
	"unicode/utf8"
)

// MaxDistance is the largest edit distance a suggestion may have. Only
// distances up to this are ever computed.
const MaxDistance = 3

// MaxLen is the longest input, in characters, that gets a suggestion; no
// field, flag or rule name is anywhere near as long.
const MaxLen = 64

// Closest returns the candidate nearest to s, or "" when none is near
// enough: a case-insensitive match, or an edit distance of at most a third
// of the word (and at least 1, at most MaxDistance). The distance counts a
// transposition of two neighbouring characters as one edit ("rlues" is one
// edit from "rules"), as people type them. Ties go to the earlier
// candidate.
func Closest(s string, candidates []string) string {
	// Bytes bound runes from above, so this test keeps a huge input from
	// being even lower-cased.
	if len(s) > MaxLen*utf8.UTFMax {
		return ""
	}
	a := []rune(strings.ToLower(s))
	if len(a) > MaxLen {
		return ""
	}
	limit := min(max(len(a)/3, 1), MaxDistance)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return c
		}
		// A length difference is a lower bound on the distance: skip
		// without looking at the characters.
		if n := utf8.RuneCountInString(c); n-len(a) >= bestDist || len(a)-n >= bestDist {
			continue
		}
		if d := Distance(a, []rune(strings.ToLower(c)), bestDist-1); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Distance returns the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and transpositions of neighbouring
// characters, each counting 1) when it is at most k, and k+1 otherwise.
//
// Only the band of cells within k of the diagonal is computed, and the
// computation stops as soon as a whole row exceeds k, so the work is
// O(k·len(a)) rather than O(len(a)·len(b)).
func Distance(a, b []rune, k int) int {
	if k < 0 {
		return 0
	}
	far := k + 1
	if len(a)-len(b) > k || len(b)-len(a) > k {
		return far
	}
	m := len(b)
	// Three rows: two back (for transpositions), the previous and the
	// current one. Cells outside the band hold far.
	rows := make([]int, 3*(m+1))
	prev2, prev, cur := rows[:m+1], rows[m+1:2*(m+1)], rows[2*(m+1):]
	for j := range prev {
		prev[j] = min(j, far)
		prev2[j] = far
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(m, i+k)
		for j := range cur {
			cur[j] = far
		}
		cur[0] = min(i, far)
		best := cur[0]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = min(v, far)
			best = min(best, cur[j])
		}
		if best >= far {
			return far
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
