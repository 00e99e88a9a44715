package rpp

import (
	"fmt"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// eachPeer runs fn for every Lync peer of every DMA.
func (p *Pass) eachPeer(fn func(i, j int, s *dma.System, peer *dma.LyncPeer, object string)) {
	for i := range p.Deployment.RPP.DMA {
		s := &p.Deployment.RPP.DMA[i]
		for j := range s.LyncPeers {
			fn(i, j, s, &s.LyncPeers[j], "dma/"+s.Name)
		}
	}
}

func peerPath(i, j int) string { return dmaPath(i, fmt.Sprintf(".lyncPeers[%d].serviceGruu", j)) }

func dmaRules() []*Rule {
	return []*Rule{{
		ID:       "dma-gruu-missing",
		Severity: Error,
		Summary:  "a DMA's Lync peer has no ServiceGruu",
		Doc: `The DMA does not use the Edge, but it uses its pool's Service GRUU for the
rest of the integration (RealConnect conference lookups among them). The
external SIP peer that stands for a Lync Front End pool carries it on its Lync
Integration tab, as CsTrustedApplication ServiceGruu.

Symptom: RealConnect calls are not resolved; the cascade to the AV MCU never
starts.

Fix: Network > External SIP Peers > the Lync peer > Lync Integration: tick
CsTrustedApplication ServiceGruu and paste the whole Service GRUU, with sip:.`,
		Source: srcNewPolycom,
		Run: func(p *Pass) {
			p.eachPeer(func(i, j int, s *dma.System, peer *dma.LyncPeer, object string) {
				if peer.ServiceGRUU != "" {
					return
				}
				f := Finding{
					Object:  object,
					Field:   peerPath(i, j),
					Message: fmt.Sprintf("%s's Lync peer %s has no ServiceGruu", s.Name, peer.Name),
					Fix:     "paste the pool's Service GRUU, with sip:, on the peer's Lync Integration tab",
				}
				if pool := p.facts.dmaPool[i]; pool >= 0 {
					if gs := p.facts.poolGRUUs(pool, ""); len(gs) > 0 {
						f.Fixes = fixTo(gs[0].String())
					}
				}
				p.Report(f)
			})
		},
	}, {
		ID:       "dma-gruu-prefix",
		Severity: Error,
		Summary:  "a DMA's ServiceGruu lacks sip:",
		Doc: `The DMA's CsTrustedApplication ServiceGruu field takes the Service GRUU
exactly as Get-CsTrustedApplication prints it, sip: included. (The RMX flag is
the opposite: no sip:.) Without the scheme the value is not a URI the DMA can
use.

Fix: paste the whole value, beginning with sip:.`,
		Source: srcNewPolycom,
		Run: func(p *Pass) {
			p.eachPeer(func(i, j int, s *dma.System, peer *dma.LyncPeer, object string) {
				v := pasted(peer.ServiceGRUU)
				if v == "" || lync.HasSIPScheme(v) {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   peerPath(i, j),
					Message: fmt.Sprintf("%s's Lync peer %s has a ServiceGruu without sip:", s.Name, peer.Name),
					Fix:     "add sip: in front of the value",
					Fixes:   fixTo("sip:" + v),
				})
			})
		},
	}, {
		ID:       "dma-gruu-mismatch",
		Severity: Error,
		Summary:  "a DMA's ServiceGruu is not its own pool's Service GRUU",
		Doc: `The ServiceGruu on the DMA's Lync peer must be the Service GRUU of the trusted
application pool that holds the DMA. A GRUU of another pool (for instance the
other site's, in a two-pool topology), an old one from before the pool was
recreated, or a truncated one makes Lync refuse what the DMA asks as that
application.

Fix: paste the current Service GRUU of the DMA's own pool, with sip:.`,
		Source: srcNewPolycom,
		Run: func(p *Pass) {
			p.eachPeer(func(i, j int, s *dma.System, peer *dma.LyncPeer, object string) {
				pool := p.facts.dmaPool[i]
				if peer.ServiceGRUU == "" || pool < 0 {
					return
				}
				want := p.facts.poolGRUUs(pool, "")
				if len(want) == 0 {
					return
				}
				g, ge, ok := p.facts.oneOf(peer.ServiceGRUU, want)
				if ok {
					return
				}
				f := Finding{
					Object: object,
					Field:  peerPath(i, j),
					Fix:    "set it to " + want[0].String(),
					Fixes:  fixTo(want[0].String()),
				}
				if ge != nil {
					f.Message = fmt.Sprintf("%s's Lync peer %s has a ServiceGruu that is not a service GRUU: %s: %s", s.Name, peer.Name, ge.Part, ge.Reason)
				} else {
					f.Message = fmt.Sprintf("%s's Lync peer %s has the Service GRUU of pool %s, not of its own pool %s",
						s.Name, peer.Name, g.Pool(), p.Deployment.Lync.TrustedApplicationPools[pool].FQDN)
				}
				p.Report(f)
			})
		},
	}, {
		ID:       "dma-rmx-untested-pair",
		Severity: Warning,
		Summary:  "a DMA/RMX release pair known to fail for RealConnect, or an RMX older than those tested with the DMA's release",
		Doc: `RealConnect needs the DMA and the RMX to agree on how the cascade into the Lync
AV MCU is set up. Polycom tests releases in pairs and recommends using a tested
pair, especially for RealConnect (DMA 6.4 with RMX 8.7.1, for example). This
rule warns only where there is reason to: a pair known not to work together,
or an RMX release older than every release tested with the DMA's release line
(Polycom's answer to such a deployment was to upgrade the RMX). A pair that is
simply not in the table is dma-rmx-pair-unknown, for information.

The table is data: rpp.Options.ReleasePairs (dma.ReleasePairs() extended)
adds the pairs a site has verified or seen fail.

Symptom: RealConnect calls reach the RMX, but the cascade into the AV MCU never
starts or lacks features.

Fix: upgrade one or both to a release pair tested together.`,
		Source: srcReleases,
		Run: func(p *Pass) {
			p.reportPairs(pairWarn, func(pair string, v pairVerdict) (string, string) {
				return pair + ": " + v.why, "use a tested pair: " + orDefault(v.tested, "see the release notes of both")
			})
		},
	}, {
		ID:       "dma-rmx-pair-unknown",
		Severity: Info,
		Summary:  "a DMA/RMX release pair used for RealConnect is not in the table of known pairs",
		Doc: `Polycom publishes few DMA/RMX release pairs for RealConnect, and most working
deployments run a pair nobody listed. Such a pair is not a problem in itself;
this note says only that rppkit cannot vouch for it. A pair known to fail, or
an RMX older than the releases tested with the DMA, is dma-rmx-untested-pair
instead.

Fix: none needed if RealConnect calls cascade; otherwise move to a tested pair.
Add the pair to rpp.Options.ReleasePairs once verified, and the note goes away.`,
		Source: srcReleases,
		Run: func(p *Pass) {
			p.reportPairs(pairUnknown, func(pair string, v pairVerdict) (string, string) {
				return pair + " is not in the table of release pairs known for RealConnect",
					"nothing to do if RealConnect cascades; known pairs: " + orDefault(v.tested, "none for this DMA release")
			})
		},
	}, {
		ID:       "rc-dma-missing",
		Severity: Error,
		Summary:  "RealConnect workflow but no DMA with a Lync peer and RealConnect enabled",
		Doc: `In RealConnect a standards-based endpoint dials the DMA with the Lync
conference ID; the DMA asks Lync, through its Lync peer, which meeting that is,
and has an RMX cascade into the meeting on the AV MCU. Without a DMA that has a
Lync peer and RealConnect enabled, nothing resolves the ID and no cascade
starts.

Symptom: calls from Lync reach the bridge, but the RMX never cascades into the
AV MCU; "nothing happens" when the conference ID is dialled.

Fix: on the DMA, add the Lync Front End pool as an external SIP peer (with
its Service GRUU) and enable the RealConnect (dial by Lync conference ID) rule.`,
		Source: srcRealConn,
		Run: func(p *Pass) {
			d := p.Deployment
			if !d.RPP.Has(RealConnect) {
				return
			}
			var why []string
			for _, s := range d.RPP.DMA {
				switch {
				case s.RealConnect.Enabled && len(s.LyncPeers) > 0:
					return
				case !s.RealConnect.Enabled:
					why = append(why, s.Name+": RealConnect disabled")
				default:
					why = append(why, s.Name+": no Lync peer")
				}
			}
			f := Finding{Object: "rpp", Field: "rpp.dma", Fix: "enable RealConnect on a DMA that has the Lync Front End pool as an external SIP peer"}
			if len(d.RPP.DMA) == 0 {
				f.Field = "rpp.workflows"
				f.Message = "the RealConnect workflow is in use, but the deployment has no DMA"
			} else {
				f.Field = dmaPath(0, ".realConnect")
				f.Message = "the RealConnect workflow is in use, but no DMA has both a Lync peer and RealConnect enabled (" + names(why) + ")"
			}
			p.Report(f)
		},
	}}
}

