package rpp

import (
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/shell"
	"github.com/rppkit/rppkit/rmx"
)

// stage orders a plan's steps. Steps of one stage keep the order they were
// planned in; the stages follow the guidance and keep service up as long
// as possible: first what disturbs nothing (new objects for computers that
// are not yet anywhere, the RMXs and DMAs that stay where they are), then —
// in one outage window — the computers that move between trusted
// application pools, then checks, upgrades and, last, the retirement of
// what the new configuration replaced.
type stage int

const (
	stagePrepare stage = iota
	stagePreparePublish
	stagePrepareRead
	stageDevices
	stageMoveRemove
	stageMoveRemovePublish
	stageMoveCreate
	stageMovePublish
	stageMoveRead
	stageMoveDevices
	stageVerify
	stageUpgrade
	stageRetire
	stageRetirePublish
)

// publishAfter is the publish stage that follows each stage with topology
// changes, and readAfter the stage that reads back the Service GRUUs of the
// applications a stage creates.
var (
	publishAfter = map[stage]stage{
		stagePrepare:    stagePreparePublish,
		stageMoveRemove: stageMoveRemovePublish,
		stageMoveCreate: stageMovePublish,
		stageRetire:     stageRetirePublish,
	}
	readAfter = map[stage]stage{
		stagePrepare:    stagePrepareRead,
		stageMoveCreate: stageMoveRead,
	}
)

// planner builds the steps from want (the settled desired deployment) and
// have (the current one, or want's Lync base with nothing of the
// integration).
type planner struct {
	want, have *Deployment
	wx, hx     *lync.Index
	steps      []*Step
	notes      []string

	// moving holds the keys of the computers that change trusted
	// application pool (or whose pool is recreated): Lync stops trusting
	// them until they are in their new pool.
	moving map[string]bool
	// poolStage is the stage in which each wanted pool becomes usable
	// (created, or already there: stagePrepare).
	poolStage map[string]stage
	// gruus says, per wanted pool, where its Service GRUU comes from.
	gruus   map[string]*gruuSource
	windows []windowSpec
	// movedEndpoints holds the keys of the endpoints recreated in the
	// window.
	movedEndpoints map[string]bool
	// rppPools holds the keys of the wanted pools that hold an RMX or DMA.
	rppPools           map[string]bool
	haveRMXs, haveDMAs map[string]int
	// moved are the systems (rmx/NAME, dma/NAME) configured inside the
	// pool-move window.
	moved map[string]bool
}

// gruuSource is a pool's Service GRUU: known (from the current
// deployment) or read back by a step.
type gruuSource struct {
	known lync.GRUU
	pool  lync.FQDN
	app   lync.ApplicationID
	read  stage // when not known: the stage of the step that reads it
}

func newPlanner(want, have *Deployment) *planner {
	if have == nil {
		have = baseline(want)
	}
	p := &planner{
		want: want, have: have,
		wx: want.Lync.Index(), hx: have.Lync.Index(),
		moving: map[string]bool{}, poolStage: map[string]stage{},
		gruus: map[string]*gruuSource{}, moved: map[string]bool{},
		movedEndpoints: map[string]bool{}, rppPools: map[string]bool{},
		haveRMXs: byName(have.RPP.RMX, func(s *rmx.System) string { return s.Name }),
		haveDMAs: byName(have.RPP.DMA, func(s *dma.System) string { return s.Name }),
	}
	for _, c := range rppComputers(want) {
		if i := p.wx.PoolOf(c.fqdn); i >= 0 {
			p.rppPools[want.Lync.TrustedApplicationPools[i].FQDN.Key()] = true
		}
	}
	return p
}

