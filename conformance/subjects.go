package conformance

import (
	"context"
	"slices"
	"strings"
)

// The subjects: one small interface per behaviour, so that a tool implements
// (and is tested on) just what it does, and each has its own typed entry
// point (RunGRUU, EvaluateGRUU, …), so that handing the kit the wrong thing
// is a compile error. Inputs and results are plain strings and structs, the
// same the JSON vectors hold, so that a tool need not use rppkit's types.

// Subject is a tool that implements several behaviours, for Run and
// Evaluate: each non-nil field is tested on its cases, the others are not
// run. A tool that does everything sets every field (Reference.Subject).
type Subject struct {
	// Name names the tool in reports; empty means the Go types of the
	// fields set.
	Name         string
	GRUU         GRUUFormatter
	Release      ReleaseAdvisor
	ICE          ICEDeriver
	Pools        PoolPlanner
	StaticRoutes StaticRouteAdvisor
	Deployment   DeploymentChecker
}

// name is the Name, or the distinct Go types of the behaviours set, so a
// report says what was tested.
func (s *Subject) name() string {
	if s.Name != "" {
		return s.Name
	}
	var types []string
	for _, k := range kinds() {
		if t := k.typeName(s); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	return strings.Join(types, ", ")
}

// GRUUFormatter formats a trusted application pool's Service GRUU for the
// RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:) and for the DMA's
// Lync peer (with sip:), accepting either form as input, and refuses (with an
// error) what is not a service GRUU. Cases: gruu/….
type GRUUFormatter interface {
	RMXForm(serviceGRUU string) (string, error)
	DMAForm(serviceGRUU string) (string, error)
}

// ReleaseAdvisor says what an RMX release supports, and refuses a release
// number that is not one. Cases: release/….
type ReleaseAdvisor interface {
	Release(version string) (Release, error)
}

// Release is what an RMX release supports.
type Release struct {
	// ICEMethods are "legacy" (a Lync user) and "new" (a trusted
	// application endpoint and the Service GRUU), in any order.
	ICEMethods       []string `json:"iceMethods"`
	ICEMandatory     bool     `json:"iceMandatory"`
	SkypeForBusiness bool     `json:"skypeForBusiness"`
}

// ICEDeriver derives an RMX's ICE settings from the trusted application
// endpoint it uses and the trusted application of the endpoint's pool, and
// refuses an endpoint of another pool or application or a Service GRUU that
// is not the application's. Cases: ice-settings/….
type ICEDeriver interface {
	DeriveICE(ICEInput) (ICESettings, error)
}

// ICEInput is a trusted application endpoint and its application, with the
// field names of the deployment file.
type ICEInput struct {
	Endpoint    ICEEndpoint    `json:"endpoint"`
	Application ICEApplication `json:"application"`
}

// ICEEndpoint is the trusted application endpoint an RMX uses for ICE: an
// entry of the deployment file's lync.trustedApplicationEndpoints.
type ICEEndpoint struct {
	SIPAddress    string `json:"sipAddress"`
	ApplicationID string `json:"applicationId"`
	Pool          string `json:"pool"`
}

// ICEApplication is the trusted application of the endpoint's pool: an
// entry of the deployment file's lync.trustedApplications.
type ICEApplication struct {
	ApplicationID string `json:"applicationId"`
	Pool          string `json:"pool"`
	Port          int    `json:"port,omitempty"`
	ServiceGRUU   string `json:"serviceGruu"`
}

// ICESettings are the RMX's ICE settings: ICE environment (none, ms,
// standard), Server User Name, Server Domain Name and the value of
// SIP_CONTACT_OVERRIDE_STR.
type ICESettings struct {
	ICEEnvironment   string `json:"iceEnvironment"`
	ServerUserName   string `json:"serverUserName"`
	ServerDomainName string `json:"serverDomainName"`
	ContactOverride  string `json:"contactOverride"`
}

// PoolPlanner says which trusted application pools a topology's RPP systems
// should sit in: one multiple-computer pool, or one per Edge-paired site.
// Cases: pools/….
type PoolPlanner interface {
	PlanPools(PoolsInput) ([]Pool, error)
}

// PoolsInput is the part of a deployment that decides its pools, with the
// field names of the deployment file.
type PoolsInput struct {
	FrontEndPools []FrontEndPool `json:"frontEndPools"`
	EdgePools     []EdgePool     `json:"edgePools"`
	RMX           []System       `json:"rmx"`
	DMA           []System       `json:"dma"`
}

// FrontEndPool is a Lync Front End pool: where it is and the Edge pool it
// is paired with (none when EdgePool is empty).
type FrontEndPool struct {
	FQDN     string `json:"fqdn"`
	Site     string `json:"site"`
	EdgePool string `json:"edgePool,omitempty"`
}

// EdgePool is a Lync Edge pool and its site.
type EdgePool struct {
	FQDN string `json:"fqdn"`
	Site string `json:"site"`
}

// System is an RMX or a DMA: where it is.
type System struct {
	FQDN string `json:"fqdn"`
	Site string `json:"site"`
}

// Pool is a planned trusted application pool: its registrar (a Front End
// pool) and its computers, in any order.
type Pool struct {
	Registrar string   `json:"registrar"`
	Computers []string `json:"computers"`
}

// StaticRouteAdvisor says whether a set of workflows ("realconnect",
// "traditional") needs a Lync static route to the RPP systems, and refuses a
// workflow it does not know. Cases: static-route/….
type StaticRouteAdvisor interface {
	NeedsStaticRoute(workflows []string) (bool, error)
}

// DeploymentChecker checks a whole deployment, given as a deployment file
// (JSON), and returns the IDs of the rules that fire; it refuses (returns an
// error for) a file that is not a valid deployment. Cases: deployment/….
//
// IDs that are not in rppkit's catalogue are ignored, so a tool may report
// rules of its own. A checker that implements only some of the catalogue
// also implements RuleLister.
type DeploymentChecker interface {
	CheckDeployment(ctx context.Context, deployment []byte) ([]string, error)
}

// RuleLister is implemented by a DeploymentChecker that implements only some
// of the catalogue's rules: cases about other rules are skipped, and only
// the listed rules are compared.
type RuleLister interface {
	Rules() []string
}
