package rpp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

func lyncRules() []*Rule {
	return []*Rule{{
		ID:       "lync-pool-single-computer",
		Severity: Warning,
		Summary:  "an RPP trusted application pool is a single-computer pool",
		Doc: `A single-computer trusted application pool is the computer itself: its only
computer has the pool's own FQDN. Each RMX or DMA in such a pool needs its own
pool, trusted application, Service GRUU and endpoint, so every step is repeated
and troubleshooting has more places to look. Such a pool can never take a
second computer: Lync has no way to convert it.

Fix: remove the pool and create one multiple-computer pool with its own FQDN
that lists the DMA and every RMX (New-CsTrustedApplicationPool -Identity POOL
-Registrar FRONT-END -ComputerFqdn FIRST, then New-CsTrustedApplicationComputer
for the others), recreate the trusted application and endpoint in it, run
Enable-CsTopology, and paste the new Service GRUU into the RMX and the DMA.`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, i := range p.facts.rppPools {
				pool := &t.TrustedApplicationPools[i]
				if pool.IsSingleComputer() {
					p.Report(Finding{
						Object:  poolObject(pool.FQDN),
						Field:   poolPath(i, ".computers"),
						Message: fmt.Sprintf("trusted application pool %s is a single-computer pool: its only computer is the pool FQDN itself", pool.FQDN),
						Fix:     "recreate it as a multiple-computer pool with its own FQDN that lists the DMA and every RMX",
					})
				}
			}
		},
	}, {
		ID:       "lync-pool-split",
		Severity: Warning,
		Summary:  "the RMXs/DMAs of one site sit in more than one trusted application pool",
		Doc: `One multiple-computer trusted application pool holding the DMA and every RMX
of a site is enough: pools are topology-wide, so any Front End pool trusts it.
Spreading one site's systems over several pools multiplies the trusted
applications, Service GRUUs and endpoints to keep consistent, and an RMX moved
between pools keeps a Service GRUU that is no longer its pool's.

Fix: move the site's RMXs and DMAs into one multiple-computer pool
(New-CsTrustedApplicationComputer into the pool that stays, then remove the
others), and paste that pool's Service GRUU into every RMX and DMA.`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, s := range p.facts.sets {
				var pools []int
				for _, c := range s.components {
					if c.pool < 0 || slices.Contains(pools, c.pool) {
						continue
					}
					pools = append(pools, c.pool)
					if len(pools) == 1 {
						continue
					}
					p.Report(Finding{
						Object: c.object(),
						Field:  c.path() + ".fqdn",
						Message: fmt.Sprintf("%s is in pool %s, but other systems of site %s are in pool %s",
							c.object(), t.TrustedApplicationPools[c.pool].FQDN, siteName(s.site), t.TrustedApplicationPools[pools[0]].FQDN),
						Fix: fmt.Sprintf("make %s a computer of pool %s, with the site's other RMXs and DMAs", c.fqdn, t.TrustedApplicationPools[pools[0]].FQDN),
					})
				}
			}
		},
	}, {
		ID:       "lync-pool-per-edge",
		Severity: Warning,
		Summary:  "several Edge pools and RPP sets, but a set's pool registrar is not its own site's Front End pool",
		Doc: `An RMX relays media through the Edge pool paired with its trusted
application pool's registrar (a Front End pool). With more than one Edge
pool and more than one RPP set (the RMXs and DMAs of a site), a set whose pool
points at another site's Front End pool sends its media through that site's
Edge: across the WAN, and through the wrong site's Internet access.

Symptom: external calls to the RMX work, but media takes the remote Edge, or
fails when that site's Edge is unreachable.

Fix: give each RPP set its own multiple-computer trusted application pool whose
registrar is the Front End pool of the set's own site, with its own trusted
application and endpoint, and paste each pool's Service GRUU into that set's
RMXs and DMA.`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			if len(t.EdgePools) < 2 || len(p.facts.sets) < 2 {
				return
			}
			feSites := map[string]bool{}
			for _, fe := range t.FrontEndPools {
				feSites[strings.ToLower(fe.Site)] = true
			}
			for _, s := range p.facts.sets {
				if s.site == "" || !feSites[strings.ToLower(s.site)] {
					continue // no local Front End pool to point at
				}
				var done []int
				for _, c := range s.components {
					if c.pool < 0 || slices.Contains(done, c.pool) {
						continue
					}
					done = append(done, c.pool)
					pool := &t.TrustedApplicationPools[c.pool]
					fe := p.facts.registrarOf(c.pool)
					if fe < 0 || strings.EqualFold(t.FrontEndPools[fe].Site, s.site) {
						continue
					}
					p.Report(Finding{
						Object: poolObject(pool.FQDN),
						Field:  poolPath(c.pool, ".registrar"),
						Message: fmt.Sprintf("pool %s holds site %s's systems (%s), but its registrar %s is in site %s; with %d Edge pools, their media would use site %s's Edge",
							pool.FQDN, s.site, c.object(), pool.Registrar, t.FrontEndPools[fe].Site, len(t.EdgePools), t.FrontEndPools[fe].Site),
						Fix: fmt.Sprintf("give site %s its own trusted application pool whose registrar is %s's Front End pool, and move the site's RMXs and DMAs into it", s.site, s.site),
					})
				}
			}
		},
	}, {
		ID:       "lync-pool-extra",
		Severity: Info,
		Summary:  "more RPP trusted application pools than the topology needs",
		Doc: `One trusted application pool serves the whole topology, because trusted
application pools are topology-wide. Only with more than one Edge pool and more
than one RPP set does each set need a pool of its own. Any pool beyond that is
extra work: another trusted application, Service GRUU and endpoint to create and
keep in step. Nothing breaks.

Fix: none needed; consider folding the extra pools into one multiple-computer
pool the next time the topology changes.`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			plans, err := PlanPools(p.Deployment)
			need := max(len(plans), 1)
			if n := len(p.facts.rppPools); err == nil && n > need {
				var list []string
				for _, i := range p.facts.rppPools {
					list = append(list, string(t.TrustedApplicationPools[i].FQDN))
				}
				extra := p.facts.rppPools[need]
				p.Report(Finding{
					Object: poolObject(t.TrustedApplicationPools[extra].FQDN),
					Field:  poolPath(extra, ""),
					Message: fmt.Sprintf("%d trusted application pools hold RPP systems (%s); %d would do (%d Edge pool(s), %d RPP set(s))",
						n, names(list), need, len(t.EdgePools), len(p.facts.sets)),
					Fix: "nothing is broken; fold the extra pools into one multiple-computer pool when convenient",
				})
			}
		},
	}, {
		ID:       "lync-app-missing",
		Severity: Error,
		Summary:  "a pool holding RPP computers has no trusted application",
		Doc: `A trusted application pool without a trusted application has no Service GRUU
and no port, so Lync neither routes to its computers nor lets them create an
endpoint, and the RMX cannot fetch media relay credentials.

Symptom: the RMX alarm "Failed to subscribe with the OCS", or "MS – register
fail" on the ICE status page.

Fix: New-CsTrustedApplication -ApplicationId video -TrustedApplicationPoolFqdn
POOL -Port 5061 (any application ID will do; keep it consistent), then
Enable-CsTopology and read the Service GRUU with
Get-CsTrustedApplication | fl ServiceGruu.`,
		Source:   srcPools,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, i := range p.facts.rppPools {
				pool := &t.TrustedApplicationPools[i]
				if len(p.Topology.Applications(pool.FQDN)) == 0 {
					p.Report(Finding{
						Object:  poolObject(pool.FQDN),
						Field:   poolPath(i, ""),
						Message: fmt.Sprintf("pool %s holds RPP systems but has no trusted application", pool.FQDN),
						Fix:     fmt.Sprintf("New-CsTrustedApplication -ApplicationId video -TrustedApplicationPoolFqdn %s -Port 5061; Enable-CsTopology", pool.FQDN),
					})
				}
			}
		},
	}, {
		ID:       "lync-app-multiple",
		Severity: Info,
		Summary:  "a pool has more than one trusted application",
		Doc: `One trusted application per pool is all the integration needs; the DMA and
every RMX of the pool share it. A second application gives the pool a second
Service GRUU, and an RMX or DMA may end up with the GRUU of the application its
endpoint does not belong to.

Fix: none needed if each RMX and DMA carries the Service GRUU of the
application its endpoint belongs to; otherwise remove the spare application.`,
		Source: srcPools,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, i := range p.facts.rppPools {
				pool := &t.TrustedApplicationPools[i]
				if apps := p.Topology.Applications(pool.FQDN); len(apps) > 1 {
					var ids []string
					for _, a := range apps {
						ids = append(ids, t.TrustedApplications[a].ApplicationID.Bare())
					}
					p.Report(Finding{
						Object:  poolObject(pool.FQDN),
						Field:   appPath(apps[1], ""),
						Message: fmt.Sprintf("pool %s has %d trusted applications (%s); one is enough", pool.FQDN, len(apps), strings.Join(ids, ", ")),
						Fix:     "keep one trusted application per pool and use its Service GRUU everywhere",
					})
				}
			}
		},
	}, {
		ID:       "lync-app-duplicate",
		Severity: Error,
		Summary:  "two trusted applications of one pool share an ApplicationId or a port",
		Doc: `Within one trusted application pool each application needs its own
ApplicationId and its own port; Lync refuses a second application that repeats
either, so a topology that shows one was not published as written.

Fix: give the second application a different ApplicationId and port, or remove
it (one application per pool is enough).`,
		Source: srcShell,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.TrustedApplicationPools {
				apps := p.Topology.Applications(t.TrustedApplicationPools[i].FQDN)
				for k, a := range apps {
					for _, b := range apps[:k] {
						x, y := &t.TrustedApplications[a], &t.TrustedApplications[b]
						var what string
						switch {
						case x.ApplicationID.Equal(y.ApplicationID):
							what = "ApplicationId " + x.ApplicationID.Bare()
						case x.Port != 0 && x.Port == y.Port:
							what = fmt.Sprintf("port %d", x.Port)
						default:
							continue
						}
						p.Report(Finding{
							Object:  appObject(x),
							Field:   appPath(a, ""),
							Message: fmt.Sprintf("pool %s has two trusted applications with %s", x.Pool, what),
							Fix:     "give each application of a pool its own ApplicationId and port, or remove the spare one",
						})
						break
					}
				}
			}
		},
	}, {
		ID:       "lync-endpoint-missing",
		Severity: Error,
		Summary:  "an RMX on the new ICE method has no trusted application endpoint in its pool",
		Doc: `On the new ICE method the RMX asks Lync for media relay credentials as a
trusted application endpoint of its own pool (Server User Name = the endpoint's
user part). Without one, the request is refused.

Symptom: "MS – register fail" on the RMX's ICE status, the alarm "Service
credential denied", and external calls without media.

Fix: New-CsTrustedApplicationEndpoint -TrustedApplicationPoolFqdn POOL
-ApplicationId video -SipAddress sip:rpp@DOMAIN (a SIP address no user,
contact or service uses; always give -SipAddress), Enable-CsTopology, then set
the RMX's Server User Name to the endpoint's user part.`,
		Source:   srcNewLync,
		Symptoms: []*rmx.Symptom{rmx.SymptomRegister, rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i, r := range p.Deployment.RPP.RMX {
				rf := p.facts.rmx[i]
				if rf.method != rmx.ICENew || rf.pool < 0 {
					continue
				}
				pool := t.TrustedApplicationPools[rf.pool].FQDN
				if len(p.Topology.Endpoints(pool)) == 0 {
					p.Report(Finding{
						Object:  "rmx/" + r.Name,
						Field:   rmxPath(i, ".sip.serverUserName"),
						Message: fmt.Sprintf("%s uses the new ICE method, but its pool %s has no trusted application endpoint", r.Name, pool),
						Fix:     fmt.Sprintf("New-CsTrustedApplicationEndpoint -TrustedApplicationPoolFqdn %s -ApplicationId video -SipAddress sip:%s@%s; Enable-CsTopology", pool, orDefault(rf.user, "rpp"), orDefault(r.SIP.ServerDomainName, "DOMAIN")),
					})
				}
			}
		},
	}, {
		ID:       "lync-endpoint-mismatch",
		Severity: Error,
		Summary:  "an endpoint's pool/applicationId matches no trusted application",
		Doc: `A trusted application endpoint belongs to a trusted application: its
TrustedApplicationPoolFqdn and ApplicationId must name an application that
exists. An endpoint whose pair names none cannot be created, or was orphaned
when its application was removed.

Fix: create the endpoint with the pool FQDN and ApplicationId that
Get-CsTrustedApplication | Select-Object Identity,ApplicationId shows.`,
		Source: srcNewLync,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.TrustedApplicationEndpoints {
				e := &t.TrustedApplicationEndpoints[i]
				apps := p.Topology.Applications(e.Pool)
				var ids []string
				match := false
				for _, a := range apps {
					ids = append(ids, t.TrustedApplications[a].ApplicationID.Bare())
					match = match || t.TrustedApplications[a].ApplicationID.Equal(e.ApplicationID)
				}
				if match {
					continue
				}
				msg := fmt.Sprintf("endpoint %s names pool %s and application %s, but that pool has no trusted application", e.SIPAddress, e.Pool, e.ApplicationID.Bare())
				if len(ids) > 0 {
					msg = fmt.Sprintf("endpoint %s names application %s, but pool %s's applications are %s", e.SIPAddress, e.ApplicationID.Bare(), e.Pool, strings.Join(ids, ", "))
				}
				p.Report(Finding{
					Object:  endpointObject(e),
					Field:   endpointPath(i, ".applicationId"),
					Message: msg,
					Fix:     "recreate the endpoint with the pool FQDN and ApplicationId of an existing trusted application",
				})
			}
		},
	}, {
		ID:       "lync-endpoint-generated-address",
		Severity: Warning,
		Summary:  "an endpoint has the SIP address Lync invents when -SipAddress is left out",
		Doc: `New-CsTrustedApplicationEndpoint without -SipAddress gives the endpoint an
address of the form sip:RtcApplication-GUID@domain. Nobody types that into an
RMX's Server User Name, so the RMX will not match it.

Fix: create the endpoint with -SipAddress and a short, meaningful name
(sip:rpp@DOMAIN), or change it with Set-CsTrustedApplicationEndpoint.`,
		Source: srcShell,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.TrustedApplicationEndpoints {
				e := &t.TrustedApplicationEndpoints[i]
				if lync.IsGeneratedAddress(e.SIPAddress) {
					p.Report(Finding{
						Object:  endpointObject(e),
						Field:   endpointPath(i, ".sipAddress"),
						Message: fmt.Sprintf("endpoint %s has a generated SIP address", e.SIPAddress),
						Fix:     fmt.Sprintf("Set-CsTrustedApplicationEndpoint -Identity %s -SipAddress sip:rpp@%s", e.SIPAddress, e.SIPAddress.Domain()),
					})
				}
			}
		},
	}, {
		ID:       "lync-sip-address-conflict",
		Severity: Error,
		Summary:  "an endpoint's SIP address is already used by another endpoint, user or contact",
		Doc: `A trusted application endpoint's SIP address must be unique across users,
contacts and services. Lync refuses a duplicate; where one slips in (an
address reused after a user was disabled but not removed), requests for it
reach the wrong owner.

Fix: give the endpoint an address nobody else uses.`,
		Source: srcNewLync,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.TrustedApplicationEndpoints {
				e := &t.TrustedApplicationEndpoints[i]
				var other string
				if j := p.Topology.Endpoint(e.SIPAddress); j != i {
					other = "endpoint of pool " + string(t.TrustedApplicationEndpoints[j].Pool)
				} else if p.Topology.User(e.SIPAddress) >= 0 {
					other = "Lync user or contact"
				} else {
					continue
				}
				p.Report(Finding{
					Object:  endpointObject(e),
					Field:   endpointPath(i, ".sipAddress"),
					Message: fmt.Sprintf("SIP address %s of this endpoint is already used by a %s", e.SIPAddress, other),
					Fix:     "choose a SIP address that no user, contact or service uses",
				})
			}
		},
	}, {
		ID:       "lync-sip-address-domain",
		Severity: Error,
		Summary:  "an endpoint's SIP domain is not one of the Lync SIP domains",
		Doc: `Lync only owns addresses in its SIP domains. An endpoint in any other domain
cannot be created, and no RMX Server Domain Name can make it work.

Fix: use one of the topology's SIP domains (Get-CsSipDomain), the one the RMX
has as Server Domain Name.`,
		Source: srcNewLync,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.TrustedApplicationEndpoints {
				e := &t.TrustedApplicationEndpoints[i]
				if !p.Topology.IsSIPDomain(e.SIPAddress.Domain()) {
					p.Report(Finding{
						Object:  endpointObject(e),
						Field:   endpointPath(i, ".sipAddress"),
						Message: fmt.Sprintf("endpoint %s is in domain %s, which is not a Lync SIP domain (%s)", e.SIPAddress, e.SIPAddress.Domain(), joinFQDNs(t.SIPDomains)),
						Fix:     "give the endpoint an address in one of the SIP domains",
					})
				}
			}
		},
	}, {
		ID:       "lync-gruu-missing",
		Severity: Error,
		Summary:  "a trusted application that RPP relies on has no Service GRUU (not published)",
		Doc: `Lync assigns a pool's Service GRUU when a trusted application is added and the
topology enabled; nobody can type one in. An application without one was never
published, and there is nothing to paste into the RMX flag or the DMA peer.

Fix: run Enable-CsTopology, then read the value with
Get-CsTrustedApplication | fl ServiceGruu.`,
		Source:   srcNewLync,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, i := range p.facts.rppApplications() {
				a := &t.TrustedApplications[i]
				if a.ServiceGRUU == "" {
					p.Report(Finding{
						Object:  appObject(a),
						Field:   appPath(i, ".serviceGruu"),
						Message: fmt.Sprintf("trusted application %s of pool %s has no Service GRUU", a.ApplicationID.Bare(), a.Pool),
						Fix:     "Enable-CsTopology; then Get-CsTrustedApplication | fl ServiceGruu",
					})
				}
			}
		},
	}, {
		ID:       "lync-gruu-malformed",
		Severity: Error,
		Summary:  "a Service GRUU is not a service GRUU of its pool and application",
		Doc: `A Service GRUU has the form sip:POOL-FQDN@SIP-DOMAIN;gruu;opaque=srvr:APPID:TOKEN
(the two parameters in either order): the user part is the FQDN of the
application's pool, the gruu parameter has no value, and opaque holds the bare
application ID and a base64url token. A value without those parts was
mistyped or cut short when copied; one naming another pool or application was
copied from the wrong line of Get-CsTrustedApplication's output.

Symptom: whatever carries the wrong value (the RMX flag, the DMA peer) fails:
"Service credential denied", RealConnect calls that never cascade.

Fix: copy the value again from Get-CsTrustedApplication | fl ServiceGruu,
whole, from the line of this pool's application.`,
		Source:   srcNewLync,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, i := range p.facts.rppApplications() {
				a := &t.TrustedApplications[i]
				if a.ServiceGRUU == "" {
					continue
				}
				g, err := p.facts.gruu(a.ServiceGRUU)
				if err == nil {
					err = g.BelongsTo(a.Pool, a.ApplicationID)
				}
				var ge *lync.GRUUError
				if errors.As(err, &ge) {
					p.Report(Finding{
						Object:  appObject(a),
						Field:   appPath(i, ".serviceGruu"),
						Message: fmt.Sprintf("Service GRUU of application %s in pool %s: %s: %s", a.ApplicationID.Bare(), a.Pool, ge.Part, ge.Reason),
						Fix:     "copy the value again, whole, from Get-CsTrustedApplication | fl ServiceGruu",
					})
				}
			}
		},
	}, {
		ID:       "lync-static-route-unneeded",
		Severity: Warning,
		Summary:  "RealConnect-only, yet a static route or matching URI targets an RPP computer",
		Doc: `With RealConnect, Lync clients only ever join the meeting on the Lync AV MCU;
the RMX cascades into it. No Lync request needs to reach the RMX or the DMA, so
a static route and matching URI for them are leftovers of the traditional
workflow, and they still send any matching call straight to the RPP systems.

Fix: if no Lync client should call the RMX or DMA directly, remove the route
(Set-CsStaticRoutingConfiguration -Route @{Remove=$route}); keep it, and add
traditional to the workflows, if they should.`,
		Source: srcRoutes,
		Run: func(p *Pass) {
			rpp := &p.Deployment.RPP
			if !rpp.Has(RealConnect) || rpp.Has(Traditional) {
				return
			}
			for i := range p.Deployment.Lync.StaticRoutes {
				r := &p.Deployment.Lync.StaticRoutes[i]
				if _, ok := p.facts.rppTarget(r.Destination); ok {
					p.Report(Finding{
						Object:  routeObject(r),
						Field:   routePath(i, ".destination"),
						Message: fmt.Sprintf("static route to %s (matching %s) is not needed for a RealConnect-only deployment", r.Destination, orDefault(r.MatchURI, "any URI")),
						Fix:     "remove the route, or add traditional to rpp.workflows if Lync clients should call the RPP systems directly",
					})
				}
			}
		},
	}, {
		ID:       "lync-static-route-missing",
		Severity: Error,
		Summary:  "traditional workflow, but no static route points at the DMA/RMX",
		Doc: `In the traditional workflow Lync clients call the RMX or DMA directly, at an
address in a domain Lync does not own (such as vmr.contoso.com). Lync only
sends such requests to a trusted application through a static route whose
matching URI covers that domain.

Symptom: Lync clients calling a VMR get "cannot find" or 404 errors.

Fix: $r = New-CsStaticRoute -TLSRoute -Destination DMA-FQDN -Port 5061
-MatchUri VMR-DOMAIN -UseDefaultCertificate $true; Set-CsStaticRoutingConfiguration
-Identity global -Route @{Add=$r}.`,
		Source: srcRoutes,
		Run: func(p *Pass) {
			d := p.Deployment
			if !d.RPP.Has(Traditional) {
				return
			}
			for _, r := range d.Lync.StaticRoutes {
				if _, ok := p.facts.rppTarget(r.Destination); ok {
					return
				}
			}
			dest := "DMA-FQDN"
			if len(d.RPP.DMA) > 0 {
				dest = string(d.RPP.DMA[0].FQDN)
			} else if len(d.RPP.RMX) > 0 {
				dest = string(d.RPP.RMX[0].FQDN)
			}
			p.Report(Finding{
				Object:  "lync/staticRoutes",
				Field:   "lync.staticRoutes",
				Message: "the traditional workflow is in use, but no static route points at a DMA, an RMX or their pool",
				Fix:     fmt.Sprintf("New-CsStaticRoute -TLSRoute -Destination %s -Port 5061 -MatchUri VMR-DOMAIN, added with Set-CsStaticRoutingConfiguration", dest),
			})
		},
	}, {
		ID:       "lync-static-route-port",
		Severity: Error,
		Summary:  "a static route's port is not its destination's trusted application port",
		Doc: `Lync opens the static route's connection to the destination on the route's
port, and the RPP system listens for Lync on the port of its trusted
application. If they differ, the connection is refused or reaches the wrong
listener.

Fix: recreate the route with -Port set to the trusted application's port.`,
		Source: srcRoutes,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.StaticRoutes {
				r := &t.StaticRoutes[i]
				pool, ok := p.facts.rppTarget(r.Destination)
				if !ok {
					continue
				}
				var ports []string
				match := false
				for _, a := range p.Topology.Applications(t.TrustedApplicationPools[pool].FQDN) {
					if port := t.TrustedApplications[a].Port; port != 0 {
						ports = append(ports, fmt.Sprint(port))
						match = match || port == r.Port
					}
				}
				if match || len(ports) == 0 {
					continue
				}
				uses := fmt.Sprintf("uses port %d", r.Port)
				if r.Port == 0 {
					uses = "has no port"
				}
				f := Finding{
					Object:  routeObject(r),
					Field:   routePath(i, ".port"),
					Message: fmt.Sprintf("static route to %s %s, but the trusted application of pool %s listens on %s", r.Destination, uses, t.TrustedApplicationPools[pool].FQDN, strings.Join(ports, ", ")),
					Fix:     "recreate the route with -Port " + ports[0],
				}
				if len(ports) == 1 {
					f.Fixes = fixTo(ports[0])
				}
				p.Report(f)
			}
		},
	}, {
		ID:       "lync-static-route-ip",
		Severity: Error,
		Summary:  "a TLS static route's destination is an IP address",
		Doc: `A TLS static route validates the destination's certificate against the
destination name. Certificates name FQDNs, not IP addresses, so a route to an
IP address never establishes trust.

Fix: recreate the route with the FQDN of the DMA or RMX as -Destination.`,
		Source: srcShell,
		Run: func(p *Pass) {
			for i := range p.Deployment.Lync.StaticRoutes {
				r := &p.Deployment.Lync.StaticRoutes[i]
				if r.Transport != lync.TCP && r.Destination.IsIP() {
					p.Report(Finding{
						Object:  routeObject(r),
						Field:   routePath(i, ".destination"),
						Message: fmt.Sprintf("TLS static route to the IP address %s; a TLS route needs an FQDN", r.Destination),
						Fix:     "recreate the route with the destination's FQDN",
					})
				}
			}
		},
	}, {
		ID:       "lync-static-route-cert",
		Severity: Error,
		Summary:  "a TLS static route names its destination by an FQDN the destination's certificate does not name",
		Doc: `Lync opens a TLS static route's connection to the route's destination and
checks the certificate the far end presents against that name, as any TLS
client does. A route to the FQDN of a multiple-computer pool reaches a
computer whose certificate names only its own FQDN: Lync refuses the
connection. The rule fires when no certificate of the pool's systems names
the route's destination. (A route to a computer's own FQDN whose certificate
lacks it is cert-san-missing.)

Symptom: Lync clients calling a VMR over the route fail; the Lync server logs
a certificate name mismatch for the destination.

Fix: route to a name every destination computer's certificate carries in its
SAN list, or issue certificates whose SAN lists also name the route's
destination.`,
		Source: srcRoutes,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.StaticRoutes {
				r := &t.StaticRoutes[i]
				// A route to a computer reaches that computer, whose own
				// name is cert-san-missing's business; a route to a pool
				// FQDN reaches every computer of the pool.
				if r.Transport == lync.TCP || r.Destination.IsIP() || p.Topology.PoolOf(r.Destination) >= 0 {
					continue
				}
				pool, ok := p.facts.rppTarget(r.Destination)
				if !ok {
					continue
				}
				// Which computers the pool FQDN resolves to is DNS's
				// business; a system named by it, or whose certificate
				// names it, is taken to be where the route leads.
				reached := func(c *component) bool {
					return c.fqdn.Equal(r.Destination) || c.cert != nil && c.cert.SANNames(r.Destination)
				}
				members := p.facts.poolMembers(pool)
				if slices.ContainsFunc(members, reached) {
					continue
				}
				var known []string // the systems whose certificates were looked at
				for _, c := range members {
					if c.cert != nil {
						known = append(known, c.object())
					}
				}
				if len(known) == 0 {
					continue // nothing known to judge by
				}
				p.Report(Finding{
					Object: routeObject(r),
					Field:  routePath(i, ".destination"),
					Message: fmt.Sprintf("TLS static route to %s, the FQDN of pool %s, but no certificate of the pool's systems names it (%s)",
						r.Destination, t.TrustedApplicationPools[pool].FQDN, names(known)),
					Fix: "route to the DMA's own FQDN, or issue the system the route should reach a certificate whose SAN list names " + string(r.Destination),
				})
			}
		},
	}, {
		ID:       "lync-static-route-match-sip-domain",
		Severity: Error,
		Summary:  "a static route's matching URI is one of Lync's own SIP domains",
		Doc: `A static route sends every request whose URI matches its matching URI to the
route's destination. Matching one of Lync's own SIP domains (or, with a
wildcard, a domain that contains one) sends every call to every user of that
domain to the RMX or DMA instead of to the user.

Symptom: Lync users stop receiving calls and IMs from colleagues; calls to
them land on the video bridge.

Fix: match a domain of the video systems' own, which no Lync user has (such
as vmr.contoso.com), and have the DMA answer for it:
$r = New-CsStaticRoute -TLSRoute -Destination DMA-FQDN -Port 5061 -MatchUri
vmr.contoso.com; Set-CsStaticRoutingConfiguration -Identity global
-Route @{Replace=$r}.`,
		Source: srcRoutes,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for i := range t.StaticRoutes {
				r := &t.StaticRoutes[i]
				if d := matchedSIPDomain(r.MatchURI, t.SIPDomains); d != "" {
					p.Report(Finding{
						Object:  routeObject(r),
						Field:   routePath(i, ".matchUri"),
						Message: fmt.Sprintf("static route to %s matches %s, which covers Lync's SIP domain %s: every call to its users would go to the route", r.Destination, r.MatchURI, d),
						Fix:     fmt.Sprintf("match a domain no Lync user has, such as vmr.%s", d),
					})
				}
			}
		},
	}}
}

// matchedSIPDomain returns the SIP domain a static route's matching URI
// covers — as lync.StaticRoute.Matches decides, which the lab's Front Ends
// use to route — or "" when it covers none.
func matchedSIPDomain(matchURI string, domains []lync.FQDN) string {
	r := lync.StaticRoute{MatchURI: matchURI}
	for _, d := range domains {
		if r.Matches(string(d)) {
			return string(d)
		}
	}
	return ""
}

func siteName(s string) string { return orDefault(s, "(none)") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinFQDNs(list []lync.FQDN) string {
	s := make([]string, len(list))
	for i, f := range list {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}