// baseline is what a new integration starts from: want's Lync topology
// without anything of the integration (no trusted application pools,
// applications, endpoints or static routes, and no RMX's legacy ICE user),
// and RMXs and DMAs of the same releases with nothing configured.
func baseline(want *Deployment) *Deployment {
	t := want.Lync
	b := &Deployment{Lync: lync.Topology{
		Product: t.Product, SIPDomains: t.SIPDomains, Sites: t.Sites,
		FrontEndPools: t.FrontEndPools, EdgePools: t.EdgePools,
	}}
	x := t.Index()
	legacy := map[string]bool{}
	for i := range want.RPP.RMX {
		r := &want.RPP.RMX[i]
		if rmx.InferICEMethod(r, x) == rmx.ICELegacy {
			legacy[strings.ToLower(r.SIP.UserPart()+"@"+r.SIP.ServerDomainName)] = true
		}
	}
	for _, u := range t.Users {
		if !legacy[u.Key()] {
			b.Lync.Users = append(b.Lync.Users, u)
		}
	}
	b.RPP.Workflows = want.RPP.Workflows
	for _, r := range want.RPP.RMX {
		b.RPP.RMX = append(b.RPP.RMX, rmx.System{Name: r.Name, FQDN: r.FQDN, Site: r.Site, Version: r.Version, ListenPort: r.ListenPort})
	}
	for _, m := range want.RPP.DMA {
		b.RPP.DMA = append(b.RPP.DMA, m)
		c := &b.RPP.DMA[len(b.RPP.DMA)-1]
		c.Certificate, c.LyncPeers, c.VMRs, c.MCUs = nil, nil, nil, nil
		c.RealConnect.Enabled, c.RealConnect.DialPrefix = false, ""
	}
	return b
}

func (p *planner) add(s *Step) *Step {
	p.steps = append(p.steps, s)
	return s
}

func (p *planner) plan() {
	p.planPools()
	p.planApplications()
	p.planEndpoints()
	p.planUsers()
	p.planRoutes()
	p.planPublishAndRead()
	p.planRMXs()
	p.planDMAs()
	p.compareBase()
}

// lyncStep is a step of the Management Shell.
func lyncStep(st stage, action Action, object, summary string, cmd *shell.Command, done string) *Step {
	return &Step{System: "lync", stage: st, Action: action, Object: object, Summary: summary, Command: cmd.String(), Done: done}
}

// exists is the Done expression of a step that creates what get finds:
// get with its "not found" error silenced, which is true when it returns
// the object.
func exists(get *shell.Command) string {
	return get.String() + " -ErrorAction SilentlyContinue"
}

// absent is the Done expression of a step that removes what get finds.
func absent(get *shell.Command) string { return "-not (" + exists(get) + ")" }

func poolIdentity(f lync.FQDN) string { return "TrustedApplicationPool:" + string(f) }

func appIdentity(pool lync.FQDN, id lync.ApplicationID) string {
	return string(pool) + "/urn:application:" + id.Bare()
}

func getPool(f lync.FQDN) *shell.Command {
	return shell.Cmd("Get-CsTrustedApplicationPool").Str("Identity", poolIdentity(f))
}

func getComputer(f lync.FQDN) *shell.Command {
	return shell.Cmd("Get-CsTrustedApplicationComputer").Str("Identity", string(f))
}

func getApp(pool lync.FQDN, id lync.ApplicationID) *shell.Command {
	return shell.Cmd("Get-CsTrustedApplication").Str("Identity", appIdentity(pool, id))
}

func getEndpoint(a lync.SIPAddress) *shell.Command {
	return shell.Cmd("Get-CsTrustedApplicationEndpoint").Str("Identity", a.String())
}