func joinList(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return fmt.Sprintf("%s or %s", names(list[:len(list)-1]), list[len(list)-1])
}

// pairStatus is what a DMA/RMX release pair deserves.
type pairStatus int

const (
	pairOK      pairStatus = iota // tested together
	pairUnknown                   // not in the table
	pairWarn                      // known to fail, or outside the published range
)

type pairVerdict struct {
	status pairStatus
	why    string // for pairWarn
	tested string // the tested pairs of the DMA's release line, for the fix
}

// judgePair looks a DMA and an RMX release up in the table: a row that
// fails wins over one that is tested; an RMX older than every release tested
// with the DMA's line is outside the published range.
func judgePair(table []releasePair, dv dma.Version, rv rmx.Version) pairVerdict {
	var oldest rmx.Version
	ok, anyTested := false, false
	for _, row := range table {
		pv := row.rmx
		if pv.IsZero() || !dv.Within(row.DMA) {
			continue
		}
		matches := rv.Within(pv)
		switch row.Status {
		case dma.PairFails:
			if matches {
				return pairVerdict{status: pairWarn, why: "known not to work together for RealConnect (" + row.Source + ")"}
			}
		case dma.PairTested:
			anyTested = true
			if oldest.IsZero() || pv.Less(oldest) {
				oldest = pv
			}
			ok = ok || matches
		}
	}
	if ok {
		return pairVerdict{status: pairOK}
	}
	v := pairVerdict{status: pairUnknown}
	if anyTested {
		// Only a pair that is reported needs the tested ones named.
		var tested []string
		for _, row := range table {
			if row.Status == dma.PairTested && !row.rmx.IsZero() && dv.Within(row.DMA) {
				tested = append(tested, fmt.Sprintf("DMA %s with RMX %s", row.DMA, row.RMX))
			}
		}
		v.tested = joinList(tested)
	}
	if !oldest.IsZero() && rv.Less(oldest) {
		v.status = pairWarn
		v.why = fmt.Sprintf("RMX %s is older than every release tested with DMA %s for RealConnect (the oldest is %s)", rv, dv, oldest)
	}
	return v
}

