package rmxtest

import (
	"context"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rpp"
)

// ForLab makes the stand-in of the RMX at index i of d, set up for lab: a
// certificate from lab.CA with exactly the subject and SANs the deployment
// gives the RMX (its FQDN when it gives none), trust in lab.CA, lab's name
// resolution, and the ICE method rppkit's rules infer for it. opts come
// last and may override any of that.
func ForLab(lab *lynctest.Server, d *rpp.Deployment, i int, opts ...Option) (*RMX, error) {
	sys := d.RPP.RMX[i]
	cn, san := string(sys.FQDN), []string{string(sys.FQDN)}
	if c := sys.Certificate; c != nil {
		cn, san = c.CommonName(), c.SAN
	}
	cert, err := lab.CA.Issue(cn, san...)
	if err != nil {
		return nil, err
	}
	base := []Option{WithCertificate(cert), WithRootCAs(lab.CA.Pool()), WithResolver(lab.Resolve)}
	if m := rpp.ICEMethod(d, &sys); m != "" {
		base = append(base, WithICEMethod(m))
	}
	return New(sys, append(base, opts...)...), nil
}

// Outcome is what one RMX of a deployment did in the lab.
type Outcome struct {
	RMX    string // the RMX's name
	Status *Status
	Err    error // nil, or an *Error
}

// StartAll brings up, one after the other, every RMX of d against lab and
// returns how each fared; each stand-in is closed again. opts apply to
// every RMX.
func StartAll(ctx context.Context, lab *lynctest.Server, d *rpp.Deployment, opts ...Option) []Outcome {
	out := make([]Outcome, len(d.RPP.RMX))
	for i, sys := range d.RPP.RMX {
		out[i].RMX = sys.Name
		r, err := ForLab(lab, d, i, opts...)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Status, out[i].Err = r.Start(ctx)
		r.Close()
	}
	return out
}