// planPools plans the trusted application pools and their computers.
func (p *planner) planPools() {
	wt, ht := &p.want.Lync, &p.have.Lync
	// Which computers move, and which current pools are recreated.
	recreated := map[string]bool{}
	for _, w := range wt.TrustedApplicationPools {
		if h := p.hx.Pool(w.FQDN); h >= 0 && ht.TrustedApplicationPools[h].IsSingleComputer() != w.IsSingleComputer() {
			recreated[w.FQDN.Key()] = true
		}
	}
	for _, w := range wt.TrustedApplicationPools {
		for _, c := range w.ComputerFQDNs() {
			h := p.hx.PoolOf(c)
			if h < 0 {
				continue
			}
			if hp := ht.TrustedApplicationPools[h]; !hp.FQDN.Equal(w.FQDN) || recreated[hp.FQDN.Key()] {
				p.moving[c.Key()] = true
			}
		}
	}
	// Current pools that go: in the window when they hold a computer that
	// moves (it must leave before it can join its new pool), else at the
	// end.
	for _, h := range ht.TrustedApplicationPools {
		if p.wx.Pool(h.FQDN) >= 0 && !recreated[h.FQDN.Key()] {
			continue
		}
		st := stageRetire
		for _, c := range h.ComputerFQDNs() {
			if p.moving[c.Key()] {
				st = stageMoveRemove
			}
		}
		p.removePool(st, h)
	}
	for i := range wt.TrustedApplicationPools {
		w := &wt.TrustedApplicationPools[i]
		k := w.FQDN.Key()
		if h := p.hx.Pool(w.FQDN); h >= 0 && !recreated[k] {
			p.poolStage[k] = stagePrepare
			p.changePool(w, &ht.TrustedApplicationPools[h])
			continue
		}
		p.createPool(w)
	}
}

// createPool plans New-CsTrustedApplicationPool and a
// New-CsTrustedApplicationComputer for each further computer. The pool is
// created with a computer that is not moving when it has one, so that it
// is ready before the window opens.
func (p *planner) createPool(w *lync.TrustedApplicationPool) {
	k := w.FQDN.Key()
	computers := w.ComputerFQDNs()
	first := computers[0]
	for _, c := range computers {
		if !p.moving[c.Key()] {
			first = c
			break
		}
	}
	st := stagePrepare
	if p.moving[first.Key()] {
		st = stageMoveCreate
	}
	p.poolStage[k] = st
	cmd := shell.Cmd("New-CsTrustedApplicationPool").Str("Identity", string(w.FQDN)).Str("Registrar", string(w.Registrar))
	cmd = p.site(cmd, w)
	kind := "single-computer"
	if !w.IsSingleComputer() {
		cmd = cmd.Str("ComputerFqdn", string(first))
		kind = "multiple-computer"
	}
	cmd = cmd.Bool("RequiresReplication", false).Bool("ThrottleAsServer", true).Bool("TreatAsAuthenticated", true)
	s := p.add(lyncStep(st, ActionCreate, poolObject(w.FQDN),
		fmt.Sprintf("Create the %s trusted application pool %s, registered with %s", kind, w.FQDN, w.Registrar),
		cmd, exists(getPool(w.FQDN))))
	s.NeedsPublish = true
	s.provides = []string{"pool:" + k, "computer:" + first.Key()}
	if p.moving[first.Key()] {
		s.needs = append(s.needs, "free:"+first.Key())
	}
	if w.IsSingleComputer() {
		return
	}
	for _, c := range computers {
		if c.Equal(first) {
			continue
		}
		p.addComputer(w, c)
	}
}

// site renders the pool's -Site: its numeric SiteId when the deployment
// gives it, else looked up by the site's name.
func (p *planner) site(cmd *shell.Command, w *lync.TrustedApplicationPool) *shell.Command {
	name := w.Site
	if name == "" {
		if fe := p.wx.FrontEndPool(w.Registrar); fe >= 0 {
			name = p.want.Lync.FrontEndPools[fe].Site
		}
	}
	if i := p.wx.Site(name); i >= 0 && p.want.Lync.Sites[i].ID > 0 {
		return cmd.Int("Site", p.want.Lync.Sites[i].ID)
	}
	if name == "" {
		return cmd
	}
	return cmd.Expr("Site", "("+shell.Cmd("Get-CsSite").Str("Identity", "site:"+name).String()+").SiteId")
}

