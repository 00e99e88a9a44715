package diagram_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/diagram"
	"github.com/rppkit/rppkit/rpp/lab"
)

// message is one arrow of a sequence diagram, its text decoded.
type message struct {
	from, arrow, to string
	lines           []string
}

var messageLine = regexp.MustCompile(`^    (\w+)(->>|-->>|<<->>)(\w+): (.*)$`)

func flowOf(t *testing.T, d *rpp.Deployment) (string, []message) {
	t.Helper()
	var b bytes.Buffer
	if err := diagram.RealConnectFlow(&b, d); err != nil {
		t.Fatal(err)
	}
	var ms []message
	for _, l := range strings.Split(b.String(), "\n") {
		if m := messageLine.FindStringSubmatch(l); m != nil {
			ms = append(ms, message{m[1], m[2], m[3], strings.Split(unescape(m[4]), "\n")})
		}
	}
	return unescape(b.String()), ms
}

// find returns the first message from → to whose first line begins with
// prefix, and whether there is one.
func find(ms []message, from, to, prefix string) (message, bool) {
	for _, m := range ms {
		if m.from == from && m.to == to && strings.HasPrefix(m.lines[0], prefix) {
			return m, true
		}
	}
	return message{}, false
}

func TestRealConnectFlowNames(t *testing.T) {
	d := twoSite(t)
	d.RPP.DMA[0].RealConnect.DialPrefix = "88"
	text, ms := flowOf(t, d)
	for _, c := range []struct{ from, to, prefix, want string }{
		{"ep", "dma", "INVITE sip:88‹conference ID›@dma-east.contoso.com", ""},
		// The focus factory of the DMA peer's Service GRUU, asked from that
		// GRUU with sip:, as the DMA's Lync Integration tab holds it.
		{"dma", "fe", "SERVICE sip:rpp-east.contoso.com@contoso.com;gruu;opaque=app:conf:focusfactory",
			"sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"},
		// The RMX's Contact: sip: and SIP_CONTACT_OVERRIDE_STR, which holds
		// the GRUU without it.
		{"rmx", "focus", "INVITE sip:‹organizer›;gruu;opaque=app:conf:focus:id:", "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"},
		{"rmx", "edge", "SERVICE sip:edge-east.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:", "MRAS credentials for sip:rpp-east@contoso.com"},
		{"rmx", "fe", "REGISTER sip:contoso.com as sip:rpp-east@contoso.com", ""},
		{"rmx", "edge", "TURN Allocate", ""},
		{"rmx", "avmcu", "INVITE sip:‹organizer›;gruu;opaque=app:conf:audio-video:id:", "relay candidates, profile lync-hd (encryption whenAvailable)"},
		{"ep", "rmx", "media", ""},
	} {
		m, ok := find(ms, c.from, c.to, c.prefix)
		if !ok {
			t.Errorf("no %s → %s %q in\n%s", c.from, c.to, c.prefix, text)
			continue
		}
		if c.want != "" && !strings.Contains(strings.Join(m.lines, "\n"), c.want) {
			t.Errorf("%s → %s %q does not say %q: %q", c.from, c.to, c.prefix, c.want, m.lines)
		}
	}
	for _, p := range []string{"participant dma as DMA dma-east", "participant rmx as RMX rmx-east", "participant fe as Front End fe-east.contoso.com",
		"participant edge as Edge edge-east.contoso.com"} {
		if !strings.Contains(text, p) {
			t.Errorf("no %q", p)
		}
	}
}

// TestRealConnectFlowAgreesWithLab brings the two-site example up in the
// lab (rpp/lab: lynctest, rmxtest and dmatest over loopback) and checks
// that every request the DMA and the RMX of the first RealConnect DMA put
// on the wire is drawn, in the same order, by the system that sent it: the
// picture is the lab's call, not a drawing of its own. ACK, BYE and OPTIONS
// are not drawn; the endpoint's INVITE goes to a loopback address in the
// lab; the conference's organizer, ID and MRAS token are the lab's own, so
// they are compared as the diagram's placeholders.
func TestRealConnectFlowAgreesWithLab(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d := twoSite(t)
	res, err := lab.Run(context.Background(), d, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatal("the two-site example does not come up in the lab")
	}
	_, ms := flowOf(t, d)
	who := map[string]string{string(d.RPP.DMA[0].FQDN): "dma", string(d.RPP.RMX[0].FQDN): "rmx"}
	conf := regexp.MustCompile(`sip:[^;]+;gruu;opaque=app:conf:([\w-]+):id:\w+`)
	mras := regexp.MustCompile(`srvr:MRAS:\S+`)
	next, seen := 0, 0
	for _, s := range res.Ladder {
		from, ok := who[s.From]
		if !ok || s.Status != 0 || s.Refused {
			continue
		}
		method, _, _ := strings.Cut(s.Message, " ")
		if method == "ACK" || method == "BYE" || method == "OPTIONS" {
			continue
		}
		want := conf.ReplaceAllString(s.Message, "sip:‹organizer›;gruu;opaque=app:conf:$1:id:‹id›")
		want = mras.ReplaceAllString(want, "srvr:MRAS:‹token›")
		found := false
		for i := next; i < len(ms); i++ {
			if ms[i].from == from && (ms[i].lines[0] == want || strings.HasPrefix(ms[i].lines[0], want+" ")) {
				next, found = i+1, true
				break
			}
		}
		if !found {
			t.Errorf("the lab's %s → %s %q is not drawn (in this order) by %s", s.From, s.To, want, from)
		}
		seen++
	}
	if seen < 5 {
		t.Errorf("only %d requests of the DMA and RMX in the lab's ladder", seen)
	}
}

