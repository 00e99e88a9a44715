package lync

import "strings"

// Matches reports whether the route takes a request whose Request-URI has
// host as its domain part: the host equals the matching URI, or — when the
// matching URI is a wildcard such as *.contoso.com — the host is a domain
// below it (eu.contoso.com, not contoso.com itself). Names compare as DNS
// names do (case and a trailing dot ignored), and a sip: an admin wrote in
// front of the matching URI is ignored.
//
// Sources: the New-CsStaticRoute reference (-MatchUri is the domain whose
// URIs the route applies to: "-MatchUri litwareinc.com" takes every URI in
// litwareinc.com), and "Configure a Static Route for Remote Call Control"
// (Lync Server 2010: "To match child domains of a domain, you can specify a
// wildcard value in the MatchUri parameter. For example, *.contoso.net").
// That the wildcard covers only child domains, not the parent, is how the
// rules of package rpp read it too (lync-static-route-match-sip-domain).
func (r StaticRoute) Matches(host string) bool {
	m := strings.TrimSpace(r.MatchURI)
	if HasSIPScheme(m) {
		m = m[len("sip:"):]
	}
	h := FQDN(host).Key()
	if h == "" || strings.Contains(h, "*") {
		return false
	}
	if rest, wild := strings.CutPrefix(m, "*."); wild {
		suffix := FQDN(rest).Key()
		return suffix != "" && !strings.Contains(suffix, "*") && strings.HasSuffix(h, "."+suffix)
	}
	m = FQDN(m).Key()
	return m != "" && !strings.Contains(m, "*") && h == m
}

// SampleHost returns a host the route matches, for a test call through it:
// the matching URI itself (without sip: or a trailing dot), or for a
// wildcard *.domain the child domain vmr.domain (lab convention: any child
// would do). It returns "" when the matching URI matches nothing.
func (r StaticRoute) SampleHost() string {
	m := strings.TrimSpace(r.MatchURI)
	if HasSIPScheme(m) {
		m = m[len("sip:"):]
	}
	m = strings.TrimSuffix(m, ".")
	if suffix, wild := strings.CutPrefix(m, "*."); wild {
		m = "vmr." + suffix
	}
	if !r.Matches(m) {
		return ""
	}
	return m
}