func (p *planner) addComputer(w *lync.TrustedApplicationPool, c lync.FQDN) {
	st := p.poolStage[w.FQDN.Key()]
	if p.moving[c.Key()] {
		st = stageMoveCreate
	}
	s := p.add(lyncStep(st, ActionCreate, "lync/computer/"+string(c),
		fmt.Sprintf("Add computer %s to trusted application pool %s", c, w.FQDN),
		shell.Cmd("New-CsTrustedApplicationComputer").Str("Identity", string(c)).Str("Pool", string(w.FQDN)),
		exists(getComputer(c))))
	s.NeedsPublish = true
	s.provides = []string{"computer:" + c.Key()}
	s.needs = []string{"pool:" + w.FQDN.Key()}
	if p.moving[c.Key()] {
		s.needs = append(s.needs, "free:"+c.Key())
	}
}

// changePool plans what differs in a pool that stays: its registrar, the
// computers it gains and loses.
func (p *planner) changePool(w, h *lync.TrustedApplicationPool) {
	if !w.Registrar.Equal(h.Registrar) {
		s := p.add(lyncStep(stagePrepare, ActionChange, poolObject(w.FQDN),
			fmt.Sprintf("Register trusted application pool %s with %s instead of %s (its RMXs then relay media through that pool's Edge)", w.FQDN, w.Registrar, h.Registrar),
			shell.Cmd("Set-CsTrustedApplicationPool").Str("Identity", poolIdentity(w.FQDN)).Str("Registrar", string(w.Registrar)), ""))
		s.NeedsPublish = true
		s.provides = []string{"pool:" + w.FQDN.Key()}
	}
	if w.IsSingleComputer() {
		return
	}
	had, has := fqdnSet(h.ComputerFQDNs()), fqdnSet(w.ComputerFQDNs())
	for _, c := range w.ComputerFQDNs() {
		if !had[c.Key()] {
			p.addComputer(w, c)
		}
	}
	for _, c := range h.ComputerFQDNs() {
		if has[c.Key()] {
			continue
		}
		st := stageRetire
		if p.wx.PoolOf(c) >= 0 {
			st = stageMoveRemove // it moves to another pool
		}
		s := p.add(lyncStep(st, ActionRemove, "lync/computer/"+string(c),
			fmt.Sprintf("Remove computer %s from trusted application pool %s", c, h.FQDN),
			shell.Cmd("Remove-CsTrustedApplicationComputer").Str("Identity", string(c)), absent(getComputer(c))))
		s.NeedsPublish = true
		s.provides = []string{"free:" + c.Key()}
	}
}

// removePool plans the removal of a current pool: its endpoints and
// applications first, then the pool (which takes its computers with it).
func (p *planner) removePool(st stage, h lync.TrustedApplicationPool) {
	var needs []string
	for _, e := range p.hx.Endpoints(h.FQDN) {
		needs = append(needs, p.removeEndpoint(st, p.have.Lync.TrustedApplicationEndpoints[e]))
	}
	for _, a := range p.hx.Applications(h.FQDN) {
		needs = append(needs, p.removeApp(st, p.have.Lync.TrustedApplications[a]))
	}
	s := p.add(lyncStep(st, ActionRemove, poolObject(h.FQDN),
		fmt.Sprintf("Remove trusted application pool %s", h.FQDN),
		shell.Cmd("Remove-CsTrustedApplicationPool").Str("Identity", poolIdentity(h.FQDN)).Switch("Force"), absent(getPool(h.FQDN))))
	s.NeedsPublish = true
	s.needs = needs
	for _, c := range h.ComputerFQDNs() {
		s.provides = append(s.provides, "free:"+c.Key())
	}
}

func (p *planner) removeApp(st stage, a lync.TrustedApplication) string {
	key := "gone-app:" + a.Pool.Key() + "/" + a.ApplicationID.Bare()
	s := p.add(lyncStep(st, ActionRemove, appObject(&a),
		fmt.Sprintf("Remove trusted application %s from pool %s", a.ApplicationID.Bare(), a.Pool),
		shell.Cmd("Remove-CsTrustedApplication").Str("Identity", appIdentity(a.Pool, a.ApplicationID)).Switch("Force"),
		absent(getApp(a.Pool, a.ApplicationID))))
	s.NeedsPublish = true
	s.provides = []string{key}
	return key
}

