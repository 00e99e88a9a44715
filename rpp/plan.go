package rpp

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// A Runbook is what Plan returns: the ordered steps that take the systems
// from the current configuration to the desired one, with the outage
// windows they open and what the plan had to correct in the desired
// deployment to make it work.
type Runbook struct {
	// Steps are in the order to carry them out; Step.Number is the index
	// plus one.
	Steps []Step `json:"steps"`
	// Windows are the stretches of the plan during which a system is out
	// of service: from the step that takes its configuration away to the
	// step that restores it.
	Windows []Window `json:"windows"`
	// Corrections are what the plan changed in the desired deployment
	// before planning, because the deployment as written would not work:
	// each rule's mechanical fix, and what the guidance derives (an
	// endpoint for an RMX on the new ICE method, an application for a pool
	// that has none, …).
	Corrections []Correction `json:"corrections"`
	// Notes are what the plan did not plan, and why: differences it leaves
	// to the admin (a Front End pool, a Lync user), warnings the desired
	// deployment still has.
	Notes []string `json:"notes"`
}

// Empty reports whether the plan has nothing to do.
func (r *Runbook) Empty() bool { return len(r.Steps) == 0 }

// Step is one thing an admin does on one system.
type Step struct {
	// Number is the step's place in the plan, from 1.
	Number int `json:"number"`
	// System is where the step is carried out: "lync" (the Lync Server
	// Management Shell), "rmx/NAME" or "dma/NAME".
	System string `json:"system"`
	// Action says what kind of step it is.
	Action Action `json:"action"`
	// Object is what the step acts on, named as findings name objects
	// (lync/pool/FQDN, rmx/NAME, …).
	Object string `json:"object"`
	// Summary says what the step does, in words.
	Summary string `json:"summary"`
	// Command is, for a Lync step, the Management Shell command that
	// carries it out.
	Command string `json:"command,omitempty"`
	// Done is, for a Lync step that creates or removes something, a
	// PowerShell expression that is true once the step has been carried
	// out: the script runs Command only when Done is false, so that it is
	// safe to run twice.
	Done string `json:"done,omitempty"`
	// Settings are, for an RMX or DMA step, the settings to make on the
	// system's web interface, page by page.
	Settings []Setting `json:"settings,omitempty"`
	// DependsOn lists the numbers of the steps that must be carried out
	// first.
	DependsOn []int `json:"dependsOn"`
	// NeedsPublish is true for a topology change, which takes effect only
	// when the topology is published (Enable-CsTopology, a step of its own).
	NeedsPublish bool `json:"needsPublish,omitempty"`
	// Reboots is true when the step restarts the system.
	Reboots bool `json:"reboots,omitempty"`
	// Window names the outage window the step falls in, "" for none.
	Window string `json:"window,omitempty"`
	// Reason names the rule or the migration that calls for the step.
	Reason string `json:"reason,omitempty"`

	stage    stage
	provides []string
	needs    []string
}

// Action is the kind of a step.
type Action string

// The kinds of step.
const (
	ActionCreate  Action = "create"  // a new object
	ActionChange  Action = "change"  // settings of an existing object
	ActionRemove  Action = "remove"  // an object no longer wanted
	ActionPublish Action = "publish" // Enable-CsTopology
	ActionRead    Action = "read"    // read back a value Lync assigns (the Service GRUU)
	ActionReboot  Action = "reboot"  // restart a system
	ActionUpgrade Action = "upgrade" // install another release
	ActionVerify  Action = "verify"  // confirm the change works before going on
)

// Setting is one field of an RMX or DMA web page.
type Setting struct {
	// Page is where the field is, as the system's menus name it.
	Page string `json:"page"`
	// Name is the field's label.
	Name string `json:"name"`
	// Value is the value to set. When From is set, it describes the value
	// instead ("the Service GRUU of …, without sip:").
	Value string `json:"value"`
	// Old is the value the current deployment has, "" when unset or new.
	Old string `json:"old,omitempty"`
	// From is set when the value is known only once an earlier step has
	// read it back from Lync.
	From *ValueFrom `json:"from,omitempty"`
}

