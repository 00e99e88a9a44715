package rpp

import (
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// Rules from the field: what admins and Polycom's deployment guides report
// breaking the integration beyond the RPP guidance's own steps. Most judge
// optional fields of the deployment file; when a field is absent the rule
// says nothing, because a value nobody wrote down cannot be judged (and
// silence must not be read as a clean bill for it).

func lyncFieldRules() []*Rule {
	return []*Rule{{
		ID:       "lync-static-route-duplicate-match",
		Severity: Error,
		Summary:  "two static routes have the same matching URI",
		Doc: `A static route sends the requests whose Request-URI is in its matching domain
(-MatchUri) to its destination. Two routes with the same matching URI (which
Lync compares without regard to case) cannot both apply: Lync uses one, and
the other never takes a call. Which one wins is not something to rely on, so
the calls meant for the second destination (a second DMA, an RMX) go to the
first, or the route left over from an old design takes the calls the new one
was made for.

Symptom: calls to the meeting room domain reach the wrong system, or stop
reaching the one the newer route names; removing the "wrong" route fixes it.

Fix: keep one route per matching URI: remove the route to the system that no
longer takes those calls (Remove-CsStaticRoute from the global static routing
configuration), or give the second route the domain it was meant for.`,
		Source: srcRouteMatch,
		Run: func(p *Pass) {
			first := map[string]int{}
			for i := range p.Deployment.Lync.StaticRoutes {
				r := &p.Deployment.Lync.StaticRoutes[i]
				key := matchKey(r.MatchURI)
				if key == "" {
					continue
				}
				k, seen := first[key]
				if !seen {
					first[key] = i
					continue
				}
				other := &p.Deployment.Lync.StaticRoutes[k]
				p.Report(Finding{
					Object: routeObject(r),
					Field:  routePath(i, ".matchUri"),
					Message: fmt.Sprintf("the static route to %s matches %s, as the route to %s (lync.staticRoutes[%d]) does; Lync applies only one of them",
						r.Destination, strings.TrimSpace(r.MatchURI), other.Destination, k),
					Fix: fmt.Sprintf("remove one of the two routes for %s, or change this one's matching URI to the domain it is meant for", strings.TrimSpace(r.MatchURI)),
				})
			}
		},
	}}
}

// matchKey is a static route's matching URI as Lync compares it: without
// a sip: an admin wrote in front, blanks, a trailing dot or case; "" for
// none.
func matchKey(m string) string {
	m = strings.TrimSpace(m)
	if lync.HasSIPScheme(m) {
		m = m[len("sip:"):]
	}
	return strings.ToLower(strings.TrimSuffix(m, "."))
}

// yesNoFlag describes a YES/NO RMX flag rule: the flag, the value Lync needs,
// and when the rule applies to an RMX at all.
type yesNoFlag struct {
	flag string
	want bool // the value Lync needs: true for YES
	// absentIs is the flag's default, what the RMX does when the flag is
	// not in the file.
	absentIs bool
	need     string // why the value is wrong, for the message
	fix      string
	// applies says whether the flag matters for the RMX at index i (nil:
	// always); it returns the reason it matters, for the message.
	applies func(p *Pass, i int, r *rmx.System) (why string, ok bool)
}

// run reports each RMX whose flag is known (set to YES or NO, or absent
// with a default) and is not want. A value other than YES or NO is not
// judged: the rule cannot tell what the RMX makes of it.
func (y yesNoFlag) run(p *Pass) {
	p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
		why := ""
		if y.applies != nil {
			w, ok := y.applies(p, i, r)
			if !ok {
				return
			}
			why = w
		}
		value, set := r.Flags.Lookup(y.flag)
		yes, known := r.Flags.YesNo(y.flag)
		var msg string
		switch {
		case !set:
			yes = y.absentIs
			msg = fmt.Sprintf("%s leaves %s unset, so it is %s; %s", r.Name, y.flag, yesNo(yes), y.need)
		case !known:
			return
		default:
			msg = fmt.Sprintf("%s has %s = %s; %s", r.Name, r.Flags.KeyOf(y.flag), value, y.need)
		}
		if yes == y.want {
			return
		}
		if why != "" {
			msg += " (" + why + ")"
		}
		p.Report(Finding{
			Object:  object,
			Field:   rmxPath(i, ".flags."+r.Flags.KeyOf(y.flag)),
			Message: msg,
			Fix:     y.fix,
			Fixes:   fixTo(yesNo(y.want)),
		})
	})
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