func (p *planner) removeEndpoint(st stage, e lync.TrustedApplicationEndpoint) string {
	key := "gone-endpoint:" + e.SIPAddress.Key()
	s := p.add(lyncStep(st, ActionRemove, endpointObject(&e),
		fmt.Sprintf("Remove trusted application endpoint %s", e.SIPAddress),
		shell.Cmd("Remove-CsTrustedApplicationEndpoint").Str("Identity", e.SIPAddress.String()).Switch("Force"),
		absent(getEndpoint(e.SIPAddress))))
	s.provides = []string{key}
	return key
}

// planApplications plans the trusted applications, and where each pool's
// Service GRUU comes from.
func (p *planner) planApplications() {
	wt, ht := &p.want.Lync, &p.have.Lync
	for i := range wt.TrustedApplications {
		a := &wt.TrustedApplications[i]
		pk := a.Pool.Key()
		src := &gruuSource{pool: a.Pool, app: a.ApplicationID}
		if _, ok := p.gruus[pk]; !ok {
			p.gruus[pk] = src
		}
		h := p.haveApp(a)
		if h != nil && p.poolStage[pk] == stagePrepare && p.hx.Pool(a.Pool) >= 0 && !p.recreated(a.Pool) {
			// Blanks around a value copied out of the shell are not part of it.
			if g, err := lync.ParseGRUU(strings.TrimSpace(h.ServiceGRUU)); err == nil && g.BelongsTo(a.Pool, a.ApplicationID) == nil {
				src.known = g
			} else {
				src.read = stagePrepareRead
			}
			if h.Port.OrDefault(lync.DefaultTLSPort) != a.Port.OrDefault(lync.DefaultTLSPort) {
				s := p.add(lyncStep(stagePrepare, ActionChange, appObject(a),
					fmt.Sprintf("Move trusted application %s of pool %s from port %d to port %d", a.ApplicationID.Bare(), a.Pool, h.Port.OrDefault(lync.DefaultTLSPort), a.Port.OrDefault(lync.DefaultTLSPort)),
					shell.Cmd("Set-CsTrustedApplication").Str("Identity", appIdentity(a.Pool, a.ApplicationID)).Int("Port", int(a.Port.OrDefault(lync.DefaultTLSPort))), ""))
				s.NeedsPublish = true
				s.provides = []string{"app:" + pk + "/" + a.ApplicationID.Bare()}
			}
			continue
		}
		st := p.poolStage[pk]
		src.read = readAfter[st]
		cmd := shell.Cmd("New-CsTrustedApplication").Str("ApplicationId", a.ApplicationID.Bare()).
			Str("TrustedApplicationPoolFqdn", string(a.Pool)).Int("Port", int(a.Port.OrDefault(lync.DefaultTLSPort)))
		s := p.add(lyncStep(st, ActionCreate, appObject(a),
			fmt.Sprintf("Create trusted application %s in pool %s on port %d (Lync assigns the pool its Service GRUU)", a.ApplicationID.Bare(), a.Pool, a.Port.OrDefault(lync.DefaultTLSPort)),
			cmd, exists(getApp(a.Pool, a.ApplicationID))))
		s.NeedsPublish = true
		s.provides = []string{"app:" + pk + "/" + a.ApplicationID.Bare()}
		s.needs = []string{"pool:" + pk}
	}
	// Applications that go, in pools that stay.
	for _, h := range ht.TrustedApplications {
		if p.wx.Pool(h.Pool) < 0 || p.recreated(h.Pool) {
			continue // removed with its pool
		}
		if p.wantApp(&h) == nil {
			p.removeApp(stageRetire, h)
		}
	}
}

