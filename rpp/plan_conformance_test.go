package rpp_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/conformance"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rpp"
)

// planFormatter answers the conformance kit's GRUU cases with what a plan
// tells the admin to paste: the Service GRUU Lync holds (the current
// deployment's) goes through Plan, and the value of the RMX's flag step or
// the DMA's Lync Integration step is the answer. A value the plan would not
// paste — it reads the GRUU back from Lync instead — is a refusal.
type planFormatter struct{}

func (planFormatter) RMXForm(s string) (string, error) { return pastedGRUU(s, "rmx/rmx") }
func (planFormatter) DMAForm(s string) (string, error) { return pastedGRUU(s, "dma/dma") }

var errReadBack = errors.New("the plan reads the Service GRUU back from Lync rather than paste this value")

func pastedGRUU(value, system string) (string, error) {
	// The deployment is built around the GRUU's own pool and application,
	// when it names them; any other value is planned against a pool of its
	// own, which it cannot belong to.
	pool, app, domain := "rpp.contoso.com", "video", "contoso.com"
	if g, err := lync.ParseGRUU(strings.TrimSpace(value)); err == nil {
		pool, app, domain = string(g.Pool()), g.ApplicationID().Bare(), g.Domain()
	}
	q, _ := json.Marshal(value)
	doc := func(gruu string) string {
		return `lync:
  product: sfb2015
  sipDomains: [` + domain + `]
  sites: [{name: HQ, id: 1}]
  frontEndPools: [{fqdn: fe.` + domain + `, site: HQ, edgePool: edge.` + domain + `}]
  edgePools: [{fqdn: edge.` + domain + `, site: HQ}]
  trustedApplicationPools: [{fqdn: ` + pool + `, site: HQ, registrar: fe.` + domain + `, computers: [rmx.` + domain + `, dma.` + domain + `]}]
  trustedApplications: [{applicationId: ` + app + `, pool: ` + pool + `, port: 5061, serviceGruu: ` + gruu + `}]
  trustedApplicationEndpoints: [{sipAddress: "sip:rpp@` + domain + `", applicationId: ` + app + `, pool: ` + pool + `}]
rpp:
  workflows: [realconnect]
  rmx: [{name: rmx, fqdn: rmx.` + domain + `, site: HQ, version: "8.7.1", sip: {server: fe.` + domain + `, serverDomainName: ` + domain + `, iceEnvironment: ms, serverUserName: rpp}}]
  dma: [{name: dma, fqdn: dma.` + domain + `, site: HQ, version: "6.4", lyncPeers: [{name: fe, address: fe.` + domain + `}], realConnect: {enabled: true}}]
`
	}
	current, err := rpp.Parse("current.yaml", []byte(doc(string(q))))
	if err != nil {
		return "", err // not even a SIP URI: the deployment file refuses it
	}
	desired, err := rpp.Parse("desired.yaml", []byte(doc(`""`)))
	if err != nil {
		return "", err
	}
	// The current systems have nothing pasted yet.
	rb, err := rpp.Plan(context.Background(), desired, current)
	if err != nil {
		return "", err
	}
	for _, s := range rb.Steps {
		if s.System != system {
			continue
		}
		for _, set := range s.Settings {
			if set.Name == "SIP_CONTACT_OVERRIDE_STR" || strings.HasPrefix(set.Name, "CsTrustedApplication ServiceGruu") {
				if set.From != nil {
					return "", errReadBack
				}
				return set.Value, nil
			}
		}
	}
	return "", errors.New("the plan pastes no GRUU on " + system)
}

// TestPlanPastesGRUUFormsThatPassConformance: the GRUU forms a plan tells
// the admin to paste pass the conformance kit's GRUU cases.
func TestPlanPastesGRUUFormsThatPassConformance(t *testing.T) {
	res := conformance.RunGRUU(t, planFormatter{})
	if res.Summary.Passed == 0 {
		t.Fatal("no GRUU case ran")
	}
}
