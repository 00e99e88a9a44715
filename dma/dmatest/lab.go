package dmatest

import (
	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync/lynctest"
)

// ForLab makes the stand-in of the DMA sys, set up for lab: a certificate
// from lab.CA with exactly the subject and SANs sys.Certificate gives (its
// FQDN for both when it gives none), trust in lab.CA and lab's name
// resolution for its Lync peers. opts come last and may override any of
// that; the MCUs (WithMCU) are the caller's to add.
//
// sys is usually an entry of a deployment's rpp.dma list, whose lync
// section lab serves: ForLab(lab, d.RPP.DMA[i]).
func ForLab(lab *lynctest.Server, sys dma.System, opts ...Option) (*DMA, error) {
	cn, san := certificateNames(sys)
	cert, err := lab.CA.Issue(cn, san...)
	if err != nil {
		return nil, err
	}
	base := []Option{WithCertificate(cert), WithRootCAs(lab.CA.Pool()), WithResolver(lab.Resolve)}
	return New(sys, append(base, opts...)...), nil
}