func (p *planner) recreated(pool lync.FQDN) bool {
	h := p.hx.Pool(pool)
	w := p.wx.Pool(pool)
	return h >= 0 && w >= 0 && p.have.Lync.TrustedApplicationPools[h].IsSingleComputer() != p.want.Lync.TrustedApplicationPools[w].IsSingleComputer()
}

func (p *planner) haveApp(a *lync.TrustedApplication) *lync.TrustedApplication {
	for _, i := range p.hx.Applications(a.Pool) {
		if h := &p.have.Lync.TrustedApplications[i]; h.ApplicationID.Equal(a.ApplicationID) {
			return h
		}
	}
	return nil
}

func (p *planner) wantApp(a *lync.TrustedApplication) *lync.TrustedApplication {
	for _, i := range p.wx.Applications(a.Pool) {
		if w := &p.want.Lync.TrustedApplications[i]; w.ApplicationID.Equal(a.ApplicationID) {
			return w
		}
	}
	return nil
}

// planEndpoints plans the trusted application endpoints. One whose address
// moves to another pool or application is removed in the window and
// created again.
func (p *planner) planEndpoints() {
	wt, ht := &p.want.Lync, &p.have.Lync
	for i := range wt.TrustedApplicationEndpoints {
		e := &wt.TrustedApplicationEndpoints[i]
		pk := e.Pool.Key()
		st := p.poolStage[pk]
		var needs []string
		if h := p.hx.Endpoint(e.SIPAddress); h >= 0 {
			he := ht.TrustedApplicationEndpoints[h]
			if he.Pool.Equal(e.Pool) && he.ApplicationID.Equal(e.ApplicationID) && !p.recreated(e.Pool) && p.hx.Pool(e.Pool) >= 0 {
				continue
			}
			if p.wx.Pool(he.Pool) >= 0 && !p.recreated(he.Pool) {
				// Its pool stays: take the endpoint out of it in the window.
				needs = append(needs, p.removeEndpoint(stageMoveRemove, he))
			} else {
				needs = append(needs, "gone-endpoint:"+he.SIPAddress.Key())
			}
			st = stageMoveCreate
			p.movedEndpoints[e.SIPAddress.Key()] = true
		}
		cmd := shell.Cmd("New-CsTrustedApplicationEndpoint").Str("ApplicationId", e.ApplicationID.Bare()).
			Str("TrustedApplicationPoolFqdn", string(e.Pool)).Str("SipAddress", e.SIPAddress.String())
		s := p.add(lyncStep(st, ActionCreate, endpointObject(e),
			fmt.Sprintf("Create trusted application endpoint %s in pool %s (application %s): the RMX's ICE identity", e.SIPAddress, e.Pool, e.ApplicationID.Bare()),
			cmd, exists(getEndpoint(e.SIPAddress))))
		s.NeedsPublish = true
		s.provides = []string{"endpoint:" + e.SIPAddress.Key()}
		s.needs = append(needs, "app:"+pk+"/"+e.ApplicationID.Bare())
	}
	for _, h := range ht.TrustedApplicationEndpoints {
		if p.wx.Endpoint(h.SIPAddress) >= 0 || p.wx.Pool(h.Pool) < 0 || p.recreated(h.Pool) {
			continue // kept, or removed with its pool
		}
		p.removeEndpoint(stageRetire, h)
	}
}

