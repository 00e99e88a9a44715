package rpp

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// windowSpec is an outage window before its steps are numbered.
type windowSpec struct {
	name     string
	from, to *Step
	systems  []string
	why      string
}

// runbook orders the steps by stage, numbers them, resolves what each
// depends on and marks the outage windows.
func (p *planner) runbook() *Runbook {
	sort.SliceStable(p.steps, func(i, j int) bool { return p.steps[i].stage < p.steps[j].stage })
	for i, s := range p.steps {
		s.Number = i + 1
	}
	p.gate()
	// Who provides what, in plan order, so that resolving a step's needs
	// costs what it needs, not the length of the plan.
	providers := map[string][]int{}
	for i, s := range p.steps {
		for _, k := range s.provides {
			providers[k] = append(providers[k], i)
		}
	}
	lastPublish := -1
	for i, s := range p.steps {
		var deps []int
		for _, need := range s.needs {
			list := providers[need]
			n := sort.SearchInts(list, i) // the providers before s
			if need == "publish" || strings.HasPrefix(need, "gruu:") {
				// The latest one is what counts.
				if n > 0 {
					deps = append(deps, list[n-1]+1)
				}
				continue
			}
			for _, j := range list[:n] {
				deps = append(deps, j+1)
			}
		}
		if s.Action == ActionPublish {
			// A publish takes effect for every topology change since the
			// previous one.
			for j := lastPublish + 1; j < i; j++ {
				if p.steps[j].NeedsPublish {
					deps = append(deps, j+1)
				}
			}
			lastPublish = i
		}
		slices.Sort(deps)
		s.DependsOn = slices.Compact(deps)
		if s.DependsOn == nil {
			s.DependsOn = []int{}
		}
		for k := range s.Settings {
			f := s.Settings[k].From
			if f == nil {
				continue
			}
			list := providers[f.key]
			if n := sort.SearchInts(list, i); n > 0 {
				f.Step = p.steps[list[n-1]].Number
				s.Settings[k].Value += fmt.Sprintf(" (step %d prints it)", f.Step)
			}
		}
	}
	p.moveWindow()
	rb := &Runbook{Steps: make([]Step, len(p.steps)), Notes: p.notes}
	for _, w := range p.windows {
		win := Window{Name: w.name, From: w.from.Number, To: w.to.Number, Systems: w.systems, Why: w.why}
		for _, s := range p.steps[win.From-1 : win.To] {
			if s.Window == "" {
				s.Window = w.name
			}
		}
		rb.Windows = append(rb.Windows, win)
	}
	for _, s := range p.steps {
		if (s.Action == ActionReboot || s.Action == ActionUpgrade) && s.Window == "" {
			name := fmt.Sprintf("restart %d", s.Number)
			s.Window = name
			rb.Windows = append(rb.Windows, Window{Name: name, From: s.Number, To: s.Number, Systems: []string{s.System},
				Why: "the system restarts: its calls drop until it is back"})
		}
	}
	sort.SliceStable(rb.Windows, func(i, j int) bool { return rb.Windows[i].From < rb.Windows[j].From })
	for i, s := range p.steps {
		rb.Steps[i] = *s
	}
	return rb
}

// gate puts, before the steps that retire what the new configuration
// replaces, one step that waits for every check of the plan: nothing is
// retired before what replaces it is verified, and each retirement depends
// on the gate rather than on every check. With one check, they depend on
// it directly.
func (p *planner) gate() {
	var verifies []string // the first key each check provides
	retire := -1
	for i, s := range p.steps {
		if s.Action == ActionVerify {
			verifies = append(verifies, s.provides[0])
		}
		if s.stage >= stageRetire && retire < 0 {
			retire = i
		}
	}
	switch {
	case retire < 0 || len(verifies) == 0:
		return
	case len(verifies) == 1:
		for _, s := range p.steps[retire:] {
			s.needs = append(s.needs, verifies[0])
		}
		return
	}
	g := &Step{System: "rpp", Object: "rpp", Action: ActionVerify, stage: stageVerify,
		Summary:  "Before retiring anything: every check above has passed",
		needs:    verifies,
		provides: []string{"verified"},
	}
	p.steps = slices.Insert(p.steps, retire, g)
	for i, s := range p.steps {
		s.Number = i + 1
		if s.stage >= stageRetire {
			s.needs = append(s.needs, "verified")
		}
	}
}

// moveWindow marks the window in which computers change trusted
// application pool: from the first step that takes one out of its pool to
// the last step that configures a system with its new pool's GRUU.
func (p *planner) moveWindow() {
	var from, to *Step
	for _, s := range p.steps {
		if s.stage >= stageMoveRemove && s.stage <= stageMoveDevices {
			if from == nil {
				from = s
			}
			to = s
		}
	}
	if from == nil {
		return
	}
	var systems []string
	for _, c := range rppComputers(p.want) {
		if p.moving[c.fqdn.Key()] || p.moved[c.object] {
			systems = append(systems, c.object)
		}
	}
	p.windows = append([]windowSpec{{
		name: "pool-move", from: from, to: to, systems: systems,
		why: "Lync does not trust these systems between leaving their old trusted application pool and joining the new one, and their RMXs have no ICE until they restart with the new pool's Service GRUU: calls through them fail",
	}}, p.windows...)
}