// ValueFrom says which earlier step reads back a setting's value, and in
// which form to paste it.
type ValueFrom struct {
	Step int `json:"step"`
	// Form is GRUUWithoutScheme (the RMX flag) or GRUUWithScheme (the DMA).
	Form string `json:"form"`

	key string // what the step provides
}

// The forms a Service GRUU is pasted in.
const (
	GRUUWithoutScheme = "without sip:"
	GRUUWithScheme    = "with sip:"
)

// Window is a stretch of the plan during which systems are out of service.
type Window struct {
	// Name is what the window's steps carry in Step.Window.
	Name string `json:"name"`
	// From and To are the numbers of its first and last steps.
	From int `json:"from"`
	To   int `json:"to"`
	// Systems are the systems out of service, as Step.System names them.
	Systems []string `json:"systems"`
	// Why says what is lost during the window.
	Why string `json:"why"`
}

// Correction is a change the plan made to the desired deployment before
// planning.
type Correction struct {
	// Rule is the ID of the rule whose finding the correction settles.
	Rule string `json:"rule"`
	// Object and Field name what was changed, as findings do.
	Object string `json:"object"`
	Field  string `json:"field"`
	// Message says what was changed.
	Message string `json:"message"`
	// File and Line say where the field (or its nearest enclosing field) is
	// written in the desired deployment file.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// ErrUnplannable is wrapped by the *UnplannableError Plan returns.
var ErrUnplannable = errors.New("the deployment has errors the plan cannot fix")

// UnplannableError lists the findings of the desired deployment that no
// step can settle: a wildcard certificate, a release too old for Skype for
// Business, a static route the traditional workflow needs but whose
// matching URI only the admin knows, ….
type UnplannableError struct {
	Findings []Finding
}

func (e *UnplannableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v (%d):", ErrUnplannable, len(e.Findings))
	for _, f := range e.Findings {
		b.WriteString("\n  ")
		if p := f.Position(); p.IsValid() {
			b.WriteString(p.String() + ": ")
		}
		fmt.Fprintf(&b, "%s: %s: %s", f.Rule, f.Object, f.Message)
		if f.Fix != "" {
			fmt.Fprintf(&b, " (fix: %s)", f.Fix)
		}
	}
	return b.String()
}

func (e *UnplannableError) Unwrap() error { return ErrUnplannable }

// Plan returns the steps that take current to desired: the Lync
// Management Shell commands, then the RMX and DMA settings, in the order
// the guidance gives and with what each step depends on. current may be
// nil for a new integration: the Lync topology's sites, Front End and Edge
// pools and users as desired, and nothing of the integration configured
// yet. Only the difference is planned, so planning a deployment against
// itself yields no steps.
//
// Before planning, Plan checks desired and settles what a plan can: it
// applies each error's mechanical fix, puts an RPP system that no trusted
// application pool holds into its site's pool, gives a pool without an
// application one, gives an RMX on the new ICE method (or on a release that
// needs it) a trusted application endpoint, and never takes a Service GRUU
// from the file for an application it creates: Lync assigns it, so the plan
// reads it back and the RMX and DMA steps paste it from there. What it
// changed is in Runbook.Corrections. An error that none of this settles is
// returned as an *UnplannableError (errors.Is ErrUnplannable) naming each
// finding. A deployment that does not decode or validate is returned as
// Check returns it, and so is ctx.Err() when ctx ends.
func Plan(ctx context.Context, desired, current *Deployment) (*Runbook, error) {
	if desired == nil {
		return nil, ErrNoDeployment
	}
	if current != nil {
		if err := current.checkable(); err != nil {
			return nil, fmt.Errorf("current deployment: %w", err)
		}
	}
	target, corrections, notes, err := settle(ctx, desired)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := newPlanner(target, current)
	p.plan()
	rb := p.runbook()
	rb.Corrections = append([]Correction{}, corrections...) // [] rather than null in JSON
	rb.Notes = append(append([]string{}, notes...), rb.Notes...)
	if rb.Windows == nil {
		rb.Windows = []Window{}
	}
	return rb, nil
}
