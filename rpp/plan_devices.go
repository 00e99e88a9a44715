package rpp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// The RMX and DMA pages the steps name, as their web interfaces label them.
const (
	pageSIPServers    = "IP Network Services > Default IP Network Service > SIP Servers"
	pageSIPAdvanced   = "IP Network Services > Default IP Network Service > SIP Advanced"
	pageSystemFlags   = "Setup > System Configuration > System Configuration (MCMS_PARAMETERS_USER)"
	pageRMXCert       = "Setup > RMX Secured Communication > Certification Repository"
	pageRMXProfiles   = "Conference Profiles"
	pageRMXRooms      = "Meeting Rooms"
	pageDMACert       = "Admin > Local Cluster > Certificates"
	pageDMAPeers      = "Network > External SIP Peers"
	pageDMADialRules  = "Call Server > Dial Rules"
	pageDMARooms      = "Users > Conference Rooms"
	verifyRMXICE      = "the RMX's Active Alarms list shows no ICE alarm (such as \"%s\") and its ICE status shows the Edge server"
	verifyRealConnect = "a standards-based endpoint that dials %sthe ID of a Lync meeting joins it (RealConnect)"
)

// planRMXs plans each RMX: its certificate, SIP Servers and SIP Advanced
// settings, the contact override flag, then one reboot — the reboot the
// network service change asks for is deferred until the flag is set — and
// its conference profiles; an upgrade comes before all that when the
// current release cannot use the new ICE settings, else after they are
// verified.
func (p *planner) planRMXs() {
	for i := range p.want.RPP.RMX {
		r := &p.want.RPP.RMX[i]
		h := p.haveRMX(r)
		obj := "rmx/" + r.Name
		key := strings.ToLower(r.Name)
		method := rmx.InferICEMethod(r, p.wx)
		g := p.poolGRUU(r.FQDN)
		st := stageDevices
		if p.moving[r.FQDN.Key()] || (g != nil && g.known.IsZero() && g.read == stageMoveRead) || p.identityMoves(r) {
			st = stageMoveDevices
			p.moved[obj] = true
		}
		dev := &deviceSteps{p: p, system: obj, stage: st}
		p.notePort(obj, r.SIPPort(), h.SIPPort())

		upgradeLater := false
		if !h.Version.IsZero() && h.Version.Compare(r.Version) != 0 {
			if method != "" && !rmx.Capabilities(h.Version).Supports(method) {
				dev.upgradeFirst = dev.upgrade(r.Version, h.Version, "first: the current release cannot use the ICE method the new settings are for").Step
			} else {
				upgradeLater = true
			}
		}
		if cert := certChange(pageRMXCert, r.Certificate, h.Certificate); cert != nil {
			dev.step(ActionChange, "Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)", pageRMXCert, cert...).reboot = true
		}
		var servers, advanced []Setting
		servers = changed(servers, pageSIPServers, "SIP Server", string(r.SIP.Server), string(h.SIP.Server))
		servers = changed(servers, pageSIPServers, "Server Domain Name", r.SIP.ServerDomainName, h.SIP.ServerDomainName)
		if r.SIP.ICEConfigured() || h.SIP.ICEConfigured() {
			advanced = changed(advanced, pageSIPAdvanced, "ICE Environment", iceLabel(r.SIP.ICEEnvironment), iceLabel(h.SIP.ICEEnvironment))
			advanced = changed(advanced, pageSIPAdvanced, "Server User Name", r.SIP.ServerUserName, h.SIP.ServerUserName)
		}
		if len(servers) > 0 {
			dev.step(ActionChange, "Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for", pageSIPServers, servers...).reboot = true
		}
		if len(advanced) > 0 {
			s := dev.step(ActionChange, fmt.Sprintf("Set ICE to %s; save, and defer the reboot the RMX asks for", describeICE(method, r)), pageSIPAdvanced, advanced...)
			s.reboot = true
			s.needs = append(s.needs, p.identityNeeds(r, method)...)
		}
		if method == rmx.ICENew && g != nil {
			old, _ := h.Flags.ContactOverride()
			if set, need, ok := p.gruuSetting(g, pageSystemFlags, rmx.FlagContactOverride, GRUUWithoutScheme, old); ok {
				verb := "Add the system flag (New Flag) "
				if old != "" {
					verb = "Change the system flag "
				}
				s := dev.step(ActionChange, verb+rmx.FlagContactOverride+": the pool's Service GRUU without sip:", pageSystemFlags, set)
				s.reboot = true
				if need != "" {
					s.needs = append(s.needs, need)
				}
			}
		} else if old, ok := h.Flags.ContactOverride(); ok && method != rmx.ICENew {
			dev.step(ActionRemove, "Delete the system flag "+rmx.FlagContactOverride+": the legacy ICE method does not use it", pageSystemFlags,
				Setting{Page: pageSystemFlags, Name: rmx.FlagContactOverride, Value: "", Old: old}).reboot = true
		}
		dev.rebootIfNeeded("Reboot the RMX once, so the settings above take effect together")
		for _, pr := range r.ConferenceProfiles {
			old := ""
			for _, hp := range h.ConferenceProfiles {
				if strings.EqualFold(hp.Name, pr.Name) {
					old = string(hp.Encryption)
				}
			}
			if old != string(pr.Encryption) {
				dev.step(ActionChange, fmt.Sprintf("Set conference profile %s's encryption to %s", pr.Name, pr.Encryption), pageRMXProfiles,
					Setting{Page: pageRMXProfiles + " > " + pr.Name + " > Advanced", Name: "Encryption", Value: string(pr.Encryption), Old: old})
			}
		}
		if dev.iceChanged {
			v := dev.verify(fmt.Sprintf("Check "+verifyRMXICE, rmx.SymptomSubscribe.Text))
			v.provides = append(v.provides, "verify:rmx:"+key)
		}
		if upgradeLater {
			dev.stage = stageUpgrade
			u := dev.upgrade(r.Version, h.Version, "after the configuration above is verified")
			if dev.iceChanged {
				u.needs = append(u.needs, "verify:rmx:"+key)
			}
		}
		if gone := minus(h.VMRs, r.VMRs); len(gone) > 0 {
			dev.stage = stageRetire
			s := dev.step(ActionRemove, "Delete the meeting rooms defined on the RMX: the DMA owns them", pageRMXRooms,
				Setting{Page: pageRMXRooms, Name: "Meeting rooms", Value: "", Old: strings.Join(gone, ", ")})
			s.needs = append(s.needs, vmrNeeds(p.want, r)...)
		}
	}
}