// reportPairs judges each RealConnect DMA with each distinct RMX release of
// the deployment (so the work grows with the number of systems, not with
// DMAs times RMXs) and reports the pairs whose verdict is status, in the
// words text gives for "DMA x with RMX y (rmx names)".
func (p *Pass) reportPairs(status pairStatus, text func(pair string, v pairVerdict) (message, fix string)) {
	d := p.Deployment
	if !d.RPP.Has(RealConnect) {
		return
	}
	releases := p.facts.rmxReleases()
	verdicts := map[string][]pairVerdict{} // by DMA release: most DMAs share one
	for i := range d.RPP.DMA {
		s := &d.RPP.DMA[i]
		if !s.RealConnect.Enabled || s.Version.IsZero() {
			continue
		}
		dv := s.Version.String()
		vs, ok := verdicts[dv]
		if !ok {
			vs = make([]pairVerdict, len(releases))
			for k, rel := range releases {
				vs[k] = judgePair(p.facts.pairs, s.Version, rel.version)
			}
			verdicts[dv] = vs
		}
		for k, v := range vs {
			if v.status != status {
				continue
			}
			msg, fix := text(fmt.Sprintf("DMA %s with RMX %s (%s)", s.Version, releases[k].version, names(releases[k].holders)), v)
			p.Report(Finding{Object: p.facts.systems[len(d.RPP.RMX)+i].obj, Field: dmaPath(i, ".version"), Message: msg, Fix: fix})
		}
	}
}

// releasePair is a row of the release pair table with its RMX release
// parsed once; zero when it does not parse.
type releasePair struct {
	dma.ReleasePair
	rmx rmx.Version
}

func parsePairs(table []dma.ReleasePair) []releasePair {
	out := make([]releasePair, len(table))
	for i, row := range table {
		out[i].ReleasePair = row
		out[i].rmx, _ = rmx.ParseVersion(row.RMX)
	}
	return out
}

// rmxRelease is one RMX release of the deployment and the RMXs that run it.
type rmxRelease struct {
	version rmx.Version
	holders []string
}

// rmxReleases returns the deployment's distinct RMX releases, in order of
// first appearance, once per Check.
func (f *facts) rmxReleases() []rmxRelease {
	if f.releases != nil {
		return f.releases
	}
	index := map[string]int{}
	f.releases = []rmxRelease{}
	for _, r := range f.d.RPP.RMX {
		k := r.Version.String()
		i, ok := index[k]
		if !ok {
			i = len(f.releases)
			index[k] = i
			f.releases = append(f.releases, rmxRelease{version: r.Version})
		}
		f.releases[i].holders = append(f.releases[i].holders, r.Name)
	}
	return f.releases
}
