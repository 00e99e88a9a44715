// Package suggest finds the name a user most likely meant, for "did you
// mean …?" hints on misspelt fields, flags and rule IDs.
package suggest

import "strings"

// Closest returns the candidate nearest to s, or "" when none is near
// enough: a case-insensitive match, or an edit distance of at most a third
// of the word (and at least 1, at most 3).
func Closest(s string, candidates []string) string {
	best, bestDist := "", 1<<30
	limit := min(max(len(s)/3, 1), 3)
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return c
		}
		if d := distance(strings.ToLower(s), strings.ToLower(c)); d <= limit && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, over bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