// notePort notes a system whose SIP listening port changes: where the
// port is set differs between releases, so the plan says so rather than
// name a page that may not be there. Lync's side (the trusted
// application's port) is planned.
func (p *planner) notePort(system string, want, have lync.Port) {
	if want != have {
		p.notes = append(p.notes, fmt.Sprintf("not planned: %s is to listen for SIP over TLS on port %d instead of %d; change it on the system, in the same window as the trusted application's port", system, want, have))
	}
}

// vmrNeeds are the steps that give the DMAs managing r the meeting rooms
// taken off it.
func vmrNeeds(d *Deployment, r *rmx.System) []string {
	var needs []string
	for _, m := range d.RPP.DMA {
		if m.Manages(r.Name, r.Site) {
			needs = append(needs, "vmrs:dma:"+strings.ToLower(m.Name))
		}
	}
	return needs
}

// planDMAs plans each DMA: its certificate, the Lync Integration of each
// external SIP peer (the Service GRUU with sip:), RealConnect and the
// meeting rooms.
func (p *planner) planDMAs() {
	for i := range p.want.RPP.DMA {
		m := &p.want.RPP.DMA[i]
		h := p.haveDMA(m)
		obj := "dma/" + m.Name
		key := strings.ToLower(m.Name)
		g := p.poolGRUU(m.FQDN)
		st := stageDevices
		if p.moving[m.FQDN.Key()] || (g != nil && g.known.IsZero() && g.read == stageMoveRead) {
			st = stageMoveDevices
			p.moved[obj] = true
		}
		dev := &deviceSteps{p: p, system: obj, stage: st}
		p.notePort(obj, m.SIPPort(), h.SIPPort())
		if cert := certChange(pageDMACert, m.Certificate, h.Certificate); cert != nil {
			dev.step(ActionChange, "Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)", pageDMACert, cert...)
		}
		peersChanged := false
		for _, peer := range m.LyncPeers {
			var hp *dma.LyncPeer
			for j := range h.LyncPeers {
				if strings.EqualFold(h.LyncPeers[j].Name, peer.Name) {
					hp = &h.LyncPeers[j]
				}
			}
			page := pageDMAPeers + " > " + peer.Name
			var settings []Setting
			action := ActionChange
			if hp == nil {
				action = ActionCreate
				hp = &dma.LyncPeer{}
				settings = append(settings,
					Setting{Page: page, Name: "Name", Value: peer.Name},
					Setting{Page: page, Name: "Type", Value: "Microsoft"},
					Setting{Page: page, Name: "Port", Value: fmt.Sprint(lync.DefaultTLSPort)},
					Setting{Page: page, Name: "Transport type", Value: "TLS"})
			}
			settings = changed(settings, page, "Address", string(peer.Address), string(hp.Address))
			var need string
			if g != nil {
				set, n, ok := p.gruuSetting(g, page+" > Lync Integration", "CsTrustedApplication ServiceGruu (enabled)", GRUUWithScheme, hp.ServiceGRUU)
				if ok {
					settings = append(settings, set)
					need = n
				}
			}
			if len(settings) == 0 {
				continue
			}
			summary := fmt.Sprintf("Edit the external SIP peer %s (Lync Front End pool %s): on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:", peer.Name, peer.Address)
			if action == ActionCreate {
				summary = fmt.Sprintf("Add the external SIP peer %s for Lync Front End pool %s; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:", peer.Name, peer.Address)
			}
			s := dev.step(action, summary, page, settings...)
			if need != "" {
				s.needs = append(s.needs, need)
			}
			s.provides = append(s.provides, "peer:dma:"+key)
			peersChanged = true
		}
		var rc []Setting
		rc = changed(rc, pageDMADialRules, "Resolve to Lync conference ID (RealConnect)", enabled(m.RealConnect.Enabled), enabled(h.RealConnect.Enabled))
		if m.RealConnect.Enabled {
			rc = changed(rc, pageDMADialRules, "Dial prefix", m.RealConnect.DialPrefix, h.RealConnect.DialPrefix)
		}
		if len(rc) > 0 {
			s := dev.step(ActionChange, "Set the RealConnect dial rule that resolves Lync conference IDs", pageDMADialRules, rc...)
			s.needs = append(s.needs, "peer:dma:"+key)
		}
		if add := minus(m.VMRs, h.VMRs); len(add) > 0 {
			s := dev.step(ActionCreate, "Add the meeting rooms "+strings.Join(add, ", "), pageDMARooms,
				Setting{Page: pageDMARooms, Name: "Meeting rooms", Value: strings.Join(add, ", ")})
			s.provides = append(s.provides, "vmrs:dma:"+key)
		}
		if (peersChanged || len(rc) > 0) && m.RealConnect.Enabled {
			prefix := ""
			if m.RealConnect.DialPrefix != "" {
				prefix = "the prefix " + m.RealConnect.DialPrefix + " and "
			}
			dev.verify(fmt.Sprintf("Check that "+verifyRealConnect, prefix))
		}
		if !h.Version.IsZero() && h.Version.Compare(m.Version) != 0 && !m.Version.IsZero() {
			dev.stage = stageUpgrade
			dev.upgrade(m.Version, h.Version, "after the configuration above is verified")
		}
		dev.stage = stageRetire
		for _, hp := range h.LyncPeers {
			found := false
			for _, peer := range m.LyncPeers {
				found = found || strings.EqualFold(peer.Name, hp.Name)
			}
			if !found {
				dev.step(ActionRemove, fmt.Sprintf("Delete the external SIP peer %s", hp.Name), pageDMAPeers,
					Setting{Page: pageDMAPeers, Name: hp.Name, Value: "", Old: string(hp.Address)})
			}
		}
		if gone := minus(h.VMRs, m.VMRs); len(gone) > 0 {
			dev.step(ActionRemove, "Delete the meeting rooms "+strings.Join(gone, ", "), pageDMARooms,
				Setting{Page: pageDMARooms, Name: "Meeting rooms", Value: "", Old: strings.Join(gone, ", ")})
		}
	}
}

