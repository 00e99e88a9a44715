package shell

import "strings"

// SplitList splits a collection as the console prints one, {a, b, c}, into
// its items. An empty value and {} give none; a value without braces is a
// single item. truncated reports that the console cut the list short —
// PowerShell shows only $FormatEnumerationLimit items (4 by default) and
// then "..." — so items holds only what was shown.
//
// Items are split at the commas outside braces, so a list of objects
// printed as {Key=value;…} stays whole, and trimmed, so a list wrapped
// across lines (where the blank after a comma may fall at the break)
// splits the same.
func SplitList(v string) (items []string, truncated bool) {
	v = strings.TrimSpace(v)
	if inner, ok := strings.CutPrefix(v, "{"); ok {
		v = strings.TrimSuffix(inner, "}")
	}
	if cut, ok := trimEllipsis(v); ok {
		v, truncated = cut, true
	}
	for _, item := range splitOutside(v, ',') {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items, truncated
}

// Property is one Name=Value pair of an object printed by its ToString().
type Property struct{ Name, Value string }

// SplitProperties splits an object printed as Name=Value pairs separated
// by semicolons — a static route in Get-CsStaticRoutingConfiguration's
// Route list, {MatchUri=…;MatchOnlyPhoneUri=False;…}, or its Transport,
// TransportChoice=Certificate=…;Fqdn=…;Port=5061 — into its pairs, split at
// the first '=' of each. Outer braces are dropped; a part without '=' is a
// name with an empty value.
func SplitProperties(v string) []Property {
	v = strings.TrimSpace(v)
	if inner, ok := strings.CutPrefix(v, "{"); ok {
		v = strings.TrimSuffix(inner, "}")
	}
	var props []Property
	for _, part := range splitOutside(v, ';') {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		props = append(props, Property{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return props
}

// Truncated reports whether v ends as the console ends what it cut to fit:
// "..." (Windows PowerShell) or "…" (PowerShell 7), in a table cell that
// was too narrow or a list longer than $FormatEnumerationLimit.
func Truncated(v string) bool {
	_, ok := trimEllipsis(strings.TrimSpace(v))
	return ok
}

func trimEllipsis(v string) (string, bool) {
	if cut, ok := strings.CutSuffix(v, "..."); ok {
		return cut, true
	}
	return strings.CutSuffix(v, "…")
}

// splitOutside splits s at each sep that is outside braces.
func splitOutside(s string, sep byte) []string {
	var parts []string
	depth, from := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				parts = append(parts, s[from:i])
				from = i + 1
			}
		}
	}
	return append(parts, s[from:])
}