func rmxFlagRules() []*Rule {
	return []*Rule{{
		ID:       "rmx-flag-free-video-resources",
		Severity: Warning,
		Summary:  "an RMX has SIP_FREE_VIDEO_RESOURCES set to something other than NO",
		Doc: `With SIP_FREE_VIDEO_RESOURCES = YES the RMX frees a participant's video
resources as soon as its call becomes audio-only, and gives no guarantee they
are there when the participant adds video again. Lync clients change their
media in the middle of calls (escalation, hold, the cascade's renegotiation),
so Polycom requires NO in Microsoft environments, which is also the flag's
default there. It is a warning: calls connect, and lose their video only when
they pass through audio-only.

Symptom: a Lync participant who went audio-only, or held and resumed, comes
back without video; the RMX shows the participant as audio-only.

Fix: set SIP_FREE_VIDEO_RESOURCES to NO (Setup > System Configuration,
MCMS_PARAMETERS_USER), or delete the flag to get the default, and reset the
RMX when it asks.`,
		Source: srcRMXFlags,
		Run: yesNoFlag{
			flag: rmx.FlagFreeVideoResources, want: false, absentIs: false,
			need: "with Lync it must be NO",
			fix:  "set SIP_FREE_VIDEO_RESOURCES to NO",
		}.run,
	}, {
		ID:       "rmx-flag-srtp-mki-off",
		Severity: Error,
		Summary:  "an RMX has SEND_SRTP_MKI set to NO",
		Doc: `Lync and Skype for Business encrypt media with SRTP and a master key
identifier (MKI) in every packet. SEND_SRTP_MKI = NO makes the RMX leave the
MKI out of the SRTP it sends, which is meant for endpoints that cannot handle
it (some SIP softphones and desk phones); Lync clients and the AV MCU then
cannot decrypt the RMX's media. Polycom's flag reference says the flag must
stay YES, its default, when Lync clients are used.

Symptom: Lync calls and the RealConnect cascade connect, but the Lync side
receives no audio or video from the RMX.

Fix: set SEND_SRTP_MKI to YES, or delete the flag to get the default; if
another endpoint needs NO, give it its own RMX or Network Service.`,
		Source: srcRMXFlags,
		Run: yesNoFlag{
			flag: rmx.FlagSendSRTPMKI, want: true, absentIs: true,
			need: "Lync needs the MKI in SRTP",
			fix:  "set SEND_SRTP_MKI to YES",
		}.run,
	}, {
		ID:       "rmx-flag-keep-alive-off",
		Severity: Warning,
		Summary:  "MS_KEEP_ALIVE_ENABLE is off on an RMX whose SIP server is a load-balanced Front End pool",
		Doc: `When the RMX's SIP server is a Front End pool with several servers, the pool's
FQDN stands for more than one address, and a connection the RMX opened can be
closed or moved by the pool's load balancing. MS_KEEP_ALIVE_ENABLE = YES makes
the RMX keep its connection to the pool alive so that participants stay
connected for the whole conference; the flag's default is NO. The rule judges
only RMXs whose SIP server is a Front End pool whose servers the deployment
file lists (lync.frontEndPools[].computers): with the list absent it cannot
tell whether the pool is load-balanced, and says nothing. It is a warning: the
failure shows only in long conferences.

Symptom: endpoints (HDX among them) drop out of conferences after a while;
short calls work.

Fix: set MS_KEEP_ALIVE_ENABLE to YES (Setup > System Configuration) and reset
the RMX when it asks.`,
		Source: srcRMXFlags,
		Run: yesNoFlag{
			flag: rmx.FlagMSKeepAlive, want: true, absentIs: false,
			need: "it must be YES towards a load-balanced pool",
			fix:  "set MS_KEEP_ALIVE_ENABLE to YES",
			applies: func(p *Pass, i int, r *rmx.System) (string, bool) {
				fe := p.Topology.FrontEndPool(r.SIP.Server)
				if fe < 0 {
					return "", false
				}
				pool := &p.Deployment.Lync.FrontEndPools[fe]
				if balanced, known := pool.LoadBalanced(); !known || !balanced {
					return "", false
				}
				return fmt.Sprintf("its SIP server %s is a load-balanced pool of %d Front End servers", pool.FQDN, len(pool.Computers)), true
			},
		}.run,
	}, {
		ID:       "rmx-cascade-rate",
		Severity: Warning,
		Summary:  "a conference profile's line rate is under 256 kbps in a RealConnect deployment",
		Doc: `In RealConnect the RMX cascades its conference into the meeting on the Lync AV
MCU at the line rate of the conference profile. Below 256 kbps the AV MCU
sends no video over the cascade link: the standards endpoints see the Lync
participants' audio only, though the Lync side may still see theirs. The rule
judges the profiles whose line rate the deployment file gives
(rpp.rmx[].conferenceProfiles[].lineRate, in kbps) and says nothing of the
others.

Symptom: RealConnect conferences connect, but no video arrives from the AV MCU
(the Lync participants' video is missing on the room systems).

Fix: raise the profile's line rate to 256 kbps or more (the profiles the DMA's
RealConnect conference templates use, at least).`,
		Source: srcCascadeRate,
		Run: func(p *Pass) {
			if !p.Deployment.RPP.Has(RealConnect) {
				return
			}
			p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
				for j, prof := range r.ConferenceProfiles {
					if prof.LineRate == 0 || prof.LineRate >= rmx.MinCascadeRate {
						continue
					}
					p.Report(Finding{
						Object:  object,
						Field:   rmxPath(i, fmt.Sprintf(".conferenceProfiles[%d].lineRate", j)),
						Message: fmt.Sprintf("%s's conference profile %s runs at %d kbps; the AV MCU sends no video over a cascade under %d kbps", r.Name, prof.Name, prof.LineRate, rmx.MinCascadeRate),
						Fix:     fmt.Sprintf("raise the profile's line rate to %d kbps or more", rmx.MinCascadeRate),
						Fixes:   fixTo(fmt.Sprint(int(rmx.MinCascadeRate))),
					})
				}
			})
		},
	}}
}