// deviceSteps collects the steps of one RMX or DMA.
type deviceSteps struct {
	p            *planner
	system       string
	stage        stage
	upgradeFirst *Step
	done         []string      // what the system's steps so far provide
	pending      []*deviceStep // settings that take effect at the next reboot
	iceChanged   bool
}

type deviceStep struct {
	*Step
	reboot bool // takes effect at the next reboot
}

func (d *deviceSteps) step(action Action, summary, page string, settings ...Setting) *deviceStep {
	s := &Step{System: d.system, Object: d.system, stage: d.stage, Action: action, Summary: summary, Settings: settings}
	s.provides = []string{fmt.Sprintf("%s#%d", d.system, len(d.p.steps))}
	d.add(s)
	ds := &deviceStep{Step: s}
	if page == pageSIPAdvanced || page == pageSystemFlags || page == pageSIPServers {
		d.iceChanged = true
	}
	d.pending = append(d.pending, ds)
	return ds
}

// add adds a step of the system to the plan.
func (d *deviceSteps) add(s *Step) {
	d.p.add(s)
	d.done = append(d.done, s.provides[0])
}

// rebootIfNeeded adds the one reboot after the settings that need it.
func (d *deviceSteps) rebootIfNeeded(summary string) {
	var needs []string
	for _, s := range d.pending {
		if s.reboot {
			needs = append(needs, s.provides[0])
		}
	}
	d.pending = nil
	if len(needs) == 0 {
		return
	}
	s := &Step{System: d.system, Object: d.system, stage: d.stage, Action: ActionReboot, Summary: summary, Reboots: true, needs: needs}
	s.provides = []string{"reboot:" + d.system}
	d.add(s)
	if d.upgradeFirst != nil {
		d.p.windows = append(d.p.windows, windowSpec{
			name: "ice-" + strings.TrimPrefix(d.system, "rmx/"), from: d.upgradeFirst, to: s,
			systems: []string{d.system},
			why:     "the upgraded release no longer uses the old ICE settings: external calls have no media until the RMX restarts with the new ones",
		})
	}
}