func TestRealConnectFlowGaps(t *testing.T) {
	for _, c := range []struct {
		name    string
		change  func(d *rpp.Deployment)
		want    []string // text the diagram must hold
		notWant []string
	}{{
		name:    "DMA manages an RMX of another site",
		change:  func(d *rpp.Deployment) { d.RPP.DMA[0].MCUs = []string{"rmx-west"} },
		want:    []string{"participant rmx as RMX rmx-west", "Edge edge-west.contoso.com"},
		notWant: []string{"RMX rmx-east"},
	}, {
		name:    "first DMA without RealConnect",
		change:  func(d *rpp.Deployment) { d.RPP.DMA[0].RealConnect.Enabled = false },
		want:    []string{"participant dma as DMA dma-west", "RMX rmx-west", "opaque=app:conf:focusfactory"},
		notWant: []string{"dma-east"},
	}, {
		name:    "no Lync peer",
		change:  func(d *rpp.Deployment) { d.RPP.DMA[0].LyncPeers = nil },
		want:    []string{"dma-east has no Lync peer: the conference ID cannot be resolved"},
		notWant: []string{"dma->>fe", "dma->>rmx"},
	}, {
		name:    "no RMX",
		change:  func(d *rpp.Deployment) { d.RPP.RMX = nil },
		want:    []string{"dma-east manages no RMX", "participant rmx as RMX<br/>none managed by dma-east"},
		notWant: []string{"rmx->>focus", "rect"},
	}, {
		name:    "no Edge",
		change:  func(d *rpp.Deployment) { d.Lync.FrontEndPools[0].EdgePool = "" },
		want:    []string{"no Edge for rmx-east's pool: no relay candidates", "rmx<<->>avmcu: media without a relay"},
		notWant: []string{"TURN Allocate"},
	}, {
		name: "RMX in no pool",
		change: func(d *rpp.Deployment) {
			d.Lync.TrustedApplicationPools[0].Computers = d.Lync.TrustedApplicationPools[0].Computers[:1]
		},
		want:    []string{"rmx-xfe: MTLS to fe-east.contoso.com refused:<br/>rmx-east.contoso.com is in no trusted application pool", "rmx-east cannot reach Lync: no cascade", "dma-->>ep: 503"},
		notWant: []string{"REGISTER", "rmx->>focus"},
	}, {
		name: "legacy ICE method",
		change: func(d *rpp.Deployment) {
			r := &d.RPP.RMX[0]
			r.Version = rmx.MustParseVersion("8.4.2")
			r.SIP.ICEMethod = rmx.ICELegacy
			r.SIP.ServerUserName = "alice"
		},
		want:    []string{"Contact:<br/>sip:alice@rmx-east.contoso.com:5061#59;transport=tls"},
		notWant: []string{"srvr:video:Tggd9yw0FFyNjnRqleNLwQAA<br/>"},
	}, {
		name:   "no ICE settings",
		change: func(d *rpp.Deployment) { d.RPP.RMX[0].SIP = rmx.SIP{Server: "fe-east.contoso.com"} },
		want:   []string{"rmx-east has no ICE settings: no MRAS, no relay"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			d := twoSite(t)
			c.change(d)
			var b bytes.Buffer
			if err := diagram.RealConnectFlow(&b, d); err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("no %q in\n%s", w, b.String())
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(b.String(), w) {
					t.Errorf("%q in\n%s", w, b.String())
				}
			}
		})
	}
}

func TestRealConnectFlowNoRealConnect(t *testing.T) {
	d, err := rpp.LoadFS(context.Background(), examples.FS, "single-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := diagram.RealConnectFlow(&b, d); !errors.Is(err, diagram.ErrNoRealConnect) {
		t.Errorf("RealConnectFlow of a deployment without RealConnect = %v, want ErrNoRealConnect", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q", b.String())
	}
}