func dmaFieldRules() []*Rule {
	return []*Rule{{
		ID:       "dma-peer-type",
		Severity: Error,
		Summary:  "a DMA's Lync peer is not of type Microsoft, or not on port 5061",
		Doc: `The external SIP peer that stands for a Lync Front End pool must be of Type
Microsoft: that type adds the peer's domain to its domain list, selects the
settings Lync needs, and is what makes the peer available to the Resolve to
Lync conference ID dial rule at all (Other peers are not listed there). The
Front End pool takes the DMA's SIP over mutual TLS on 5061; the peer's Port
field defaults to 5060, which the pool does not serve.

The rule judges the peer's type and port only when the deployment file gives
them (rpp.dma[].lyncPeers[].type and .port); absent, they are not judged.

Symptom: RealConnect calls are not resolved (the Lync peer is missing from the
dial rule's list of SIP peers), or calls to Lync fail to connect.

Fix: Network > External SIP Peers > the Lync peer: set Type to Microsoft and
Port to 5061 (Transport TLS).`,
		Source: srcDMAPeer,
		Run: func(p *Pass) {
			p.eachPeer(func(i, j int, s *dma.System, peer *dma.LyncPeer, object string) {
				if peer.Type != "" && peer.Type != dma.PeerMicrosoft {
					p.Report(Finding{
						Object:  object,
						Field:   dmaPath(i, fmt.Sprintf(".lyncPeers[%d].type", j)),
						Message: fmt.Sprintf("%s's Lync peer %s is of type %s; a Lync Front End pool's peer must be Microsoft", s.Name, peer.Name, peer.Type),
						Fix:     "set the peer's Type to Microsoft",
						Fixes:   fixTo(string(dma.PeerMicrosoft)),
					})
				}
				if peer.Port != 0 && peer.Port != lync.DefaultTLSPort {
					p.Report(Finding{
						Object:  object,
						Field:   dmaPath(i, fmt.Sprintf(".lyncPeers[%d].port", j)),
						Message: fmt.Sprintf("%s's Lync peer %s uses port %d; the Front End pool takes SIP over TLS on %d", s.Name, peer.Name, peer.Port, lync.DefaultTLSPort),
						Fix:     fmt.Sprintf("set the peer's Port to %d", lync.DefaultTLSPort),
						Fixes:   fixTo(fmt.Sprint(int(lync.DefaultTLSPort))),
					})
				}
			})
		},
	}, {
		ID:       "dma-dial-rule-order",
		Severity: Error,
		Summary:  "a DMA's Resolve to Lync conference ID dial rule comes after a Resolve to external SIP peer rule",
		Doc: `The DMA tries its dial rules in order. A Resolve to external SIP peer rule
takes any dial string its peers might serve, and when it does not route the
call the call is aborted: no later rule is tried. A Resolve to Lync conference
ID rule below it therefore never sees the numeric conference IDs RealConnect
callers dial; they go out to the SIP peer as plain SIP calls. Polycom
recommends ordering the Lync conference ID rule before any external SIP peer
rule (and no higher than its default place). The rule judges the order only
when the deployment file lists the dial rules (rpp.dma[].dialRules).

Symptom: dialling a Lync conference ID from a room system fails or reaches
nothing; the DMA's call history shows the call sent to the SIP peer, and the
RMX never cascades into the AV MCU.

Fix: Service Config > Dial Plan: move the Resolve to Lync conference ID rule
above every Resolve to external SIP peer rule.`,
		Source: srcDMADialRules,
		Run: func(p *Pass) {
			for i := range p.Deployment.RPP.DMA {
				s := &p.Deployment.RPP.DMA[i]
				peerRule := -1
				for j, rule := range s.DialRules {
					switch rule.Action {
					case dma.ActionExternalSIPPeer:
						if peerRule < 0 {
							peerRule = j
						}
					case dma.ActionLyncConferenceID:
						if peerRule < 0 {
							continue
						}
						p.Report(Finding{
							Object: "dma/" + s.Name,
							Field:  dmaPath(i, fmt.Sprintf(".dialRules[%d].action", j)),
							Message: fmt.Sprintf("%s's dial rule %s (Resolve to Lync conference ID) comes after %s (Resolve to external SIP peer), which stops the dial plan first",
								s.Name, rule.Name, s.DialRules[peerRule].Name),
							Fix: fmt.Sprintf("move the dial rule %s above %s", rule.Name, s.DialRules[peerRule].Name),
						})
					}
				}
			}
		},
	}, {
		ID:       "dma-template-avc-only",
		Severity: Error,
		Summary:  "a DMA's RealConnect conference template is not AVC only",
		Doc: `The conference template the Resolve to Lync conference ID dial rule starts
RealConnect conferences with must have a Conference mode of AVC only. The RMX
cascades into the Lync AV MCU as an AVC (transcoded) participant; an SVC or
mixed AVC and SVC template cannot carry the cascade, and Polycom's DMA guide
says the conference will not start. This is an error, not a warning: every
RealConnect call with that template fails, not only some.

The rule judges the templates the deployment file marks as RealConnect's
(rpp.dma[].conferenceTemplates[] with realConnect: true) whose mode it gives.

Symptom: room systems dial a Lync conference ID and the call fails; the
conference never starts on the RMX, and there is no cascade into the AV MCU.

Fix: Conference Manager > Conference Templates > the RealConnect template:
set Conference mode to AVC only.`,
		Source: srcDMATemplate,
		Run: func(p *Pass) {
			for i := range p.Deployment.RPP.DMA {
				s := &p.Deployment.RPP.DMA[i]
				for k, t := range s.ConferenceTemplates {
					if !t.RealConnect || t.Mode == "" || t.Mode == dma.ModeAVC {
						continue
					}
					p.Report(Finding{
						Object:  "dma/" + s.Name,
						Field:   dmaPath(i, fmt.Sprintf(".conferenceTemplates[%d].mode", k)),
						Message: fmt.Sprintf("%s's RealConnect conference template %s has Conference mode %s; the cascade to the AV MCU needs AVC only", s.Name, t.Name, t.Mode),
						Fix:     "set the template's Conference mode to AVC only",
						Fixes:   fixTo(string(dma.ModeAVC)),
					})
				}
			}
		},
	}}
}