func (d *deviceSteps) verify(summary string) *Step {
	s := &Step{System: d.system, Object: d.system, stage: stageVerify, Action: ActionVerify, Summary: summary}
	s.needs = append([]string(nil), d.done...) // everything done on the system so far
	s.provides = []string{"verify:" + d.system}
	d.add(s)
	return s
}

func (d *deviceSteps) upgrade(to, from fmt.Stringer, when string) *deviceStep {
	s := &Step{System: d.system, Object: d.system, stage: d.stage, Action: ActionUpgrade, Reboots: true,
		Summary: fmt.Sprintf("Upgrade from %s to %s (%s)", from, to, when)}
	s.provides = []string{"upgrade:" + d.system}
	d.add(s)
	return &deviceStep{Step: s}
}

// haveRMX returns the current RMX of the same name, or one with nothing
// configured.
func (p *planner) haveRMX(r *rmx.System) rmx.System {
	if i, ok := p.haveRMXs[strings.ToLower(r.Name)]; ok {
		return p.have.RPP.RMX[i]
	}
	return rmx.System{Name: r.Name, FQDN: r.FQDN, Site: r.Site}
}

// haveDMA returns the current DMA of the same name, or one with nothing
// configured.
func (p *planner) haveDMA(m *dma.System) dma.System {
	if i, ok := p.haveDMAs[strings.ToLower(m.Name)]; ok {
		return p.have.RPP.DMA[i]
	}
	return dma.System{Name: m.Name, FQDN: m.FQDN, Site: m.Site}
}

// byName indexes systems by name without regard to case, the first of a
// name winning.
func byName[S any](list []S, name func(*S) string) map[string]int {
	m := make(map[string]int, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		m[strings.ToLower(name(&list[i]))] = i
	}
	return m
}

