package rmxtest

import (
	"context"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
)

// ForLab makes the stand-in of the RMX sys, set up for lab: a certificate
// from lab.CA with exactly the subject and SANs sys.Certificate gives (its
// FQDN for both when it gives none), trust in lab.CA, lab's name
// resolution, and lab's topology for inferring the ICE method as the rules
// do (WithTopology). opts come last and may override any of that.
//
// sys is usually an entry of a deployment's rpp.rmx list, whose lync
// section lab serves: ForLab(lab, d.RPP.RMX[i]).
func ForLab(lab *lynctest.Server, sys rmx.System, opts ...Option) (*RMX, error) {
	cn, san := string(sys.FQDN), []string{string(sys.FQDN)}
	if c := sys.Certificate; c != nil {
		cn, san = c.CommonName(), c.SAN
	}
	cert, err := lab.CA.Issue(cn, san...)
	if err != nil {
		return nil, err
	}
	base := []Option{WithCertificate(cert), WithRootCAs(lab.CA.Pool()), WithResolver(lab.Resolve), WithTopology(lab.Index())}
	return New(sys, append(base, opts...)...), nil
}

// Outcome is what one RMX did in the lab.
type Outcome struct {
	RMX    string // the RMX's name
	Status *Status
	Err    error // nil, or an *Error
}

// StartAll brings up, one after the other, every RMX of systems against lab
// and returns how each fared; each stand-in is closed again. opts apply to
// every RMX. systems is usually a deployment's d.RPP.RMX.
func StartAll(ctx context.Context, lab *lynctest.Server, systems []rmx.System, opts ...Option) []Outcome {
	out := make([]Outcome, len(systems))
	for i, sys := range systems {
		out[i].RMX = sys.Name
		r, err := ForLab(lab, sys, opts...)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Status, out[i].Err = r.Start(ctx)
		r.Close()
	}
	return out
}
