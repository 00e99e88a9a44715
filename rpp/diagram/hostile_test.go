package diagram_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/diagram"
)

// hostile are names that would break a Mermaid diagram written without
// escaping: a quote that ends a label, the end keyword, an arrow, a
// directive, brackets, a pipe that ends an edge label, a backtick that
// starts a Markdown string, markup, an entity, a statement separator, a
// line break, a right-to-left override, and text from other scripts.
var hostile = []string{
	`rmx"];end;A-->B`,
	`end`,
	`%%{init: {"theme":"dark"}}%%`,
	"[x](y){z}|w|`md`",
	`<img src=x onerror=alert(1)>&amp;#quot;`,
	"two\nlines",
	"Zürich\u202e 東京",
}

// hostileDeployment is the two-site example with the hostile names in
// every free-text field the diagrams show: site names (East is renamed
// throughout, West becomes a site nobody declared), RMX, DMA and Lync peer
// names, the conference profile, a static route's match URI.
func hostileDeployment(t *testing.T) *rpp.Deployment {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	east, west := hostile[0], hostile[1]
	d.Lync.Sites[0].Name = east
	d.Lync.Sites = d.Lync.Sites[:1]
	for _, site := range []*string{&d.Lync.FrontEndPools[0].Site, &d.Lync.EdgePools[0].Site, &d.Lync.TrustedApplicationPools[0].Site, &d.RPP.RMX[0].Site, &d.RPP.DMA[0].Site} {
		*site = east
	}
	for _, site := range []*string{&d.Lync.FrontEndPools[1].Site, &d.Lync.EdgePools[1].Site, &d.Lync.TrustedApplicationPools[1].Site, &d.RPP.RMX[1].Site, &d.RPP.DMA[1].Site} {
		*site = west
	}
	d.RPP.RMX[0].Name = hostile[2]
	d.RPP.RMX[1].Name = hostile[3]
	d.RPP.DMA[0].Name = hostile[4]
	d.RPP.DMA[0].LyncPeers[0].Name = hostile[5]
	d.RPP.DMA[0].RealConnect.DialPrefix = hostile[6]
	d.RPP.RMX[0].ConferenceProfiles[0].Name = hostile[5]
	d.Lync.StaticRoutes = []lync.StaticRoute{
		{Destination: "dma-east.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: hostile[3]},
		{Destination: "gateway.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: hostile[0]},
	}
	return d
}

// statement is every line a diagram may hold; a name that escaped its
// label would make a line match none of them, or match with a label that
// holds a character the escaping must have replaced.
var statement = regexp.MustCompile(`^(flowchart TB|sequenceDiagram|    end|        direction TB|    rect rgb\(\d+, \d+, \d+\)` +
	`|    subgraph \w+\["(?P<l1>[^"]*)"\]` +
	`|        \w+(\[\[|\[|\{\{|\(\[|\()"(?P<l2>[^"]*)"(\]\]|\]|\}\}|\]\)|\))` +
	`|    \w+(\[|\(\[)"(?P<l3>[^"]*)"(\]|\]\))` +
	`|    \w+ (-->|-\.->|---)( \w+|\|"(?P<l4>[^"]*)"\| \w+)` +
	`|    classDef \w+ [\w:#,.\-]+|    class [\w,]+ \w+|    linkStyle [\d,]+ [\w:#,.\-]+` +
	`|    participant \w+ as (?P<l5>.*)` +
	`|    (\w+(->>|-->>|<<->>|-x)\w+|Note over \w+(,\w+)?): (?P<l6>.*))$`)

// unescaped are the characters that must never stand in a label as
// themselves, once the entities and line breaks the code writes are taken
// out.
var entity = regexp.MustCompile(`#(\w+);|<br/>`)

func checkStatements(t *testing.T, name string, out []byte) {
	t.Helper()
	for n, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		m := statement.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s:%d: not a statement the code writes: %q", name, n+1, line)
			continue
		}
		for i, sub := range statement.SubexpNames() {
			if !strings.HasPrefix(sub, "l") || m[i] == "" {
				continue
			}
			if rest := entity.ReplaceAllString(m[i], ""); strings.ContainsAny(rest, "\"#;<>&|`%\n\r\u202e") {
				t.Errorf("%s:%d: label %q holds an unescaped character", name, n+1, m[i])
			}
		}
	}
}

// unescape reads the entities back, as Mermaid does.
func unescape(s string) string {
	return entity.ReplaceAllStringFunc(s, func(e string) string {
		switch e {
		case "<br/>":
			return "\n"
		case "#quot;":
			return `"`
		case "#lt;":
			return "<"
		case "#gt;":
			return ">"
		case "#amp;":
			return "&"
		case "#35;":
			return "#"
		case "#59;":
			return ";"
		case "#124;":
			return "|"
		case "#96;":
			return "`"
		case "#37;":
			return "%"
		}
		return e
	})
}

func TestHostileNames(t *testing.T) {
	d := hostileDeployment(t)
	var top, flow bytes.Buffer
	if err := diagram.Topology(&top, d); err != nil {
		t.Fatal(err)
	}
	if err := diagram.RealConnectFlow(&flow, d); err != nil {
		t.Fatal(err)
	}
	checkStatements(t, "topology", top.Bytes())
	checkStatements(t, "realconnect", flow.Bytes())
	// Every name is still there, readable once Mermaid decodes it (line
	// breaks and format characters shown as escapes).
	shown := func(s string) string {
		return strings.NewReplacer("\n", `\n`, "\u202e", `\u202e`).Replace(s)
	}
	for _, c := range []struct {
		diagram string
		out     []byte
		names   []string
	}{
		{"topology", top.Bytes(), []string{"Site " + hostile[0], "Site " + hostile[1] + " (not in lync.sites)", "RMX " + hostile[2], "RMX " + hostile[3], "DMA " + hostile[4], "Lync peer " + hostile[5], "static route " + hostile[3], "static route " + hostile[0]}},
		{"realconnect", flow.Bytes(), []string{"DMA " + hostile[4], "RMX " + hostile[2], "INVITE sip:" + hostile[6] + "‹conference ID›@", "profile " + hostile[5]}},
	} {
		text := unescape(string(c.out))
		for _, n := range c.names {
			if !strings.Contains(text, shown(n)) {
				t.Errorf("%s: %q is not shown", c.diagram, shown(n))
			}
		}
	}
	if !strings.Contains(unescape(top.String()), "Route destination\ngateway.contoso.com") {
		t.Error("topology: the static route destination outside the deployment has no node")
	}
	// Node IDs are made from kinds and positions only.
	for _, id := range []string{"site0[", "undeclared0[", "rmx0[[", "rmx1[[", "dma0[["} {
		if !strings.Contains(top.String(), id) {
			t.Errorf("topology has no node %s", id)
		}
	}
}