// poolGRUU returns where the Service GRUU of the pool holding computer
// comes from, or nil.
func (p *planner) poolGRUU(computer lync.FQDN) *gruuSource {
	i := p.wx.PoolOf(computer)
	if i < 0 {
		return nil
	}
	return p.gruus[p.want.Lync.TrustedApplicationPools[i].FQDN.Key()]
}

// identityMoves reports whether the endpoint an RMX uses for ICE is
// recreated inside the window.
func (p *planner) identityMoves(r *rmx.System) bool {
	a, err := lync.MakeSIPAddress(r.SIP.UserPart(), r.SIP.ServerDomainName)
	return err == nil && p.movedEndpoints[a.Key()]
}

// identityNeeds are the steps that create r's ICE identity.
func (p *planner) identityNeeds(r *rmx.System, method rmx.ICEMethod) []string {
	a, err := lync.MakeSIPAddress(r.SIP.UserPart(), r.SIP.ServerDomainName)
	if err != nil {
		return nil
	}
	if method == rmx.ICELegacy {
		return []string{"user:" + a.Key()}
	}
	return []string{"endpoint:" + a.Key(), "publish"}
}

// gruuSetting returns the setting that pastes the pool's Service GRUU in
// form, the step it needs (the read-back) if any, and whether it differs
// from old.
func (p *planner) gruuSetting(g *gruuSource, page, name, form, old string) (Setting, string, bool) {
	s := Setting{Page: page, Name: name, Old: old}
	if g.known.IsZero() {
		s.From = &ValueFrom{Form: form, key: "gruu:" + g.pool.Key()}
		s.Value = fmt.Sprintf("<the Service GRUU of %s, %s>", g.pool, form)
		return s, s.From.key, true
	}
	s.Value = g.known.String()
	if form == GRUUWithoutScheme {
		s.Value = g.known.WithoutScheme()
	}
	cur, err := lync.ParseGRUU(old)
	same := err == nil && cur.Equal(g.known) && old == strings.TrimSpace(old) && lync.HasSIPScheme(old) == (form == GRUUWithScheme)
	return s, "", !same
}

// changed appends the setting when want differs from have. Case does not
// count: the settings planned this way are host names, SIP user and domain
// names, and choices, none of which it changes.
func changed(list []Setting, page, name, want, have string) []Setting {
	if strings.EqualFold(want, have) {
		return list
	}
	return append(list, Setting{Page: page, Name: name, Value: want, Old: have})
}

// certChange returns the settings of a certificate to install, or nil when
// the current one is the same.
func certChange(page string, want, have *lync.Certificate) []Setting {
	if want == nil || want.IsZero() {
		return nil
	}
	if have != nil && strings.EqualFold(want.CommonName(), have.CommonName()) &&
		slices.EqualFunc(want.SAN, have.SAN, strings.EqualFold) && want.FingerprintKey() == have.FingerprintKey() {
		return nil // DNS names are the same in any case
	}
	var old, oldSAN string
	if have != nil {
		old, oldSAN = have.Subject, strings.Join(have.SAN, ", ")
	}
	return []Setting{
		{Page: page, Name: "Subject", Value: want.Subject, Old: old},
		{Page: page, Name: "Subject Alternative Names (DNS)", Value: strings.Join(want.SAN, ", "), Old: oldSAN},
	}
}

func iceLabel(e rmx.ICEEnvironment) string {
	switch e {
	case rmx.ICEMS:
		return "MS"
	case rmx.ICEStandard:
		return "Standard"
	case rmx.ICENone:
		return "None"
	}
	return ""
}

func describeICE(m rmx.ICEMethod, r *rmx.System) string {
	switch m {
	case rmx.ICENew:
		return fmt.Sprintf("the new method (the trusted application endpoint sip:%s@%s)", r.SIP.UserPart(), r.SIP.ServerDomainName)
	case rmx.ICELegacy:
		return fmt.Sprintf("the legacy method (the Lync user sip:%s@%s)", r.SIP.UserPart(), r.SIP.ServerDomainName)
	}
	return "off"
}

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// minus returns the items of a that b lacks, compared without case.
func minus(a, b []string) []string {
	in := foldSet(b)
	var out []string
	for _, x := range a {
		if !in[strings.ToLower(x)] {
			out = append(out, x)
		}
	}
	return out
}
