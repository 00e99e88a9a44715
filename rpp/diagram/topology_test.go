package diagram_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/diagram"
)

func twoSite(t *testing.T) *rpp.Deployment {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// drawn is a Topology output taken apart: its arrows in order (linkStyle
// counts them so), the red ones, and each node's class.
type drawn struct {
	text    string
	arrows  []string
	red     []string
	classOf map[string]string
}

var (
	arrowLine = regexp.MustCompile(`^    (\w+ (-->|-\.->|---).*)$`)
	classLine = regexp.MustCompile(`^    class ([\w,]+) (\w+)$`)
	redLine   = regexp.MustCompile(`^    linkStyle ([\d,]+) stroke:#c62828`)
)

func draw(t *testing.T, d *rpp.Deployment) drawn {
	t.Helper()
	var b bytes.Buffer
	if err := diagram.Topology(&b, d); err != nil {
		t.Fatal(err)
	}
	g := drawn{text: b.String(), classOf: map[string]string{}}
	var redIdx []string
	for _, l := range strings.Split(b.String(), "\n") {
		if m := arrowLine.FindStringSubmatch(l); m != nil {
			g.arrows = append(g.arrows, m[1])
		}
		if m := classLine.FindStringSubmatch(l); m != nil {
			for _, id := range strings.Split(m[1], ",") {
				g.classOf[id] = m[2]
			}
		}
		if m := redLine.FindStringSubmatch(l); m != nil {
			redIdx = strings.Split(m[1], ",")
		}
	}
	for _, s := range redIdx {
		i, err := strconv.Atoi(s)
		if err != nil || i >= len(g.arrows) {
			t.Fatalf("linkStyle names arrow %s of %d", s, len(g.arrows))
		}
		g.red = append(g.red, g.arrows[i])
	}
	return g
}

func hasFinding(d *rpp.Deployment, rule string) bool {
	for _, f := range rpp.Check(context.Background(), d, rpp.Options{}).Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestTopologyMarksProblems changes the clean two-site example one way at a
// time and asserts the picture shows the problem where it is.
func TestTopologyMarksProblems(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(d *rpp.Deployment)
		rule   string // a finding rpp.Check must report, "" for none
		check  func(t *testing.T, g drawn)
	}{{
		name: "clean",
		check: func(t *testing.T, g drawn) {
			if len(g.red) != 0 || strings.Contains(g.text, "classDef error") || strings.Contains(g.text, "classDef warning") {
				t.Errorf("a clean deployment is drawn with problems:\n%s", g.text)
			}
			for _, a := range []string{`rmx0 -.->|"media relays via"| edge0`, `rmx1 -.->|"media relays via"| edge1`,
				`rmx0 -->|"computer of"| pool0`, `pool1 -->|"registrar"| fe1`, `fe0 -->|"A/V Edge"| edge0`,
				`rmx1 -->|"SIP server"| fe1`, `dma0 -->|"Lync peer fe-east"| fe0`} {
				if !slices.Contains(g.arrows, a) {
					t.Errorf("no arrow %s", a)
				}
			}
		},
	}, {
		// rmx-west in the East pool relays through the East Edge though
		// West has its own: rule edge-remote.
		name: "edge-remote",
		change: func(d *rpp.Deployment) {
			p := &d.Lync.TrustedApplicationPools
			(*p)[0].Computers = append((*p)[0].Computers, (*p)[1].Computers[1])
			(*p)[1].Computers = (*p)[1].Computers[:1]
		},
		rule: "edge-remote",
		check: func(t *testing.T, g drawn) {
			relay := `rmx1 -.->|"media relays via"| edge0`
			if !slices.Contains(g.red, relay) {
				t.Errorf("the relay through the other site's Edge is not red; red: %q", g.red)
			}
			// Moving it also breaks its ICE identity (errors), so it is
			// red or amber, and the rule IDs name edge-remote.
			if g.classOf["rmx1"] == "rpp" || !strings.Contains(g.text, "edge-remote") {
				t.Errorf("rmx1 is not marked with edge-remote (class %q)", g.classOf["rmx1"])
			}
			if g.classOf["rmx0"] != "rpp" {
				t.Errorf("rmx0, which relays through its own Edge, is class %q", g.classOf["rmx0"])
			}
		},
	}, {
		name: "rmx in no pool",
		change: func(d *rpp.Deployment) {
			d.Lync.TrustedApplicationPools[1].Computers = d.Lync.TrustedApplicationPools[1].Computers[:1]
		},
		rule: "rpp-component-not-in-topology",
		check: func(t *testing.T, g drawn) {
			if !slices.Contains(g.red, "rmx1 --- missing0") || !strings.Contains(g.text, `missing0(["no trusted application pool holds rmx-west.contoso.com"])`) {
				t.Errorf("rmx-west is not shown outside every pool:\n%s", g.text)
			}
			if g.classOf["rmx1"] != "error" || g.classOf["missing0"] != "error" {
				t.Errorf("classes: rmx1 %q, missing0 %q", g.classOf["rmx1"], g.classOf["missing0"])
			}
			if slices.ContainsFunc(g.arrows, func(a string) bool { return strings.HasPrefix(a, "rmx1 -.->") }) {
				t.Error("an RMX in no pool is drawn relaying through an Edge")
			}
		},
	}, {
		name: "unknown names",
		change: func(d *rpp.Deployment) {
			d.Lync.FrontEndPools[1].EdgePool = "edge-north.contoso.com"
			d.RPP.RMX[0].SIP.Server = "director.contoso.com"
		},
		rule: "deployment-unknown-reference",
		check: func(t *testing.T, g drawn) {
			for _, want := range []string{`missing0(["edge-north.contoso.com is not in the topology"])`, `fe1 -->|"A/V Edge"| missing0`,
				`missing1(["director.contoso.com is not in the topology"])`, `rmx0 -->|"SIP server"| missing1`} {
				if !strings.Contains(g.text, want) {
					t.Errorf("no %s in\n%s", want, g.text)
				}
			}
		},
	}, {
		// A finding about the deployment as a whole (rpp.workflows) has a
		// node of its own.
		name:   "whole deployment",
		change: func(d *rpp.Deployment) { d.RPP.DMA = nil },
		rule:   "rc-dma-missing",
		check: func(t *testing.T, g drawn) {
			if !strings.Contains(g.text, `deployment["The deployment as a whole<br/>rpp check: rc-dma-missing"]`) || g.classOf["deployment"] != "error" {
				t.Errorf("the deployment's own finding is not drawn:\n%s", g.text)
			}
		},
	}, {
		name: "sites",
		change: func(d *rpp.Deployment) {
			d.Lync.Sites = d.Lync.Sites[:1] // West is named but not declared
			d.RPP.DMA[0].Site = ""
		},
		check: func(t *testing.T, g drawn) {
			for _, want := range []string{`subgraph site0["Site East"]`, `subgraph undeclared0["Site West (not in lync.sites)"]`, `subgraph nosite["No site"]`} {
				if !strings.Contains(g.text, want) {
					t.Errorf("no %s", want)
				}
			}
			// dma0 is in the no-site group, the last one.
			if i, j := strings.Index(g.text, `subgraph nosite`), strings.Index(g.text, `dma0[[`); i < 0 || j < i {
				t.Error("dma-east is not drawn in the no-site group")
			}
		},
	}, {
		name: "static routes and pools",
		change: func(d *rpp.Deployment) {
			d.RPP.Workflows = append(d.RPP.Workflows, rpp.Traditional)
			d.Lync.StaticRoutes = []lync.StaticRoute{
				{Destination: "dma-east.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: "vmr.contoso.com"},
				{Destination: "gw.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: "gw.contoso.com"},
			}
			d.Lync.TrustedApplicationPools[1].Computers = append(d.Lync.TrustedApplicationPools[1].Computers, "recorder.contoso.com")
			d.Lync.TrustedApplications[1].ServiceGRUU = ""
		},
		check: func(t *testing.T, g drawn) {
			for _, want := range []string{`fe0 -->|"static route vmr.contoso.com"| dma0`, `fe1 -->|"static route vmr.contoso.com"| dma0`,
				`route1["Route destination<br/>gw.contoso.com"]`, `fe0 -->|"static route gw.contoso.com`,
				"other computers: recorder.contoso.com", "no Service GRUU", "GRUU srvr:video:Tggd…"} {
				if !strings.Contains(g.text, want) {
					t.Errorf("no %s in\n%s", want, g.text)
				}
			}
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			d := twoSite(t)
			if c.change != nil {
				c.change(d)
			}
			if c.rule != "" && !hasFinding(d, c.rule) {
				t.Fatalf("rpp.Check does not report %s: the change does not make the problem", c.rule)
			}
			c.check(t, draw(t, d))
		})
	}
}

func TestTopologySingleComputerPool(t *testing.T) {
	d := twoSite(t)
	d.Lync.TrustedApplicationPools[0].Computers = nil // the pool FQDN is its one computer
	g := draw(t, d)
	if !strings.Contains(g.text, `rpp-east.contoso.com<br/>single-computer`) || !strings.Contains(g.text, `rpp-west.contoso.com<br/>multiple-computer`) {
		t.Errorf("pool kinds not shown:\n%s", g.text)
	}
}

func TestNoDeployment(t *testing.T) {
	var b bytes.Buffer
	if err := diagram.Topology(&b, nil); !errors.Is(err, rpp.ErrNoDeployment) {
		t.Errorf("Topology(nil) = %v", err)
	}
	if err := diagram.RealConnectFlow(&b, nil); !errors.Is(err, rpp.ErrNoDeployment) {
		t.Errorf("RealConnectFlow(nil) = %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q for no deployment", b.String())
	}
}

// TestInvalidDeployment: a deployment built in code that rpp cannot check
// is refused with rpp's own error, not drawn without its findings.
func TestInvalidDeployment(t *testing.T) {
	d := &rpp.Deployment{}
	err := diagram.Topology(&bytes.Buffer{}, d)
	var de *rpp.DecodeError
	if !errors.As(err, &de) {
		t.Errorf("Topology of an empty deployment = %v, want a *rpp.DecodeError", err)
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteError(t *testing.T) {
	d := twoSite(t)
	if err := diagram.Topology(failingWriter{}, d); !errors.Is(err, errWrite) {
		t.Errorf("Topology = %v, want the writer's error", err)
	}
	if err := diagram.RealConnectFlow(failingWriter{}, d); !errors.Is(err, errWrite) {
		t.Errorf("RealConnectFlow = %v, want the writer's error", err)
	}
}
