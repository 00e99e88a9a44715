package rpp

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/internal/enum"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// Deployment is the whole picture: a Lync or Skype for Business topology and
// the RealPresence Platform systems integrated with it. It is what a
// deployment file describes (see the package documentation); build one in
// code or read one with Load, LoadFS or Decode.
type Deployment struct {
	Lync lync.Topology `yaml:"lync" json:"lync" rpp:"required"`
	RPP  RPP           `yaml:"rpp" json:"rpp" rpp:"required"`
	// DNS is what the internal DNS holds, for rule dns-record-missing and
	// the lab's name resolution; optional, and nil when the file has no
	// dns: section (then no name is judged).
	DNS *DNS `yaml:"dns,omitempty" json:"dns,omitempty"`

	// src remembers where each field came from; nil for a Deployment built
	// in code.
	src *source
}

// checkable returns why Check cannot judge d: a Deployment built in code
// goes through Validate, the decoder's own checks; one the decoder made
// passed them already (Set keeps it that way; change its fields directly
// and call Validate yourself).
func (d *Deployment) checkable() error {
	if d.src != nil {
		return nil
	}
	return d.Validate()
}

// RPP lists the RealPresence Platform systems and the workflows in use.
type RPP struct {
	// Workflows says how Lync users meet standards-based endpoints:
	// realconnect, traditional, or both.
	Workflows []Workflow   `yaml:"workflows" json:"workflows" rpp:"required"`
	RMX       []rmx.System `yaml:"rmx" json:"rmx"`
	DMA       []dma.System `yaml:"dma" json:"dma"`
}

// Has reports whether workflow w is in use.
func (r *RPP) Has(w Workflow) bool {
	for _, x := range r.Workflows {
		if x == w {
			return true
		}
	}
	return false
}

// Workflow is a way Lync users and standards-based endpoints meet.
type Workflow string

const (
	// RealConnect cascades the RMX into the meeting on the Lync AV MCU; Lync
	// clients only ever join the AV MCU.
	RealConnect Workflow = "realconnect"
	// Traditional lands Lync clients directly on the RMX or DMA, which needs
	// a static route.
	Traditional Workflow = "traditional"
)

// ErrUnknownWorkflow is wrapped by the errors Workflow.UnmarshalText returns.
var ErrUnknownWorkflow = errors.New("unknown workflow")

// UnmarshalText implements encoding.TextUnmarshaler for realconnect and
// traditional, in any case.
func (w *Workflow) UnmarshalText(b []byte) (err error) {
	*w, err = enum.Parse(ErrUnknownWorkflow, string(b), RealConnect, Traditional)
	return err
}

// Position is a place in a deployment file. Line and Column count from 1;
// zero means unknown.
type Position struct {
	File   string
	Line   int
	Column int
}

// String returns file:line:column, leaving out what is unknown.
func (p Position) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprint(p.Line)
		if p.Column > 0 {
			s += fmt.Sprintf(":%d", p.Column)
		}
	}
	return s
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }
