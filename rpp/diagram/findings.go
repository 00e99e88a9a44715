package diagram

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rpp"
)

// marks are the findings of rpp.Check drawn on the diagram: the rule IDs by
// the node (or static route) they are about, and the worst severity.
type marks struct {
	byNode  map[string]*mark
	byRoute map[int]*mark
	overall *mark // findings about the deployment as a whole (object rpp)
}

type mark struct {
	rules []string
	worst rpp.Severity // Error or Warning; Info findings are not drawn
}

func (m *mark) add(f rpp.Finding) {
	if !slices.Contains(m.rules, f.Rule) {
		m.rules = append(m.rules, f.Rule)
		slices.Sort(m.rules)
	}
	if f.Severity == rpp.Error {
		m.worst = rpp.Error
	} else if m.worst != rpp.Error {
		m.worst = f.Severity
	}
}

// line is what a label says of the findings: the rule IDs, which rpp
// explain takes as they are.
func (m *mark) line() string {
	if m == nil {
		return ""
	}
	return "rpp check: " + strings.Join(m.rules, ", ")
}

// class is the classDef a node with these findings gets.
func (m *mark) class(otherwise string) string {
	switch {
	case m == nil:
		return otherwise
	case m.worst == rpp.Error:
		return "error"
	default:
		return "warning"
	}
}

// fieldOwners maps the first element of a finding's field path to the kind
// of node it belongs to. Applications and endpoints are drawn as part of
// their pool.
var fieldOwners = []struct{ prefix, kind string }{
	{"rpp.rmx[", kindRMX},
	{"rpp.dma[", kindDMA},
	{"lync.frontEndPools[", kindFrontEnd},
	{"lync.edgePools[", kindEdge},
	{"lync.trustedApplicationPools[", kindPool},
	{"lync.trustedApplications[", "application"},
	{"lync.trustedApplicationEndpoints[", "endpoint"},
	{"lync.staticRoutes[", "route"},
}

// checkMarks runs rpp.Check over d and places its error and warning
// findings by the field each names.
func checkMarks(d *rpp.Deployment, x *lync.Index) (*marks, error) {
	rep := rpp.Check(context.Background(), d, rpp.Options{})
	if rep.Err != nil {
		return nil, fmt.Errorf("diagram: checking the deployment: %w", rep.Err)
	}
	m := &marks{byNode: map[string]*mark{}, byRoute: map[int]*mark{}}
	t := &d.Lync
	for _, f := range rep.Findings {
		if f.Severity != rpp.Error && f.Severity != rpp.Warning {
			continue
		}
		kind, i, ok := owner(f.Field)
		var target *mark
		switch {
		case !ok:
			if m.overall == nil {
				m.overall = &mark{}
			}
			target = m.overall
		case kind == "route":
			if m.byRoute[i] == nil {
				m.byRoute[i] = &mark{}
			}
			target = m.byRoute[i]
		default:
			switch {
			case kind == "application" && i < len(t.TrustedApplications):
				kind, i = kindPool, x.Pool(t.TrustedApplications[i].Pool)
			case kind == "endpoint" && i < len(t.TrustedApplicationEndpoints):
				kind, i = kindPool, x.Pool(t.TrustedApplicationEndpoints[i].Pool)
			case kind == "application" || kind == "endpoint":
				i = -1
			}
			if i < 0 { // an application or endpoint of a pool that is not defined
				if m.overall == nil {
					m.overall = &mark{}
				}
				target = m.overall
				break
			}
			id := nodeID(kind, i)
			if m.byNode[id] == nil {
				m.byNode[id] = &mark{}
			}
			target = m.byNode[id]
		}
		target.add(f)
	}
	return m, nil
}

// owner reads the kind and index a field path starts with, such as rmx and
// 3 for rpp.rmx[3].sip.server.
func owner(field string) (string, int, bool) {
	for _, o := range fieldOwners {
		rest, ok := strings.CutPrefix(field, o.prefix)
		if !ok {
			continue
		}
		n, _, ok := strings.Cut(rest, "]")
		if !ok {
			return "", 0, false
		}
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 {
			return "", 0, false
		}
		return o.kind, i, true
	}
	return "", 0, false
}