// planUsers plans the Lync users of the legacy ICE method: enabled for an
// RMX that uses one, retired once no RMX does. Other users are not the
// integration's to create or remove.
func (p *planner) planUsers() {
	for _, u := range legacyUsers(p.want, p.wx) {
		if p.hx.User(u.addr) >= 0 {
			continue
		}
		reg := p.want.RPP.RMX[u.rmx].SIP.Server
		cmd := shell.Cmd("Enable-CsUser").Str("Identity", u.addr.User()).Str("RegistrarPool", string(reg)).Str("SipAddress", u.addr.String())
		s := p.add(lyncStep(stagePrepare, ActionCreate, "lync/user/"+u.addr.String(),
			fmt.Sprintf("Enable the Active Directory account %s for Lync as %s: the legacy ICE identity of RMX %s (create the account first; its password does not matter)", u.addr.User(), u.addr, p.want.RPP.RMX[u.rmx].Name),
			cmd, exists(shell.Cmd("Get-CsUser").Str("Identity", u.addr.String()))))
		s.provides = []string{"user:" + u.addr.Key()}
	}
	for _, u := range legacyUsers(p.have, p.hx) {
		if p.wx.User(u.addr) >= 0 {
			continue
		}
		s := p.add(lyncStep(stageRetire, ActionRemove, "lync/user/"+u.addr.String(),
			fmt.Sprintf("Retire %s, the legacy ICE account RMX %s no longer uses", u.addr, p.have.RPP.RMX[u.rmx].Name),
			shell.Cmd("Disable-CsUser").Str("Identity", u.addr.String()), absent(shell.Cmd("Get-CsUser").Str("Identity", u.addr.String()))))
		s.needs = []string{"verify:rmx:" + strings.ToLower(p.have.RPP.RMX[u.rmx].Name)}
	}
}

type legacyUser struct {
	addr lync.SIPAddress
	rmx  int
}

// legacyUsers lists the Lync users that RMXs of d use on the legacy
// method, each once.
func legacyUsers(d *Deployment, x *lync.Index) []legacyUser {
	var us []legacyUser
	seen := map[string]bool{}
	for i := range d.RPP.RMX {
		r := &d.RPP.RMX[i]
		if rmx.InferICEMethod(r, x) != rmx.ICELegacy {
			continue
		}
		a, err := lync.MakeSIPAddress(r.SIP.UserPart(), r.SIP.ServerDomainName)
		if err != nil || seen[a.Key()] {
			continue
		}
		seen[a.Key()] = true
		us = append(us, legacyUser{a, i})
	}
	return us
}

// planRoutes plans the static routes: added before anything else, removed
// at the end.
func (p *planner) planRoutes() {
	had, has := routeSet(p.have.Lync.StaticRoutes), routeSet(p.want.Lync.StaticRoutes)
	for _, w := range p.want.Lync.StaticRoutes {
		if !had[routeKey(w)] {
			p.add(routeStep(stagePrepare, ActionCreate, w))
		}
	}
	for _, h := range p.have.Lync.StaticRoutes {
		if !has[routeKey(h)] {
			p.add(routeStep(stageRetire, ActionRemove, h))
		}
	}
}

func routeKey(r lync.StaticRoute) string {
	return strings.Join([]string{r.Destination.Key(), fmt.Sprint(r.Port.OrDefault(lync.DefaultTLSPort)), string(r.Transport), strings.ToLower(r.MatchURI)}, "|")
}

func routeSet(list []lync.StaticRoute) map[string]bool {
	set := make(map[string]bool, len(list))
	for _, r := range list {
		set[routeKey(r)] = true
	}
	return set
}

func fqdnSet(list []lync.FQDN) map[string]bool {
	set := make(map[string]bool, len(list))
	for _, f := range list {
		set[f.Key()] = true
	}
	return set
}

