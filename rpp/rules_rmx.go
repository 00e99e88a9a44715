package rpp

import (
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// eachRMX runs fn for every RMX with its facts and object name.
func (p *Pass) eachRMX(fn func(i int, r *rmx.System, rf *rmxFacts, object string)) {
	for i := range p.Deployment.RPP.RMX {
		fn(i, &p.Deployment.RPP.RMX[i], &p.facts.rmx[i], p.facts.systems[i].obj)
	}
}

func rmxRules() []*Rule {
	return []*Rule{{
		ID:       "rmx-ice-environment",
		Severity: Error,
		Summary:  "an RMX with ICE configured has an ICE environment other than MS",
		Doc: `Lync's media relay speaks Microsoft's flavour of ICE and TURN, and gives
credentials through its own MRAS service. The RMX uses them only when the
Default IP Network Service's SIP Advanced page has ICE Environment = MS; with
Standard it talks to a standard STUN/TURN server, and with None it does not
use ICE at all.

Symptom: the RMX never shows the Edge on its ICE status page; Lync clients
outside the network connect without media.

Fix: set ICE Environment to MS (Setup > IP Network Services > Default IP
Network Service > SIP Advanced) and reboot when asked.`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomICEEnvironment},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method == "" || r.SIP.ICEEnvironment == rmx.ICEMS {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".sip.iceEnvironment"),
					Message: fmt.Sprintf("%s has ICE settings but ICE Environment is %s; Lync needs MS", r.Name, orDefault(string(r.SIP.ICEEnvironment), "not set")),
					Fix:     "set ICE Environment to MS on the SIP Advanced page",
					Fixes:   fixTo(string(rmx.ICEMS)),
				})
			})
		},
	}, {
		ID:       "rmx-ice-missing",
		Severity: Error,
		Summary:  "an RMX whose release makes ICE mandatory has no ICE configuration",
		Doc: `From RMX 8.5 on, ICE configuration is no longer optional: the RMX must be set
up with the new method even when the topology has no Edge server (the Front
End pool then provides what it needs). An RMX without it fails Lync calls in
ways that look unrelated.

Fix: create a trusted application endpoint in the RMX's pool, set ICE
Environment = MS, Server User Name = the endpoint's user part, Server Domain
Name = its domain, and the system flag SIP_CONTACT_OVERRIDE_STR = the pool's
Service GRUU without sip:; then reboot once.`,
		Source:   srcNewICE,
		Symptoms: []*rmx.Symptom{rmx.SymptomICENotConfigured},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if !rf.caps.ICEMandatory || r.SIP.ICEConfigured() {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".sip"),
					Message: fmt.Sprintf("%s runs %s, where ICE configuration is mandatory, but has none", r.Name, r.Version),
					Fix:     "configure the new ICE method: endpoint, ICE Environment MS, Server User Name, Server Domain Name, SIP_CONTACT_OVERRIDE_STR",
				})
			})
		},
	}, {
		ID:       "rmx-ice-method-unsupported",
		Severity: Error,
		Summary:  "legacy method on RMX ≥ 8.5, or new method on RMX ≤ 8.3",
		Doc: `RMX 8.3 and earlier know only the legacy ICE method (a Lync-enabled user);
8.4 knows both; 8.5 and later know only the new one (a trusted application
endpoint plus the pool's Service GRUU). An upgrade to 8.5 keeps the old
settings but no longer uses them, so ICE silently stops working; a downgrade
below 8.4 ignores the new settings.

Symptom: after an upgrade to 8.5 the RMX no longer picks up the Edge server;
external calls lose media.

Fix: on 8.5 and later, migrate to the new method (create the endpoint, change
Server User Name to its user part, add SIP_CONTACT_OVERRIDE_STR, reboot); on
8.3 and earlier, use a Lync-enabled user.`,
		Source:   srcNewICE,
		Symptoms: []*rmx.Symptom{rmx.SymptomMethodUnsupported},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method == "" || rf.caps.Supports(rf.method) {
					return
				}
				fix := "use a Lync-enabled user (legacy method); RMX 8.3 and earlier cannot use an endpoint and the Service GRUU"
				if rf.method == rmx.ICELegacy {
					fix = "migrate to the new method: trusted application endpoint, Server User Name = its user part, SIP_CONTACT_OVERRIDE_STR = the pool's Service GRUU without sip:, one reboot"
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".sip.serverUserName"),
					Message: fmt.Sprintf("%s runs %s, which does not support the %s", r.Name, r.Version, rf.method.Describe()),
					Fix:     fix,
				})
			})
		},
	}, {
		ID:       "rmx-ice-user-unknown",
		Severity: Error,
		Summary:  "Server User Name names no endpoint (new) nor Lync user (legacy) in the Server Domain Name",
		Doc: `Server User Name and Server Domain Name together are the identity the RMX asks
Lync's media relay authentication service for credentials as: on the new method
a trusted application endpoint of the RMX's own pool, on the legacy method a
Lync-enabled user. If no such identity exists, the request is refused.

Symptom: "MS – register fail" on the RMX's ICE status, the alarm "Service
credential denied".

Fix: set Server User Name to the user part of the endpoint's (or user's) SIP
address, or create the endpoint (user) it names.`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomRegister, rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method == "" || len(rf.elsewhere) > 0 {
					return
				}
				f := Finding{Object: object, Field: rmxPath(i, ".sip.serverUserName")}
				identity := rf.user + "@" + r.SIP.ServerDomainName
				kind, other := "trusted application endpoint", len(p.Topology.UsersNamed(rf.user)) > 0
				if rf.method == rmx.ICELegacy {
					kind, other = "Lync user", len(p.Topology.EndpointsNamed(rf.user)) > 0
				}
				switch {
				case rf.user == "":
					f.Message = fmt.Sprintf("%s has ICE configured but no Server User Name", r.Name)
					f.Fix = "set Server User Name to the user part of the ICE identity's SIP address"
				case rf.identity < 0 && other:
					f.Message = fmt.Sprintf("%s's Server User Name %s names no %s in %s (only a %s of that name, which the %s cannot use)",
						r.Name, rf.user, kind, orDefault(r.SIP.ServerDomainName, "its (empty) Server Domain Name"), otherKind(kind), rf.method.Describe())
					f.Fix = fmt.Sprintf("create a %s sip:%s, or name one that exists", kind, identity)
				case rf.identity < 0:
					f.Message = fmt.Sprintf("%s's Server User Name %s names no %s sip:%s", r.Name, rf.user, kind, identity)
					f.Fix = fmt.Sprintf("create the %s sip:%s, or set Server User Name to one that exists", kind, identity)
				case rf.method == rmx.ICENew && rf.pool >= 0 && !t.TrustedApplicationEndpoints[rf.identity].Pool.Equal(t.TrustedApplicationPools[rf.pool].FQDN):
					e := &t.TrustedApplicationEndpoints[rf.identity]
					f.Message = fmt.Sprintf("%s's Server User Name names endpoint %s of pool %s, but %s is in pool %s", r.Name, e.SIPAddress, e.Pool, r.Name, t.TrustedApplicationPools[rf.pool].FQDN)
					f.Fix = fmt.Sprintf("use an endpoint of pool %s", t.TrustedApplicationPools[rf.pool].FQDN)
				default:
					return
				}
				p.Report(f)
			})
		},
	}, {
		ID:       "rmx-ice-user-format",
		Severity: Error,
		Summary:  "Server User Name holds sip: or @ (it is the name part only)",
		Doc: `Server User Name is only the part of the SIP address before '@' (rpp for
sip:rpp@contoso.com); the RMX adds '@' and the Server Domain Name itself. With
the whole address in the field it asks for sip:sip:rpp@contoso.com@contoso.com,
which does not exist.

Symptom: "MS – register fail" on the ICE status page.

Fix: enter only the name part.`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomRegister},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				u := r.SIP.ServerUserName
				if !lync.HasSIPScheme(u) && !strings.Contains(u, "@") {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".sip.serverUserName"),
					Message: fmt.Sprintf("%s's Server User Name %q is a SIP address; it takes only the name part", r.Name, u),
					Fix:     fmt.Sprintf("set Server User Name to %s", rf.user),
					Fixes:   fixTo(rf.user),
				})
			})
		},
	}, {
		ID:       "rmx-sip-domain-mismatch",
		Severity: Error,
		Summary:  "Server Domain Name differs from the ICE identity's SIP domain",
		Doc: `The RMX forms its ICE identity from Server User Name and the Server Domain
Name of its SIP Servers page. When the endpoint (or user) lives in another SIP
domain, the identity the RMX asks for does not exist. This happens only where
Lync has more than one SIP domain.

Symptom: "MS – register fail", "Service credential denied".

Fix: change the endpoint's (or user's) SIP address to the RMX's domain
(Set-CsTrustedApplicationEndpoint -Identity OLD -SipAddress sip:NAME@RMX-DOMAIN);
the RMX's Server Domain Name is usually right as it is.`,
		Source:   srcLegacyICE,
		Symptoms: []*rmx.Symptom{rmx.SymptomRegister, rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method == "" || len(rf.elsewhere) == 0 {
					return
				}
				p.Report(Finding{
					Object: object,
					Field:  rmxPath(i, ".sip.serverDomainName"),
					Message: fmt.Sprintf("%s's ICE identity %s exists in %s, not in its Server Domain Name %s",
						r.Name, rf.user, strings.Join(rf.elsewhere, ", "), orDefault(r.SIP.ServerDomainName, "(empty)")),
					Fix: fmt.Sprintf("change the SIP address to sip:%s@%s (or, if the RMX's domain is the wrong one, set Server Domain Name to %s)",
						rf.user, orDefault(r.SIP.ServerDomainName, "RMX-DOMAIN"), rf.elsewhere[0]),
				})
			})
		},
	}, {
		ID:       "rmx-contact-override-missing",
		Severity: Error,
		Summary:  "new method without SIP_CONTACT_OVERRIDE_STR",
		Doc: `On the new ICE method the RMX presents its pool's Service GRUU as its Contact
when it asks for media relay credentials, and it takes that value from the
system flag SIP_CONTACT_OVERRIDE_STR (Setup > System Configuration,
MCMS_PARAMETERS_USER). Without the flag Lync cannot tie the request to the
trusted application.

Symptom: "Service credential denied" or "MS – register fail"; external media
fails.

Fix: add the flag SIP_CONTACT_OVERRIDE_STR with the pool's Service GRUU,
without sip:, then reboot (the one reboot that also applies the network
service change).`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method != rmx.ICENew {
					return
				}
				if rf.hasFlag {
					return
				}
				f := Finding{
					Object:  object,
					Field:   rmxPath(i, ".flags."+r.Flags.KeyOf(rmx.FlagContactOverride)),
					Message: fmt.Sprintf("%s uses the new ICE method but has no %s flag", r.Name, rmx.FlagContactOverride),
					Fix:     fmt.Sprintf("add the system flag %s with the pool's Service GRUU without sip:", rmx.FlagContactOverride),
				}
				for name := range r.Flags {
					if !strings.EqualFold(name, rmx.FlagContactOverride) && suggest.Closest(name, []string{rmx.FlagContactOverride}) != "" {
						f.Message += fmt.Sprintf(" (there is a flag %s: misspelt?)", name)
					}
				}
				if rf.pool >= 0 {
					if gs := p.facts.poolGRUUs(rf.pool, p.facts.identityApp(rf)); len(gs) > 0 {
						f.Fixes = fixTo(gs[0].WithoutScheme())
						f.Fix = fmt.Sprintf("add the system flag %s = %s", rmx.FlagContactOverride, gs[0].WithoutScheme())
					}
				}
				p.Report(f)
			})
		},
	}, {
		ID:       "rmx-contact-override-prefix",
		Severity: Error,
		Summary:  "SIP_CONTACT_OVERRIDE_STR begins with sip: (any case)",
		Doc: `The RMX system flag takes the Service GRUU without its sip: scheme; the RMX
adds the scheme itself. (The DMA is the opposite: its peer field wants sip:.)
Some RMX firmware strips a leading sip: before use, so the mistake may appear
to work on one release and break after an upgrade; the guidance is to leave it
out everywhere.

Symptom: "Service credential denied" on firmware that does not strip it.

Fix: remove sip: from the start of the flag's value and reboot.`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				v, ok := pasted(rf.flag), rf.hasFlag
				if !ok || !lync.HasSIPScheme(v) {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".flags."+r.Flags.KeyOf(rmx.FlagContactOverride)),
					Message: fmt.Sprintf("%s's %s begins with %q; the RMX wants the Service GRUU without it", r.Name, rmx.FlagContactOverride, v[:4]),
					Fix:     "remove the sip: prefix",
					Fixes:   fixTo(v[4:]),
				})
			})
		},
	}, {
		ID:       "rmx-contact-override-mismatch",
		Severity: Error,
		Summary:  "the flag is not the Service GRUU of the RMX's own pool",
		Doc: `SIP_CONTACT_OVERRIDE_STR must be the Service GRUU of the trusted application
pool that holds this RMX (user part = that pool's FQDN, the same application
and token). A GRUU of another pool, from before the pool was recreated, or cut
short when pasted makes Lync refuse the RMX's credential request.

Symptom: "Service credential denied", "MS – register fail"; after moving an RMX
to a new pool, external media stops.

Fix: paste the pool's current Service GRUU (Get-CsTrustedApplication | fl
ServiceGruu), without sip:, and reboot.`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				v, ok := pasted(rf.flag), rf.hasFlag
				if !ok || rf.pool < 0 {
					return
				}
				want := p.facts.poolGRUUs(rf.pool, p.facts.identityApp(rf))
				if len(want) == 0 {
					return // lync-app-missing or lync-gruu-missing says why
				}
				g, ge, ok := p.facts.oneOf(v, want)
				if ok {
					return
				}
				f := Finding{
					Object: object,
					Field:  rmxPath(i, ".flags."+r.Flags.KeyOf(rmx.FlagContactOverride)),
					Fix:    fmt.Sprintf("set it to %s", want[0].WithoutScheme()),
					Fixes:  fixTo(want[0].WithoutScheme()),
				}
				if ge != nil {
					f.Message = fmt.Sprintf("%s's %s is not a service GRUU: %s: %s", r.Name, rmx.FlagContactOverride, ge.Part, ge.Reason)
				} else {
					f.Message = fmt.Sprintf("%s's %s is not the Service GRUU of its pool %s (it names pool %s, application %s)",
						r.Name, rmx.FlagContactOverride, p.Deployment.Lync.TrustedApplicationPools[rf.pool].FQDN, g.Pool(), g.ApplicationID())
				}
				p.Report(f)
			})
		},
	}, {
		ID:       "rmx-registered-to-edge",
		Severity: Error,
		Summary:  "the RMX's SIP server is an Edge pool",
		Doc: `The RMX talks SIP to a Front End pool (or Director) as a trusted application
and reaches the Edge only for media, through the credentials the Front End
hands out. Pointing its SIP server, or registering it, at the Edge is a common
mistake: the Edge does not trust the RMX as an application.

Symptom: the RMX never registers; "Failed to subscribe with the OCS".

Fix: set the SIP server to the Front End pool that the RMX's trusted
application pool names as registrar.`,
		Source:   srcLegacyICE,
		Symptoms: []*rmx.Symptom{rmx.SymptomTLS, rmx.SymptomSubscribe},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if r.SIP.Server == "" || p.Topology.EdgePool(r.SIP.Server) < 0 {
					return
				}
				f := Finding{
					Object:  object,
					Field:   rmxPath(i, ".sip.server"),
					Message: fmt.Sprintf("%s's SIP server %s is an Edge pool", r.Name, r.SIP.Server),
					Fix:     "point the SIP server at the Front End pool its trusted application pool names as registrar",
				}
				if rf.pool >= 0 {
					reg := t.TrustedApplicationPools[rf.pool].Registrar
					f.Fix = fmt.Sprintf("set the SIP server to %s", reg)
					f.Fixes = fixTo(string(reg))
				}
				p.Report(f)
			})
		},
	}, {
		ID:       "rmx-sfb-version",
		Severity: Error,
		Summary:  "Skype for Business Server with an RMX older than 8.5.4",
		Doc: `Skype for Business Server clients and servers need RMX (RPCS) 8.5.4 or
later; 8.6 and later are fine. Older releases register but fail calls from
Skype for Business clients.

Fix: upgrade the RMX to 8.5.4 or later (then check ICE: 8.5 and later need the
new method).`,
		Source: srcSkype,
		Run: func(p *Pass) {
			prod := p.Deployment.Lync.Product
			if !prod.IsSkypeForBusiness() {
				return
			}
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.caps.SkypeForBusiness {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".version"),
					Message: fmt.Sprintf("%s runs %s; %s needs RMX %s or later", r.Name, r.Version, prod.Title(), rmx.MinSkypeForBusiness()),
					Fix:     fmt.Sprintf("upgrade %s to %s or later", r.Name, rmx.MinSkypeForBusiness()),
				})
			})
		},
	}, {
		ID:       "rmx-encryption",
		Severity: Warning,
		Summary:  "a conference profile has encryption none",
		Doc: `Lync and Skype for Business clients encrypt media. A conference profile that
never encrypts cannot agree with them, and the call loses its video or fails.
The profiles used for Lync calls, on the RMX and on the DMA, should encrypt
"when available".

Symptom: Lync clients report "video not accepted"; the SIP trace shows a 488
with ms-client-diagnostics 52017 "Encryption levels dont match".

Fix: set the profile's encryption to "Encrypt when possible".`,
		Source:   srcVideo,
		Symptoms: []*rmx.Symptom{rmx.SymptomVideoNotAccepted},
		Run: func(p *Pass) {
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				for j, prof := range r.ConferenceProfiles {
					if prof.Encryption != rmx.EncryptNone {
						continue
					}
					p.Report(Finding{
						Object:  object,
						Field:   rmxPath(i, fmt.Sprintf(".conferenceProfiles[%d].encryption", j)),
						Message: fmt.Sprintf("%s's conference profile %s does not encrypt; Lync clients will refuse its video", r.Name, prof.Name),
						Fix:     "set the profile's encryption to when available",
						Fixes:   fixTo(string(rmx.EncryptWhenAvailable)),
					})
				}
			})
		},
	}, {
		ID:       "rmx-vmr-defined",
		Severity: Error,
		Summary:  "VMRs are defined on an RMX that a DMA manages, instead of on the DMA",
		Doc: `With a DMA, virtual meeting rooms live on the DMA (created by hand or
automatically); the DMA chooses an RMX for each call. Meeting rooms on an RMX
that a DMA manages are not reachable through the DMA, and registering them to
Lync does not work. An RMX that no DMA manages has nowhere else to keep its
rooms, so the rule looks only at RMXs a DMA manages: those a DMA lists in its
mcus, or, for a DMA that lists none, the RMXs of the DMA's own site.

Symptom: Lync presence for the rooms shows "unknown"; calls stay on
"connecting".

Fix: delete the rooms on the RMX and define them on the DMA.`,
		Source: srcVMRs,
		Run: func(p *Pass) {
			dmas := p.Deployment.RPP.DMA
			var manager func(r *rmx.System) int // made for the first RMX with rooms
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if len(r.VMRs) == 0 {
					return
				}
				if manager == nil {
					manager = managers(dmas)
				}
				k := manager(r)
				if k < 0 {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".vmrs"),
					Message: fmt.Sprintf("%s has %d meeting room(s) defined on it (%s), but DMA %s manages it", r.Name, len(r.VMRs), names(r.VMRs), dmas[k].Name),
					Fix:     fmt.Sprintf("define the meeting rooms on DMA %s instead, and delete them from the RMX", dmas[k].Name),
				})
			})
		},
	}, {
		ID:       "edge-remote",
		Severity: Warning,
		Summary:  "an RMX's Edge (through its pool's registrar) is in another site while its own site has one",
		Doc: `The RMX relays media through the Edge pool of the Front End pool its trusted
application pool names as registrar. When that Edge is in another site while
the RMX's own site has an Edge pool, external media crosses the WAN twice.

Fix: put the RMX in a trusted application pool whose registrar is a Front End
pool of its own site (see lync-pool-per-edge).`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			// An Edge pool of the RMX's site counts only when a Front End
			// pool of that site is paired with it: otherwise no trusted
			// application pool could reach it.
			localEdge := map[string]lync.FQDN{}
			for _, fe := range t.FrontEndPools {
				if k := strings.ToLower(fe.Site); fe.Site != "" && fe.EdgePool != "" && localEdge[k] == "" {
					if e := p.Topology.EdgePool(fe.EdgePool); e >= 0 && strings.EqualFold(t.EdgePools[e].Site, fe.Site) {
						localEdge[k] = t.EdgePools[e].FQDN
					}
				}
			}
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				own := localEdge[strings.ToLower(r.Site)]
				e := p.facts.edgeOf(rf.pool)
				if r.Site == "" || own == "" || e < 0 || strings.EqualFold(t.EdgePools[e].Site, r.Site) {
					return
				}
				p.Report(Finding{
					Object: object,
					Field:  rmxPath(i, ".site"),
					Message: fmt.Sprintf("%s in site %s relays media through Edge %s of site %s, though its own site has Edge %s",
						r.Name, r.Site, t.EdgePools[e].FQDN, t.EdgePools[e].Site, own),
					Fix: fmt.Sprintf("move %s into a trusted application pool whose registrar is a Front End pool of site %s", r.Name, r.Site),
				})
			})
		},
	}, {
		ID:       "rmx-sip-server-not-registrar",
		Severity: Warning,
		Summary:  "an RMX's SIP server is not the registrar of its own trusted application pool",
		Doc: `The RMX's SIP server (outbound proxy) should be the Front End pool that its
trusted application pool names as registrar. That pool hands out the MRAS URI
of its own Edge pool, so it decides which Edge the RMX's media uses; it is
also the pool whose rules the topology was planned around. An RMX pointed at
another Front End pool gets that pool's Edge, or none; one pointed at an IP
address loses its SIP server when the address changes and cannot check the
server's certificate. (A name the topology does not list, such as a
Director or one server of the registrar pool, is not judged.)

Symptom: external media through an unexpected site's Edge, or the RMX alarm
"Failed to subscribe with the OCS" while the other pool is unavailable.

Fix: set the SIP server (Default IP Network Service > SIP Servers) to the
registrar of the RMX's trusted application pool.`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if r.SIP.Server == "" || rf.pool < 0 || p.Topology.EdgePool(r.SIP.Server) >= 0 {
					return // rmx-registered-to-edge speaks of an Edge
				}
				reg := t.TrustedApplicationPools[rf.pool].Registrar
				if p.facts.registrarOf(rf.pool) < 0 || r.SIP.Server.Equal(reg) {
					return // an undefined registrar is deployment-unknown-reference's
				}
				if !r.SIP.Server.IsIP() && p.Topology.FrontEndPool(r.SIP.Server) < 0 {
					// A name the topology does not list may be a Director or
					// a server of the registrar pool: nothing to go on.
					return
				}
				p.Report(Finding{
					Object: object,
					Field:  rmxPath(i, ".sip.server"),
					Message: fmt.Sprintf("%s's SIP server is %s, but its trusted application pool %s is registered with %s",
						r.Name, r.SIP.Server, t.TrustedApplicationPools[rf.pool].FQDN, reg),
					Fix:   fmt.Sprintf("set the SIP server to %s", reg),
					Fixes: fixTo(string(reg)),
				})
			})
		},
	}, {
		ID:       "edge-unpaired",
		Severity: Warning,
		Summary:  "an RMX relies on ICE, but its pool's registrar has no Edge pool while another Front End pool has one",
		Doc: `An RMX gets its media relay from the Edge pool paired with the Front End pool
its trusted application pool names as registrar. When that Front End pool has
no Edge pairing but another one of the topology has, the RMX is told of no
relay at all: calls inside the network work, calls with clients outside have
no media. (A topology with no Edge at all is different: the RMX then runs ICE
without a relay, as intended.)

Symptom: external Lync clients join without audio or video; the RMX's ICE
status shows no Edge; before 8.5 the RMX raises the alarm "Received
Notification does not contain URI".

Fix: register the RMX's trusted application pool with a Front End pool that
is paired with an Edge pool (for the RMX's own site if it has one), or pair
the registrar with an Edge pool in Topology Builder and publish.`,
		Source:   srcPools,
		Symptoms: []*rmx.Symptom{rmx.SymptomNoMRASURI},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			var withEdge []string
			for _, fe := range t.FrontEndPools {
				if fe.EdgePool != "" && p.Topology.EdgePool(fe.EdgePool) >= 0 {
					withEdge = append(withEdge, fmt.Sprintf("%s (Edge %s)", fe.FQDN, fe.EdgePool))
				}
			}
			if len(withEdge) == 0 {
				return
			}
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method == "" || rf.pool < 0 {
					return
				}
				reg := t.TrustedApplicationPools[rf.pool].Registrar
				fe := p.facts.registrarOf(rf.pool)
				if fe < 0 || t.FrontEndPools[fe].EdgePool != "" {
					return // an unknown registrar or Edge is deployment-unknown-reference's
				}
				p.Report(Finding{
					Object: object,
					Field:  poolPath(rf.pool, ".registrar"),
					Message: fmt.Sprintf("%s relies on ICE, but the registrar of its pool %s, %s, has no Edge pool, while %s has one: the RMX gets no media relay",
						r.Name, t.TrustedApplicationPools[rf.pool].FQDN, reg, names(withEdge)),
					Fix: fmt.Sprintf("register pool %s with a Front End pool paired with an Edge pool, or pair %s with one", t.TrustedApplicationPools[rf.pool].FQDN, reg),
				})
			})
		},
	}, {
		ID:       "rmx-ice-no-edge",
		Severity: Warning,
		Summary:  "an RMX older than 8.5 has ICE configured, but the topology has no Edge pool",
		Doc: `Before RMX 8.5, ICE configuration is optional and meant for topologies with an
Edge pool: the RMX asks its Front End pool for the Edge's media relay URI, and
when the answer holds none, older firmware raises an alarm instead of going on
without a relay (from 8.5 on, ICE is mandatory and the RMX runs without a
relay where there is no Edge).

Symptom: the RMX alarm "Received Notification does not contain URI"; the ICE
status never becomes ready.

Fix: with no Edge pool in the topology, set the RMX's ICE Environment to None
(SIP Advanced) until an Edge is deployed, or upgrade the RMX to 8.5 or later
and configure the new ICE method.`,
		Source:   srcNewICE,
		Symptoms: []*rmx.Symptom{rmx.SymptomNoMRASURI},
		Run: func(p *Pass) {
			for _, fe := range p.Deployment.Lync.FrontEndPools {
				if fe.EdgePool != "" && p.Topology.EdgePool(fe.EdgePool) >= 0 {
					return // some pool has an Edge: edge-unpaired's business
				}
			}
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				if rf.method == "" || rf.caps.ICEMandatory {
					return
				}
				p.Report(Finding{
					Object:  object,
					Field:   rmxPath(i, ".sip.iceEnvironment"),
					Message: fmt.Sprintf("%s runs %s with ICE configured (%s), but the topology has no Edge pool to give it a relay", r.Name, r.Version, rf.method.Describe()),
					Fix:     "set ICE Environment to None until an Edge pool is deployed, or upgrade to 8.5 or later",
					Fixes:   fixTo(string(rmx.ICENone)),
				})
			})
		},
	}}
}