func certFieldRules() []*Rule {
	return []*Rule{{
		ID:       "cert-eku",
		Severity: Error,
		Summary:  "an RMX or DMA certificate lacks the server or the client authentication EKU",
		Doc: `Lync talks to trusted application computers over mutual TLS: when the Front
End connects to the RMX or DMA, the device's certificate serves as a server
certificate; when the device connects to the Front End, the same certificate
is its client certificate. Lync requires the Server Authentication EKU of
every server certificate, and mutual TLS needs the Client Authentication EKU
on the side that connects. A certificate issued from a web server template
carries serverAuth only, and fails the half of the traffic the device starts.

The rule judges the certificates whose EKU list the deployment file gives
(certificate.eku: [serverAuth, clientAuth]); without the list it says
nothing.

Symptom: the RMX does not register with Lync, or calls work in one direction
only; Lync logs a TLS failure on the connection from the device.

Fix: issue the device a certificate with both Server Authentication and
Client Authentication in its Enhanced Key Usage (a template such as Computer,
or a web server template with Client Authentication added), from the CA Lync
trusts, and install it on the device.`,
		Source:   srcEKU,
		Symptoms: []*rmx.Symptom{rmx.SymptomTLS},
		Run: func(p *Pass) {
			p.eachCertificate(func(c *component) {
				missing, known := c.cert.MissingEKUs()
				if !known || len(missing) == 0 {
					return
				}
				list := make([]string, len(missing))
				for k, e := range missing {
					list[k] = string(e)
				}
				p.Report(Finding{
					Object:  c.object(),
					Field:   c.path() + ".certificate.eku",
					Message: fmt.Sprintf("the certificate of %s lacks the %s EKU; mutual TLS with Lync needs serverAuth and clientAuth", c.object(), strings.Join(list, " and ")),
					Fix:     fmt.Sprintf("issue %s a certificate with both the Server and the Client Authentication EKU", c.fqdn),
				})
			})
		},
	}}
}