// routeStep adds or removes a static route through the global static
// routing configuration; the route is found again by its match URI,
// destination and port.
func routeStep(st stage, action Action, r lync.StaticRoute) *Step {
	port := int(r.Port.OrDefault(lync.DefaultTLSPort))
	find := fmt.Sprintf("@((%s).Route | Where-Object { $_.MatchUri -eq %s -and $_.Transport.Fqdn -eq %s -and $_.Transport.Port -eq %d })",
		shell.Cmd("Get-CsStaticRoutingConfiguration").Str("Identity", "global"), shell.Quote(r.MatchURI), shell.Quote(string(r.Destination)), port)
	set := shell.Cmd("Set-CsStaticRoutingConfiguration").Str("Identity", "global")
	var s *Step
	if action == ActionCreate {
		route := shell.Cmd("New-CsStaticRoute")
		if r.Transport == lync.TCP {
			route = route.Switch("TCPRoute")
		} else {
			route = route.Switch("TLSRoute").Bool("UseDefaultCertificate", true)
		}
		route = route.Str("Destination", string(r.Destination)).Int("Port", port).Str("MatchUri", r.MatchURI)
		set = set.Expr("Route", "@{Add=("+route.String()+")}")
		s = lyncStep(st, action, routeObject(&r),
			fmt.Sprintf("Add a static route: requests for %s to %s:%d over %s (the traditional workflow)", r.MatchURI, r.Destination, port, transportLabel(r.Transport)),
			set, find+".Count -gt 0")
	} else {
		set = set.Expr("Route", "@{Remove="+find+"}")
		s = lyncStep(st, action, routeObject(&r),
			fmt.Sprintf("Remove the static route for %s to %s:%d", r.MatchURI, r.Destination, port),
			set, find+".Count -eq 0")
	}
	s.provides = []string{"route:" + routeKey(r)}
	return s
}

// planPublishAndRead adds Enable-CsTopology after each stage with topology
// changes, and after it the read-back of the Service GRUUs the stage's new
// applications got, and those the current deployment does not hold.
func (p *planner) planPublishAndRead() {
	for from, to := range publishAfter {
		for _, s := range p.steps {
			if s.stage == from && s.NeedsPublish {
				pub := p.add(lyncStep(to, ActionPublish, "lync/topology",
					"Publish the topology changes above", shell.Cmd("Enable-CsTopology"), ""))
				pub.provides = []string{"publish"}
				break
			}
		}
	}
	for _, pool := range p.want.Lync.TrustedApplicationPools {
		src := p.gruus[pool.FQDN.Key()]
		if src == nil || !src.known.IsZero() || !p.gruuNeeded(pool.FQDN) {
			continue
		}
		s := p.add(lyncStep(src.read, ActionRead, "lync/application/"+string(src.pool)+"/"+src.app.Bare(),
			fmt.Sprintf("Read back the Service GRUU Lync assigned to pool %s: the RMX flag takes it without sip:, the DMA with sip:", src.pool),
			shell.Cmd("Get-CsTrustedApplication").Str("Identity", appIdentity(src.pool, src.app)), ""))
		s.provides = []string{"gruu:" + pool.FQDN.Key()}
		s.needs = []string{"publish", "app:" + pool.FQDN.Key() + "/" + src.app.Bare()}
	}
}

// gruuNeeded reports whether an RMX or DMA of the pool needs its GRUU.
func (p *planner) gruuNeeded(pool lync.FQDN) bool { return p.rppPools[pool.Key()] }

// compareBase notes what differs in the parts of the topology a plan does
// not build: Front End and Edge pools, sites, SIP domains.
func (p *planner) compareBase() {
	for _, f := range p.want.Lync.FrontEndPools {
		if p.hx.FrontEndPool(f.FQDN) < 0 {
			p.notes = append(p.notes, fmt.Sprintf("not planned: Front End pool %s is not in the current topology; deploy it with Topology Builder first", f.FQDN))
		}
	}
	for _, e := range p.want.Lync.EdgePools {
		if p.hx.EdgePool(e.FQDN) < 0 {
			p.notes = append(p.notes, fmt.Sprintf("not planned: Edge pool %s is not in the current topology; deploy it with Topology Builder first", e.FQDN))
		}
	}
	for _, d := range p.want.Lync.SIPDomains {
		if !p.hx.IsSIPDomain(string(d)) {
			p.notes = append(p.notes, fmt.Sprintf("not planned: SIP domain %s is not in the current topology; add it with Topology Builder first", d))
		}
	}
}

func transportLabel(t lync.Transport) string {
	if t == "" {
		return "TLS"
	}
	return strings.ToUpper(string(t))
}
