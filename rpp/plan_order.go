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
	var verifies []int
	lastPublish := -1
	for i, s := range p.steps {
		deps := map[int]bool{}
		for _, need := range s.needs {
			for j := i - 1; j >= 0; j-- {
				if slices.Contains(p.steps[j].provides, need) {
					deps[p.steps[j].Number] = true
					if need == "publish" || strings.HasPrefix(need, "gruu:") {
						break // the latest one is what counts
					}
				}
			}
		}
		switch {
		case s.Action == ActionPublish:
			// A publish takes effect for every topology change since the
			// previous one.
			for j := lastPublish + 1; j < i; j++ {
				if p.steps[j].NeedsPublish {
					deps[p.steps[j].Number] = true
				}
			}
			lastPublish = i
		case s.stage >= stageRetire:
			// Nothing is retired before what replaces it is verified.
			for _, v := range verifies {
				deps[v] = true
			}
		}
		if s.Action == ActionVerify {
			verifies = append(verifies, s.Number)
		}
		s.DependsOn = make([]int, 0, len(deps))
		for n := range deps {
			s.DependsOn = append(s.DependsOn, n)
		}
		slices.Sort(s.DependsOn)
		for k := range s.Settings {
			if f := s.Settings[k].From; f != nil {
				for j := i - 1; j >= 0; j-- {
					if slices.Contains(p.steps[j].provides, f.key) {
						f.Step = p.steps[j].Number
						s.Settings[k].Value += fmt.Sprintf(" (step %d prints it)", f.Step)
						break
					}
				}
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
			name := fmt.Sprintf("restart %s (step %d)", s.System, s.Number)
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
