package lab

import (
	"slices"
	"strings"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
)

// explainer answers, for a failure seen on the wire, which rules of the
// static check explain it: rules that list the failure's symptom
// (rpp.Rule.Symptoms) and whose findings are about the failing system, its
// trusted application pool, or that pool's applications and endpoints —
// and, for an RMX on ICE in the MS environment, the Edge pool it asks for
// relay credentials.
type explainer struct {
	d       *rpp.Deployment
	report  rpp.Report
	bySymp  map[*rmx.Symptom][]string
	x       *lync.Index
	objects map[string][]string // object → rule IDs of its findings
}

func newExplainer(d *rpp.Deployment, report rpp.Report) *explainer {
	e := &explainer{d: d, report: report, bySymp: map[*rmx.Symptom][]string{}, x: d.Lync.Index(), objects: map[string][]string{}}
	for _, r := range rpp.Catalogue() {
		for _, s := range r.Symptoms {
			e.bySymp[s] = append(e.bySymp[s], r.ID)
		}
	}
	for _, f := range report.Findings {
		e.objects[f.Object] = append(e.objects[f.Object], f.Rule)
	}
	return e
}

// rulesAbout returns the IDs of the rules whose findings are about the
// system called object (rmx/NAME or dma/NAME) at fqdn, or about the topology
// objects of fqdn's trusted application pool, sorted and without repeats.
func (e *explainer) rulesAbout(object string, fqdn lync.FQDN) []string {
	ids := append([]string(nil), e.objects[object]...)
	if p := e.x.PoolOf(fqdn); p >= 0 {
		pool := string(e.d.Lync.TrustedApplicationPools[p].FQDN)
		for obj, rules := range e.objects {
			if e.ofPool(obj, pool) {
				ids = append(ids, rules...)
			}
		}
		if edge := e.x.EdgeFor(p); edge >= 0 && e.asksMRAS(object) {
			ids = append(ids, e.objects["lync/edgePool/"+string(e.d.Lync.EdgePools[edge].FQDN)]...)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// asksMRAS reports whether object names an RMX that asks its Edge's MRAS
// for relay credentials: one with ICE configured in the MS environment.
func (e *explainer) asksMRAS(object string) bool {
	name, ok := strings.CutPrefix(object, "rmx/")
	if !ok {
		return false
	}
	for i := range e.d.RPP.RMX {
		if r := &e.d.RPP.RMX[i]; r.Name == name {
			return r.SIP.ICEEnvironment == rmx.ICEMS && rmx.InferICEMethod(r, e.x) != ""
		}
	}
	return false
}

func (e *explainer) ofPool(object, pool string) bool {
	if addr, ok := strings.CutPrefix(object, "lync/endpoint/"); ok {
		a, err := lync.ParseSIPAddress(addr)
		if err != nil {
			return false
		}
		i := e.x.Endpoint(a)
		return i >= 0 && e.d.Lync.TrustedApplicationEndpoints[i].Pool.Equal(lync.FQDN(pool))
	}
	return object == "lync/pool/"+pool || strings.HasPrefix(object, "lync/pool/"+pool+"/") ||
		strings.HasPrefix(object, "lync/application/"+pool+"/")
}

// explain returns the rules about the system that list symptom.
func (e *explainer) explain(object string, fqdn lync.FQDN, symptom *rmx.Symptom) []string {
	var out []string
	for _, id := range e.rulesAbout(object, fqdn) {
		if slices.Contains(e.bySymp[symptom], id) {
			out = append(out, id)
		}
	}
	return out
}

// cascadeSymptoms show only when an RMX cascades into a meeting, never
// while it brings ICE up.
var cascadeSymptoms = []*rmx.Symptom{rmx.SymptomVideoNotAccepted}

// iceRulesAbout returns the rules about the system that list a symptom of
// bringing ICE up: for a system that reached ICE ready all the same, the
// static check and the lab disagree.
func (e *explainer) iceRulesAbout(object string, fqdn lync.FQDN) []string {
	var out []string
	for _, id := range e.rulesAbout(object, fqdn) {
		for s, ids := range e.bySymp {
			if !slices.Contains(cascadeSymptoms, s) && slices.Contains(ids, id) {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// findingsAbout returns the rules with findings at warning or error level
// about the system (object at fqdn), its trusted application pool, the
// deployment as a whole, or the other objects named (a static route): what `rpp check` says of a DMA whose call failed.
// DMA failures have no device symptom of their own to match rules by.
func (e *explainer) findingsAbout(object string, fqdn lync.FQDN, more ...string) []string {
	serious := map[string]bool{}
	for _, f := range e.report.Findings {
		if f.Severity >= rpp.Warning {
			serious[f.Rule] = true
		}
	}
	out := []string{}
	ids := append(e.rulesAbout(object, fqdn), e.objects["rpp"]...)
	for _, o := range more {
		ids = append(ids, e.objects[o]...)
	}
	for _, id := range ids {
		if serious[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
