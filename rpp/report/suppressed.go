package report

import (
	"crypto/sha1"
	"fmt"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/rppkit/rppkit/rpp"
)

// visible returns the findings a report for people or a CI annotation
// shows: the suppressed ones only with Options.ShowSuppressed. JSON and
// SARIF carry every finding, each suppressed one marked as such.
func (o Options) visible(findings []rpp.Finding) []rpp.Finding {
	if o.ShowSuppressed {
		return findings
	}
	var out []rpp.Finding
	for _, f := range findings {
		if f.Suppressed == nil {
			out = append(out, f)
		}
	}
	return out
}

// suppressedText is what text, GitHub and Checkstyle output add to a
// suppressed finding they show: the reason, where it was written, and
// until when.
func suppressedText(s *rpp.Suppression) string {
	t := "suppressed (" + string(s.Source)
	if pos := s.Position().String(); pos != "" {
		t += ", " + pos
	}
	if s.Expires != "" {
		t += ", until " + s.Expires
	}
	return t + "): " + s.Reason
}

// sarifSuppression is a SARIF suppression (§3.35): kind inSource for an
// ignore: block in the deployment file, external for .rpp.yaml; accepted,
// since rppkit refuses a suppression without a reason; its location; and
// a GUID derived from what it suppresses where, so the same suppression
// keeps its GUID from run to run.
func sarifSuppression(s *rpp.Suppression, origins map[string]Origin) *sarif.Suppression {
	kind := "inSource"
	if s.Source == rpp.InConfig {
		kind = "external"
	}
	sup := sarif.NewSuppression(kind).WithStatus("accepted").WithJustifcation(s.Reason).WithGuid(stableGUID(s))
	loc := sarif.NewLocation()
	if phys := physicalLocation(s.Position(), origins); phys != nil {
		loc.WithPhysicalLocation(phys)
	}
	sup.WithLocation(loc)
	props := sarif.Properties{"source": string(s.Source), "target": s.Target}
	if s.Expires != "" {
		props["expires"] = s.Expires
	}
	sup.Properties = props
	return sup
}

// stableGUID is a name-based (version 5 layout, RFC 4122 §4.3) GUID of the
// suppression's rule, target and place.
func stableGUID(s *rpp.Suppression) string {
	h := sha1.Sum([]byte(fmt.Sprintf("rppkit suppression\x00%s\x00%s\x00%s\x00%s\x00%d\x00%d", s.Source, s.Rule, s.Target, s.File, s.Line, s.Column)))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