func otherKind(kind string) string {
	if kind == "Lync user" {
		return "trusted application endpoint"
	}
	return "Lync user"
}

// identityApp is the application of the RMX's ICE endpoint, when known.
func (f *facts) identityApp(rf *rmxFacts) lync.ApplicationID {
	if rf.method == rmx.ICENew && rf.identity >= 0 {
		return f.d.Lync.TrustedApplicationEndpoints[rf.identity].ApplicationID
	}
	return ""
}

func containsGRUU(list []lync.GRUU, g lync.GRUU) bool {
	for _, w := range list {
		if w.Equal(g) {
			return true
		}
	}
	return false
}

// managers returns which DMA manages an RMX (dma.System.Manages), as the
// index of the first such DMA or -1, answered from two maps built once so
// that the rule stays linear however many RMXs hold rooms.
func managers(dmas []dma.System) func(r *rmx.System) int {
	byName, bySite := map[string]int{}, map[string]int{}
	for k := range dmas {
		s := &dmas[k]
		if len(s.MCUs) == 0 {
			if s.Site != "" {
				addFirstIndex(bySite, strings.ToLower(s.Site), k)
			}
			continue
		}
		for _, m := range s.MCUs {
			addFirstIndex(byName, strings.ToLower(m), k)
		}
	}
	return func(r *rmx.System) int {
		k, ok := byName[strings.ToLower(r.Name)]
		if s, ok2 := bySite[strings.ToLower(r.Site)]; r.Site != "" && ok2 && (!ok || s < k) {
			k, ok = s, true
		}
		if !ok {
			return -1
		}
		return k
	}
}

func addFirstIndex(m map[string]int, key string, k int) {
	if _, ok := m[key]; !ok {
		m[key] = k
	}
}
