package diagram

import (
	"errors"
	"fmt"
	"io"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
)

// ErrNoRealConnect is returned (wrapped) by RealConnectFlow when no DMA of
// the deployment has RealConnect on: there is no call to draw.
var ErrNoRealConnect = errors.New("no DMA with RealConnect enabled")

// RealConnectFlow writes a Mermaid sequence diagram of a RealConnect call
// through the first DMA with RealConnect on, with the names d gives: a
// standards-based endpoint dials the DMA with a Lync conference ID; the
// DMA asks the Front End pool of its Lync peer for the meeting (C3P
// getConference to the focus factory, from its Service GRUU); the RMX the
// DMA manages joins the meeting's focus (C3P addUser, Contact the pool's
// Service GRUU), takes relay addresses on its Edge with the MRAS
// credentials it got when it started, and INVITEs the AV MCU with relay
// candidates; media flows through the Edge, and the endpoint's media goes
// to the RMX.
//
// The steps are those of the lab (rmx/rmxtest, dma/dmatest, see
// PROTOCOLS.md §5), including its one lab convention, the getConference
// lookup: the public guides say only that the DMA resolves the conference
// ID with Lync. Where d leaves a link out (no Lync peer, no RMX the DMA
// manages, no Edge, no ICE settings) the diagram says so in a note and
// stops where the real call would.
func RealConnectFlow(w io.Writer, d *rpp.Deployment) error {
	if d == nil {
		return fmt.Errorf("diagram: %w", rpp.ErrNoDeployment)
	}
	di := -1
	for i := range d.RPP.DMA {
		if d.RPP.DMA[i].RealConnect.Enabled {
			di = i
			break
		}
	}
	if di < 0 {
		return fmt.Errorf("diagram: %w", ErrNoRealConnect)
	}
	f := &flow{d: d, x: d.Lync.Index(), s: &d.RPP.DMA[di], p: &textfmt.Printer{W: w}}
	f.draw()
	return f.p.Err()
}

type flow struct {
	d *rpp.Deployment
	x *lync.Index
	s *dma.System
	p *textfmt.Printer
}

// say writes one statement: what the sequence syntax needs (an arrow, a
// Note over …) as is, the text escaped.
func (f *flow) say(syntax string, text ...string) {
	f.p.Printf("    %s: %s\n", syntax, lines(text...))
}

func (f *flow) draw() {
	d, s := f.d, f.s
	// The RMX: the first one the DMA manages.
	var r *rmx.System
	for i := range d.RPP.RMX {
		if s.Manages(d.RPP.RMX[i].Name, d.RPP.RMX[i].Site) {
			r = &d.RPP.RMX[i]
			break
		}
	}
	var peer *dma.LyncPeer
	if len(s.LyncPeers) > 0 {
		peer = &s.LyncPeers[0]
	}
	edge, trusted := -1, false
	if r != nil {
		pool := f.x.PoolFor(r.FQDN)
		edge, trusted = f.x.EdgeFor(pool), pool >= 0
	}

	// The RMX stands next to the DMA and the Front End it talks to most,
	// so that its long messages (Service GRUUs) span one gap, not five.
	f.p.Printf("sequenceDiagram\n")
	f.participant("ep", "Endpoint", "standards-based SIP")
	f.participant("dma", "DMA "+s.Name, string(s.FQDN))
	if r != nil {
		f.participant("rmx", "RMX "+r.Name, string(r.FQDN))
	} else {
		f.participant("rmx", "RMX", "none managed by "+s.Name)
	}
	fe := "Lync Front End"
	if peer != nil {
		fe = "Front End " + string(peer.Address)
	}
	f.participant("fe", fe, "registrar, focus factory")
	f.participant("focus", "Focus", "the meeting's")
	f.participant("avmcu", "AV MCU", "the meeting's")
	if edge >= 0 {
		f.participant("edge", "Edge "+string(d.Lync.EdgePools[edge].FQDN), "MRAS, TURN relay")
	} else {
		f.participant("edge", "Edge", "none for the RMX's pool")
	}

	method := rmx.ICEMethod("")
	if r != nil {
		method = rpp.ICEMethod(d, r)
		f.startup(r, method, edge, trusted)
	}

	dial := s.RealConnect.DialPrefix + "‹conference ID›"
	f.say("ep->>dma", "INVITE sip:"+dial+"@"+string(s.FQDN))
	if peer == nil {
		f.say("Note over dma", s.Name+" has no Lync peer: the conference ID cannot be resolved, the call fails")
		return
	}
	gruu := peer.ServiceGRUU
	ff := "the focus factory"
	if g, err := lync.ParseGRUU(peer.ServiceGRUU); err == nil {
		if app, err := lync.MakeSIPAddress(g.Pool().String(), g.Domain()); err == nil {
			ff = lync.FocusFactoryURI(app)
		}
	}
	if gruu == "" {
		gruu = "(no ServiceGruu set)"
	}
	f.say("dma->>fe", "SERVICE "+ff, "C3P getConference ‹conference ID›, over MTLS", "From:", gruu)
	f.say("fe-->>dma", "200 OK, C3P success: the meeting's focus URI", focusURI("focus"))
	if r == nil {
		f.say("Note over dma", s.Name+" manages no RMX: nothing can cascade into the meeting")
		return
	}
	f.say("dma->>rmx", "start a conference cascaded into the meeting", "AV_MCU_FOCUS_URI = the focus URI")
	if !trusted {
		f.say("Note over rmx", r.Name+" cannot reach Lync: no cascade")
		f.say("dma-->>ep", "503 Service Unavailable (the lab's answer when the MCU cannot join)")
		return
	}
	f.say("rmx->>focus", "INVITE "+focusURI("focus"), "through "+string(r.SIP.Server)+", C3P addUser "+identity(r)+", attendee", "Contact:", contact(r, method))
	f.say("focus-->>rmx", "200 OK, C3P success (conf-uris: the AV MCU URI); ACK")
	switch {
	case method == "":
		f.say("Note over rmx", r.Name+" has no ICE settings: no relay candidates, media cannot reach Lync clients outside")
	case edge < 0:
		f.say("Note over rmx", "no Edge for "+r.Name+"'s pool: no relay candidates, media cannot reach Lync clients outside")
	default:
		f.say("rmx->>edge", "TURN Allocate with the MRAS user name and password")
		f.say("edge-->>rmx", "relay address")
	}
	f.say("rmx->>avmcu", "INVITE "+focusURI("audio-video"), "application/sdp, relay candidates, profile "+profile(r))
	f.say("avmcu-->>rmx", "200 OK with its SDP answer; ACK")
	if edge >= 0 && method != "" {
		f.say("rmx<<->>edge", "ICE checks, then media (the RMX controls)")
		f.say("edge<<->>avmcu", "media relayed")
	} else {
		f.say("rmx<<->>avmcu", "media without a relay")
	}
	f.say("dma-->>ep", "200 OK; ACK")
	f.say("ep<<->>rmx", "media: the endpoint is in the RMX conference, cascaded into the Lync meeting")
}

