package rpp

import (
	"fmt"
	"slices"
	"time"
)

// Rule IDs of the findings about suppressions themselves.
const (
	RuleSuppressionExpired = "suppression-expired"
	RuleSuppressionUnused  = "suppression-unused"
)

// notIgnorable are the rules no suppression may silence, and why: each
// finds something that breaks the integration whatever the site's
// circumstances, or that makes other findings unreliable.
func notIgnorable() map[string]string {
	return map[string]string{
		// Lync refuses a wildcard certificate on a trusted application's
		// TLS connections (MS-OCER): no call works.
		"cert-wildcard": "Lync refuses wildcard certificates for trusted applications",
		// ICE with a method the RMX does not implement never registers:
		// no media through the Edge.
		"rmx-ice-method-unsupported": "the RMX cannot register for ICE with an unsupported method",
		// A component missing from the topology is not trusted at all; the
		// rules about its pool and application cannot judge it.
		"rpp-component-not-in-topology": "an untrusted component makes the other findings unreliable",
		// Silencing the findings about suppressions would hide stale ones.
		RuleSuppressionExpired: "it is what keeps suppressions honest",
		RuleSuppressionUnused:  "it is what keeps suppressions honest",
	}
}

// markNotIgnorable sets Rule.NotIgnorable on the catalogue's rules that no
// suppression may silence.
func markNotIgnorable(rules []*Rule) {
	ids := notIgnorable()
	for _, r := range rules {
		if _, ok := ids[r.ID]; ok {
			r.NotIgnorable = true
		}
	}
}

// suppressState is what the suppression rules see: every suppression in
// force for the check, which of them silenced a finding, and which rules
// ran.
type suppressState struct {
	now  time.Time
	list []Suppression
	used []bool
	ran  map[string]bool
}

func suppressionRules() []*Rule {
	return []*Rule{{
		ID:       RuleSuppressionExpired,
		Severity: Warning,
		Summary:  "a suppression's expires date has passed, so it no longer silences its rule",
		Doc: `A suppression (an ignore: entry in the deployment file or in .rpp.yaml) may
carry an expires date: the last day the exception is accepted. From the day
after, the suppression silences nothing, the findings it covered are
reported again, and this finding says that the exception is due for review.

Fix: fix what the suppressed rule finds and remove the ignore: entry, or, if
the exception still holds, give it a later expires date and a reason that is
still true.`,
		Source: "rppkit",
		Run: func(p *Pass) {
			for _, s := range p.sup.list {
				if s.Expired(p.sup.now) {
					p.reportSuppression(s, fmt.Sprintf("the suppression of %s on %s expired on %s (reason given: %q); its findings are reported again",
						s.Rule, s.Target, s.Expires, s.Reason),
						"fix what "+s.Rule+" finds and remove the suppression, or renew it with a later expires date and a reason that still holds")
				}
			}
		},
	}, {
		ID:       RuleSuppressionUnused,
		Severity: Warning,
		Summary:  "a suppression silences no finding",
		Doc: `A suppression (an ignore: entry in the deployment file or in .rpp.yaml) that
matches no finding of its rule is stale: the problem was fixed, the object
renamed, or the entry put on the wrong object. Left in place, it would
silence the rule's finding if the problem came back. Suppressions of rules
that did not run (--enable, --disable, off in .rpp.yaml) are not judged.

Fix: remove the ignore: entry, or move it to the object the finding is
about (the finding's field path, or its object name in .rpp.yaml).`,
		Source: "rppkit",
		Run: func(p *Pass) {
			for i, s := range p.sup.list {
				if !p.sup.used[i] && !s.Expired(p.sup.now) && p.sup.ran[s.Rule] {
					p.reportSuppression(s, fmt.Sprintf("the suppression of %s on %s silences no finding", s.Rule, s.Target),
						"remove the suppression, or move it to the object the finding is about")
				}
			}
		},
	}}
}

// isSuppressionRule reports whether id is one of the rules about
// suppressions, which run after every other rule.
func isSuppressionRule(id string) bool {
	return id == RuleSuppressionExpired || id == RuleSuppressionUnused
}

// reportSuppression reports a finding about suppression s, at s.
func (p *Pass) reportSuppression(s Suppression, message, fix string) {
	f := Finding{Object: "rpp", Field: s.Target + "." + IgnoreKey + "." + s.Rule, Message: message, Fix: fix}
	if s.Source == InConfig {
		f.Object, f.Field = s.Target, ""
	}
	p.reportAt(f, s.Position())
}

// applySuppressions marks the findings that a suppression in force
// covers, recording which suppressions were used. An expired suppression
// marks nothing.
func (st *suppressState) apply(findings []Finding) {
	for i := range findings {
		f := &findings[i]
		for j, s := range st.list {
			if s.Covers(*f) && !s.Expired(st.now) {
				st.used[j] = true
				if f.Suppressed == nil {
					s := s
					f.Suppressed = &s
				}
			}
		}
	}
}

// newSuppressState gathers the suppressions of d and cfg.
func newSuppressState(d *Deployment, cfg *Config, now time.Time) *suppressState {
	list := d.Suppressions()
	if cfg != nil {
		list = append(list, cfg.Suppressions...)
	}
	return &suppressState{now: now, list: slices.Clip(list), used: make([]bool, len(list)), ran: map[string]bool{}}
}