// startup draws what the RMX does once when it starts, before any call:
// register its ICE identity, learn the MRAS URI by in-band provisioning,
// and get relay credentials from MRAS (PROTOCOLS.md §2, §3) — or be
// refused at the TLS handshake when no pool holds it.
func (f *flow) startup(r *rmx.System, method rmx.ICEMethod, edge int, trusted bool) {
	f.p.Printf("    rect rgb(238, 242, 247)\n")
	f.say("Note over rmx,edge", "When "+r.Name+" starts, before any call")
	if !trusted {
		// Lync trusts only computers of trusted application pools
		// (PROTOCOLS.md §1); lynctest refuses the handshake.
		f.say("rmx-xfe", "MTLS to "+string(r.SIP.Server)+" refused:", string(r.FQDN)+" is in no trusted application pool")
		f.p.Printf("    end\n")
		return
	}
	if method == "" {
		f.say("Note over rmx", r.Name+" has no ICE settings: no MRAS, no relay")
		f.p.Printf("    end\n")
		return
	}
	id := identity(r)
	f.say("rmx->>fe", "REGISTER sip:"+r.SIP.ServerDomainName+" as "+id, "over MTLS to its SIP server "+string(r.SIP.Server))
	f.say("fe-->>rmx", "200 OK")
	f.say("rmx->>fe", "SUBSCRIBE "+id, "Event: vnd-microsoft-provisioning-v2")
	// The MRAS URI names the Edge pool in the topology's first SIP domain,
	// as lynctest makes it (PROTOCOLS.md §2).
	host, domain := "‹edge›", "‹domain›"
	if edge >= 0 {
		host = string(f.d.Lync.EdgePools[edge].FQDN)
	}
	if len(f.d.Lync.SIPDomains) > 0 {
		domain = string(f.d.Lync.SIPDomains[0])
	}
	mras := "sip:" + host + "@" + domain + ";gruu;opaque=srvr:MRAS:‹token›"
	f.say("fe-->>rmx", "200 OK: mrasUri, the Edge's MRAS URI")
	f.say("rmx->>edge", "SERVICE "+mras, "through "+string(r.SIP.Server)+", MRAS credentials for "+id, "Contact:", contact(r, method))
	f.say("edge-->>rmx", "200 OK: TURN user name, password, relay UDP 3478 / TCP 443")
	f.p.Printf("    end\n")
}

// focusURI is the meeting's focus URI, or one of its MCUs' (MS-CONFBAS
// §4.4.7), with what only the meeting knows left as placeholders.
func focusURI(kind string) string {
	return "sip:‹organizer›;gruu;opaque=app:conf:" + kind + ":id:‹id›"
}

// participant declares one participant with a two-line name.
func (f *flow) participant(id, name, detail string) {
	f.p.Printf("    participant %s as %s\n", id, lines(name, detail))
}

// identity is the SIP address of the RMX's ICE identity: Server User Name
// at Server Domain Name (a trusted application endpoint on the new method,
// a Lync user on the legacy one).
func identity(r *rmx.System) string {
	return "sip:" + r.SIP.UserPart() + "@" + r.SIP.ServerDomainName
}

// contact is the Contact the RMX writes: on the new method sip: followed
// by SIP_CONTACT_OVERRIDE_STR as it is set (the pool's Service GRUU, meant
// to be kept there without sip:, so a flag pasted with it shows as the
// sip:sip:… that firmware which does not strip it sends), otherwise its own
// address (as rmx/rmxtest writes them).
func contact(r *rmx.System, m rmx.ICEMethod) string {
	if v, ok := r.Flags.ContactOverride(); ok && m == rmx.ICENew {
		return "sip:" + v
	}
	return "sip:" + r.SIP.UserPart() + "@" + string(r.FQDN) + ":5061;transport=tls"
}

func profile(r *rmx.System) string {
	if len(r.ConferenceProfiles) == 0 {
		return "none (no encryption)"
	}
	p := r.ConferenceProfiles[0]
	return p.Name + " (encryption " + string(p.Encryption) + ")"
}
