package rpp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/internal/textdiff"
	"github.com/rppkit/rppkit/rpp"
)

var updatePlans = flag.Bool("update-plans", false, "rewrite the golden plans in testdata/plan")

func loadExample(t *testing.T, name string) *rpp.Deployment {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func loadMigration(t *testing.T, name string) *rpp.Deployment {
	t.Helper()
	d, err := rpp.Load(context.Background(), filepath.Join("testdata", "plan", "migrations", name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// golden compares got with testdata/plan/name, or rewrites it with
// -update-plans.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "plan", name)
	if *updatePlans {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rpp -run Plan -update-plans to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what Plan gives now (-update-plans rewrites it):\n%s", path, textdiff.Unified(path, "got", want, got))
	}
}

// render returns the plan in every format Runbook offers.
func render(t *testing.T, rb *rpp.Runbook) (text, ps1, js []byte) {
	t.Helper()
	var tb, pb bytes.Buffer
	if err := rb.WriteText(&tb); err != nil {
		t.Fatal(err)
	}
	if err := rb.WritePowerShell(&pb, rpp.PowerShellOptions{Header: []string{"golden test"}}); err != nil {
		t.Fatal(err)
	}
	j, err := json.MarshalIndent(rb, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return tb.Bytes(), pb.Bytes(), append(j, '\n')
}

// TestPlanGoldenExamples plans every example as a new integration and
// compares each format with its golden file; an example the plan refuses
// has its refusal as golden file instead.
func TestPlanGoldenExamples(t *testing.T) {
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			base := strings.TrimSuffix(n, ".yaml")
			rb, err := rpp.Plan(context.Background(), loadExample(t, n), nil)
			var ue *rpp.UnplannableError
			if errors.As(err, &ue) {
				golden(t, base+".refused.txt", []byte(err.Error()+"\n"))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			text, ps1, js := render(t, rb)
			golden(t, base+".txt", text)
			golden(t, base+".ps1", ps1)
			golden(t, base+".json", js)
		})
	}
}

// TestPlanAgainstItself: a deployment whose check finds no error needs no
// step to reach itself, and one the plan corrected needs only the steps of
// its corrections.
func TestPlanAgainstItself(t *testing.T) {
	names, _ := fs.Glob(examples.FS, "*.yaml")
	names = append(names, "migrations/legacy-8.4.yaml", "migrations/new-8.5.yaml", "migrations/one-pool-two-sites.yaml")
	clean := 0
	for _, n := range names {
		var d *rpp.Deployment
		if strings.HasPrefix(n, "migrations/") {
			d = loadMigration(t, strings.TrimPrefix(n, "migrations/"))
		} else {
			d = loadExample(t, n)
		}
		rep := rpp.Check(context.Background(), d, rpp.Options{})
		rb, err := rpp.Plan(context.Background(), d, d)
		if rep.Summary.Errors > 0 {
			if err == nil && len(rb.Corrections) == 0 && rb.Empty() {
				t.Errorf("%s: check finds %d errors, yet the plan neither refused nor corrected nor planned anything", n, rep.Summary.Errors)
			}
			continue
		}
		clean++
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if !rb.Empty() || len(rb.Corrections) > 0 {
			text, _, _ := render(t, rb)
			t.Errorf("%s planned against itself is not empty:\n%s", n, text)
		}
	}
	if clean < 4 {
		t.Fatalf("only %d clean deployments planned against themselves", clean)
	}
}

// stepIndex finds the first step matching system, action and a pattern of
// its summary or command, failing the test when there is none.
func stepIndex(t *testing.T, rb *rpp.Runbook, system string, action rpp.Action, pattern string) int {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for i, s := range rb.Steps {
		if s.System == system && s.Action == action && (re.MatchString(s.Summary) || re.MatchString(s.Command)) {
			return i
		}
	}
	text, _, _ := render(t, rb)
	t.Fatalf("no %s step %q on %s in:\n%s", action, pattern, system, text)
	return -1
}

// inOrder asserts that the steps found come in the order given.
func inOrder(t *testing.T, rb *rpp.Runbook, idx ...int) {
	t.Helper()
	for i := 1; i < len(idx); i++ {
		if idx[i-1] >= idx[i] {
			text, _, _ := render(t, rb)
			t.Fatalf("steps %d and %d are out of order in:\n%s", idx[i-1]+1, idx[i]+1, text)
		}
	}
}

func dependsOn(t *testing.T, rb *rpp.Runbook, step, on int) {
	t.Helper()
	for _, d := range rb.Steps[step].DependsOn {
		if d == on+1 {
			return
		}
	}
	t.Errorf("step %d (%s) does not depend on step %d (%s): %v", step+1, rb.Steps[step].Summary, on+1, rb.Steps[on].Summary, rb.Steps[step].DependsOn)
}

func window(rb *rpp.Runbook, name string) *rpp.Window {
	for i := range rb.Windows {
		if rb.Windows[i].Name == name {
			return &rb.Windows[i]
		}
	}
	return nil
}

// An RMX 8.4 on the legacy method moving to 8.5: the endpoint first, then
// (while 8.4 still runs, as it supports both methods) the new settings and
// one reboot, checked, then the upgrade, and the legacy account retired
// only after the new method is verified. No window but the restarts.
func TestPlanMigrationLegacyTo85From84(t *testing.T) {
	rb, err := rpp.Plan(context.Background(), loadMigration(t, "new-8.5.yaml"), loadMigration(t, "legacy-8.4.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ep := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationEndpoint .*-SipAddress 'sip:rpp@tailspin.com'`)
	pub := stepIndex(t, rb, "lync", rpp.ActionPublish, `Enable-CsTopology`)
	ice := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `Set ICE to the new method`)
	flagStep := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `SIP_CONTACT_OVERRIDE_STR`)
	reboot := stepIndex(t, rb, "rmx/rmx", rpp.ActionReboot, `.`)
	verify := stepIndex(t, rb, "rmx/rmx", rpp.ActionVerify, `ICE`)
	upgrade := stepIndex(t, rb, "rmx/rmx", rpp.ActionUpgrade, `8\.4 to 8\.5\.10`)
	retire := stepIndex(t, rb, "lync", rpp.ActionRemove, `Disable-CsUser -Identity 'sip:rmxice@tailspin.com'`)
	inOrder(t, rb, ep, pub, ice, flagStep, reboot, verify, upgrade, retire)
	dependsOn(t, rb, ice, ep)
	dependsOn(t, rb, reboot, flagStep)
	dependsOn(t, rb, upgrade, verify)
	dependsOn(t, rb, retire, verify)
	// The GRUU is known: pasted as is, without sip:.
	if v := rb.Steps[flagStep].Settings[0].Value; v != "rpp.tailspin.com@tailspin.com;gruu;opaque=srvr:video:Zt5bN8cLq1VmR4xWe7oPdgAA" {
		t.Errorf("flag value %q", v)
	}
	if n := countAction(rb, "rmx/rmx", rpp.ActionReboot); n != 1 {
		t.Errorf("%d reboots for the new settings, want exactly one", n)
	}
	if window(rb, "pool-move") != nil || window(rb, "ice-rmx") != nil {
		t.Errorf("windows %+v: only the restarts should stop service", rb.Windows)
	}
	for _, w := range rb.Windows {
		if w.From != w.To || !rb.Steps[w.From-1].Reboots {
			t.Errorf("window %+v is not a restart", w)
		}
	}
}

// From 8.3, which knows only the legacy method, the upgrade must come
// first: the window runs from the upgrade to the reboot with the new
// settings, and nothing else sits inside it.
func TestPlanMigrationLegacyTo85From83(t *testing.T) {
	rb, err := rpp.Plan(context.Background(), loadMigration(t, "new-8.5.yaml"), loadMigration(t, "legacy-8.3.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ep := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationEndpoint`)
	upgrade := stepIndex(t, rb, "rmx/rmx", rpp.ActionUpgrade, `8\.3 to 8\.5\.10`)
	ice := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `Set ICE to the new method`)
	flagStep := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `SIP_CONTACT_OVERRIDE_STR`)
	reboot := stepIndex(t, rb, "rmx/rmx", rpp.ActionReboot, `.`)
	verify := stepIndex(t, rb, "rmx/rmx", rpp.ActionVerify, `ICE`)
	retire := stepIndex(t, rb, "lync", rpp.ActionRemove, `Disable-CsUser`)
	inOrder(t, rb, ep, upgrade, ice, flagStep, reboot, verify, retire)
	w := window(rb, "ice-rmx")
	if w == nil || w.From != upgrade+1 || w.To != reboot+1 {
		t.Fatalf("window ice-rmx = %+v, want steps %d-%d", w, upgrade+1, reboot+1)
	}
	for _, s := range rb.Steps[w.From-1 : w.To] {
		if s.System != "rmx/rmx" {
			t.Errorf("step %d (%s) sits inside the RMX's outage window", s.Number, s.Summary)
		}
	}
}

// Single-computer pools to one multiple-computer pool: a computer belongs
// to one pool only, so the old pools (their endpoint and applications
// first) go and the topology is published before the new pool takes the
// computers; the window ends when the last system has the new pool's GRUU.
func TestPlanMigrationSingleToMultipleComputerPool(t *testing.T) {
	rb, err := rpp.Plan(context.Background(), loadMigration(t, "new-8.5.yaml"), loadMigration(t, "single-computer-pools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	oldEP := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplicationEndpoint -Identity 'sip:rpp@tailspin.com'`)
	oldApp := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplication -Identity 'rmx.tailspin.com/urn:application:video'`)
	oldPool := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rmx.tailspin.com'`)
	oldDMAPool := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:dma.tailspin.com'`)
	pub1 := stepIndex(t, rb, "lync", rpp.ActionPublish, `.`)
	pool := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationPool -Identity 'rpp.tailspin.com'`)
	comp := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationComputer -Identity 'dma.tailspin.com' -Pool 'rpp.tailspin.com'`)
	app := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.tailspin.com'`)
	ep := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationEndpoint`)
	read := stepIndex(t, rb, "lync", rpp.ActionRead, `rpp.tailspin.com/urn:application:video`)
	flagStep := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `SIP_CONTACT_OVERRIDE_STR`)
	reboot := stepIndex(t, rb, "rmx/rmx", rpp.ActionReboot, `.`)
	peer := stepIndex(t, rb, "dma/dma", rpp.ActionChange, `external SIP peer lync`)
	inOrder(t, rb, oldEP, oldApp, oldPool, pub1, pool, comp, app, ep, read, flagStep, reboot)
	inOrder(t, rb, oldDMAPool, pub1)
	inOrder(t, rb, read, peer)
	dependsOn(t, rb, pool, oldPool)
	dependsOn(t, rb, comp, oldDMAPool)
	dependsOn(t, rb, flagStep, read)
	dependsOn(t, rb, peer, read)
	// The new application's GRUU is Lync's to assign: read back, never
	// taken from the file.
	set := rb.Steps[flagStep].Settings[0]
	if set.From == nil || set.From.Step != read+1 || set.From.Form != rpp.GRUUWithoutScheme {
		t.Errorf("flag setting %+v: want it read back by step %d, without sip:", set, read+1)
	}
	w := window(rb, "pool-move")
	if w == nil || w.From != oldEP+1 || w.To < reboot+1 || w.To < peer+1 {
		t.Fatalf("window pool-move = %+v", w)
	}
	if strings.Join(w.Systems, ",") != "rmx/rmx,dma/dma" {
		t.Errorf("window systems %v", w.Systems)
	}
}

// One pool for two Edge-paired sites to one pool per site: only the West
// systems move (East keeps the old pool and sees no step); West's
// computers leave before the new pool is created with them.
func TestPlanMigrationOnePoolToPoolPerSite(t *testing.T) {
	rb, err := rpp.Plan(context.Background(), loadExample(t, "two-site.yaml"), loadMigration(t, "one-pool-two-sites.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rb.Steps {
		if strings.Contains(s.System, "east") || strings.Contains(s.Command, "east") && s.Action != rpp.ActionRemove {
			t.Errorf("step %d touches East: %s %s", s.Number, s.Summary, s.Command)
		}
	}
	rmDMA := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplicationComputer -Identity 'dma-west.contoso.com'`)
	rmRMX := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplicationComputer -Identity 'rmx-west.contoso.com'`)
	rmEP := stepIndex(t, rb, "lync", rpp.ActionRemove, `Remove-CsTrustedApplicationEndpoint -Identity 'sip:rpp-west@contoso.com'`)
	pub1 := stepIndex(t, rb, "lync", rpp.ActionPublish, `.`)
	pool := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationPool -Identity 'rpp-west.contoso.com' -Registrar 'fe-west.contoso.com' -Site 2`)
	ep := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationEndpoint .*'sip:rpp-west@contoso.com'`)
	read := stepIndex(t, rb, "lync", rpp.ActionRead, `rpp-west`)
	flagStep := stepIndex(t, rb, "rmx/rmx-west", rpp.ActionChange, `SIP_CONTACT_OVERRIDE_STR`)
	reboot := stepIndex(t, rb, "rmx/rmx-west", rpp.ActionReboot, `.`)
	peer := stepIndex(t, rb, "dma/dma-west", rpp.ActionChange, `fe-west`)
	inOrder(t, rb, rmDMA, pub1, pool, ep, read, flagStep, reboot)
	inOrder(t, rb, rmRMX, pub1)
	inOrder(t, rb, rmEP, pub1)
	inOrder(t, rb, read, peer)
	dependsOn(t, rb, pool, rmDMA)
	dependsOn(t, rb, ep, rmEP)
	w := window(rb, "pool-move")
	if w == nil || strings.Join(w.Systems, ",") != "rmx/rmx-west,dma/dma-west" {
		t.Fatalf("window pool-move = %+v, want the West systems", w)
	}
}

func countAction(rb *rpp.Runbook, system string, a rpp.Action) int {
	n := 0
	for _, s := range rb.Steps {
		if s.System == system && s.Action == a {
			n++
		}
	}
	return n
}

// guardedCmdlets are the cmdlets that create or remove, which the script
// must run only when their Get-Cs… check says so; and the Get-Cs… of each.
var guardedCmdlets = map[string]string{
	"New-CsTrustedApplicationPool":        "Get-CsTrustedApplicationPool",
	"New-CsTrustedApplicationComputer":    "Get-CsTrustedApplicationComputer",
	"New-CsTrustedApplication":            "Get-CsTrustedApplication",
	"New-CsTrustedApplicationEndpoint":    "Get-CsTrustedApplicationEndpoint",
	"Remove-CsTrustedApplicationPool":     "Get-CsTrustedApplicationPool",
	"Remove-CsTrustedApplicationComputer": "Get-CsTrustedApplicationComputer",
	"Remove-CsTrustedApplication":         "Get-CsTrustedApplication",
	"Remove-CsTrustedApplicationEndpoint": "Get-CsTrustedApplicationEndpoint",
	"Enable-CsUser":                       "Get-CsUser",
	"Disable-CsUser":                      "Get-CsUser",
	"Set-CsStaticRoutingConfiguration":    "Get-CsStaticRoutingConfiguration",
}

// TestPlanPowerShellRunsTwiceSafely asserts, for every plan the tests
// make, that each cmdlet that creates or removes is wrapped in the guard
// of its own Get-Cs… on the same identity, so a second run does nothing;
// the only unguarded commands are Set-Cs… and Enable-CsTopology, which
// give the same result when repeated, and the read-backs.
func TestPlanPowerShellRunsTwiceSafely(t *testing.T) {
	plans := plansForScripts(t)
	identity := regexp.MustCompile(`-Identity '([^']*)'`)
	guarded := 0
	for _, p := range plans {
		rb := p.rb
		_, ps1, _ := render(t, rb)
		script := string(ps1)
		for _, s := range rb.Steps {
			if s.System != "lync" {
				continue
			}
			cmdlet := strings.Fields(s.Command)[0]
			get, mustGuard := guardedCmdlets[cmdlet]
			if !mustGuard {
				// Only what gives the same result when repeated runs
				// unguarded.
				if !strings.HasPrefix(cmdlet, "Set-Cs") && cmdlet != "Enable-CsTopology" && s.Action != rpp.ActionRead {
					t.Errorf("step %d runs %s unguarded", s.Number, cmdlet)
				}
				continue
			}
			if s.Done == "" || !strings.Contains(s.Done, get) {
				t.Errorf("step %d (%s): guard %q does not use %s", s.Number, cmdlet, s.Done, get)
				continue
			}
			// Run when not done: if (-not (Done)), or for Done = -not (X),
			// if (X).
			want := "if (-not (" + s.Done + ")) {\n    " + s.Command + "\n}\n"
			if inner, ok := strings.CutPrefix(s.Done, "-not ("); ok {
				want = "if (" + strings.TrimSuffix(inner, ")") + ") {\n    " + s.Command + "\n}\n"
			}
			if !strings.Contains(script, want) {
				t.Errorf("the script does not guard step %d as\n%s", s.Number, want)
			}
			// The guard looks for what the command makes or removes.
			if m := identity.FindStringSubmatch(s.Done); m != nil {
				// New-Cs… names a pool by its FQDN and an application by
				// its pool and ID; Get-Cs… and Remove-Cs… by identity.
				id := strings.TrimPrefix(m[1], "TrustedApplicationPool:")
				if pool, app, ok := strings.Cut(id, "/urn:application:"); ok && s.Action == rpp.ActionCreate {
					id = pool
					if !strings.Contains(s.Command, "-ApplicationId '"+app+"'") {
						t.Errorf("step %d: guard on application %q, command %s", s.Number, app, s.Command)
					}
				}
				if !strings.Contains(s.Command, "'"+id+"'") && !strings.Contains(s.Command, "'"+m[1]+"'") {
					t.Errorf("step %d: guard on %q, command %s", s.Number, m[1], s.Command)
				}
			}
			guarded++
		}
		if strings.Count(script, "New-Cs")+strings.Count(script, "Remove-Cs") > 0 && !strings.Contains(script, "-ErrorAction SilentlyContinue") {
			t.Error("no guard in a script that creates")
		}
	}
	if guarded < 20 {
		t.Fatalf("only %d guarded steps seen", guarded)
	}
}

// TestPlanRefusesUnfixable: errors no step can settle stop the plan, each
// named with its rule and position; errors a fix settles do not.
func TestPlanRefusesUnfixable(t *testing.T) {
	_, err := rpp.Plan(context.Background(), loadExample(t, "story-wildcard-certificate.yaml"), nil)
	var ue *rpp.UnplannableError
	if !errors.As(err, &ue) || !errors.Is(err, rpp.ErrUnplannable) {
		t.Fatalf("err = %v, want an *UnplannableError", err)
	}
	rules := map[string]bool{}
	for _, f := range ue.Findings {
		rules[f.Rule] = true
		if !f.Position().IsValid() {
			t.Errorf("%s %s has no position", f.Rule, f.Object)
		}
	}
	for _, want := range []string{"cert-wildcard", "rmx-sfb-version"} {
		if !rules[want] {
			t.Errorf("refusal lacks %s: %v", want, err)
		}
	}
	if !strings.Contains(err.Error(), "story-wildcard-certificate.yaml:43:7: cert-wildcard") {
		t.Errorf("message does not name file:line and rule:\n%v", err)
	}
	if _, err := rpp.Plan(context.Background(), nil, nil); !errors.Is(err, rpp.ErrNoDeployment) {
		t.Errorf("nil deployment: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rpp.Plan(ctx, loadExample(t, "two-site.yaml"), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestPlanCorrections: the legacy method on 8.5 is settled by moving the
// RMX to the new method — an endpoint named after its pool, its ICE
// settings pointed at it — and the plan says so, pointing at the file.
func TestPlanCorrections(t *testing.T) {
	d := loadExample(t, "story-legacy-ice-after-upgrade.yaml")
	rb, err := rpp.Plan(context.Background(), d, d)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, c := range rb.Corrections {
		rules = append(rules, c.Rule)
		if c.Line == 0 {
			t.Errorf("correction %+v has no line", c)
		}
	}
	if got := strings.Join(rules, " "); got != "lync-endpoint-missing rmx-ice-method-unsupported" {
		t.Errorf("corrections %q", got)
	}
	ep := stepIndex(t, rb, "lync", rpp.ActionCreate, `-SipAddress 'sip:rpp@tailspin.com'`)
	ice := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `new method`)
	inOrder(t, rb, ep, ice)
	if d.RPP.RMX[0].SIP.ServerUserName != "rmxice" {
		t.Error("Plan changed the deployment it was given")
	}
}

// TestPlanSettlesNewIntegration: a deployment that names its systems but
// leaves out what the guidance derives — no application, no endpoint, an
// RMX in no pool, no GRUU anywhere — is planned in full.
func TestPlanSettlesNewIntegration(t *testing.T) {
	src := `lync:
  product: sfb2015
  sipDomains: [contoso.com]
  sites: [{name: HQ}]
  frontEndPools: [{fqdn: fe.contoso.com, site: HQ, edgePool: edge.contoso.com}]
  edgePools: [{fqdn: edge.contoso.com, site: HQ}]
  trustedApplicationPools:
    - {fqdn: rpp.contoso.com, site: HQ, registrar: fe.contoso.com, computers: [dma.contoso.com]}
  users: ["sip:rpp@contoso.com"]
rpp:
  workflows: [realconnect]
  rmx:
    - {name: rmx, fqdn: rmx.contoso.com, site: HQ, version: "8.7.1", sip: {server: fe.contoso.com, serverDomainName: contoso.com}}
  dma:
    - {name: dma, fqdn: dma.contoso.com, site: HQ, version: "6.4", lyncPeers: [{name: fe, address: fe.contoso.com}], realConnect: {enabled: true}}
`
	d, err := rpp.Parse("new.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := rpp.Plan(context.Background(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	pool := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationPool -Identity 'rpp.contoso.com' -Registrar 'fe.contoso.com' -Site \(\(Get-CsSite -Identity 'site:HQ'\).SiteId\) -ComputerFqdn 'dma.contoso.com'`)
	comp := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplicationComputer -Identity 'rmx.contoso.com'`)
	app := stepIndex(t, rb, "lync", rpp.ActionCreate, `New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.contoso.com' -Port 5061`)
	// sip:rpp@ is a user's: the endpoint takes the next free address.
	ep := stepIndex(t, rb, "lync", rpp.ActionCreate, `-SipAddress 'sip:rpp-2@contoso.com'`)
	read := stepIndex(t, rb, "lync", rpp.ActionRead, `.`)
	flagStep := stepIndex(t, rb, "rmx/rmx", rpp.ActionChange, `SIP_CONTACT_OVERRIDE_STR`)
	peer := stepIndex(t, rb, "dma/dma", rpp.ActionCreate, `external SIP peer fe`)
	inOrder(t, rb, pool, comp, app, ep, read, flagStep)
	inOrder(t, rb, read, peer)
	var peerGRUU *rpp.Setting
	for i, s := range rb.Steps[peer].Settings {
		if s.From != nil {
			peerGRUU = &rb.Steps[peer].Settings[i]
		}
	}
	if peerGRUU == nil || peerGRUU.From.Form != rpp.GRUUWithScheme || peerGRUU.From.Step != read+1 {
		t.Errorf("DMA peer settings %+v: want the GRUU with sip: from step %d", rb.Steps[peer].Settings, read+1)
	}
	if len(rb.Corrections) < 4 {
		t.Errorf("corrections %+v", rb.Corrections)
	}
}

type namedPlan struct {
	name string
	rb   *rpp.Runbook
}

// plansForScripts returns the plans of every example the plan does not
// refuse, as new integrations, and of the migrations.
func plansForScripts(t *testing.T) []namedPlan {
	t.Helper()
	var plans []namedPlan
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for _, n := range names {
		if rb, err := rpp.Plan(context.Background(), loadExample(t, n), nil); err == nil {
			plans = append(plans, namedPlan{n, rb})
		}
	}
	for _, m := range [][2]string{{"new-8.5.yaml", "legacy-8.4.yaml"}, {"new-8.5.yaml", "single-computer-pools.yaml"}, {"new-8.5.yaml", "legacy-8.3.yaml"}} {
		rb, err := rpp.Plan(context.Background(), loadMigration(t, m[0]), loadMigration(t, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, namedPlan{m[1] + "-to-" + m[0], rb})
	}
	rb, err := rpp.Plan(context.Background(), loadExample(t, "two-site.yaml"), loadMigration(t, "one-pool-two-sites.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return append(plans, namedPlan{"one-pool-two-sites-to-two-site", rb})
}

// TestPlanRetiresAfterEveryCheck: what the new configuration replaces (a
// static route the traditional workflow needed) is retired only after a
// gate that waits for every check of the plan.
func TestPlanRetiresAfterEveryCheck(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "plan", "migrations", "one-pool-two-sites.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`staticRoutes: \[\].*`).ReplaceAllString(string(src),
		"staticRoutes: [{destination: dma-west.contoso.com, port: 5061, transport: tls, matchUri: vmr.contoso.com}]")
	text = strings.Replace(text, "workflows: [realconnect]", "workflows: [realconnect, traditional]", 1)
	current, err := rpp.Parse("current.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := rpp.Plan(context.Background(), loadExample(t, "two-site.yaml"), current)
	if err != nil {
		t.Fatal(err)
	}
	rmxCheck := stepIndex(t, rb, "rmx/rmx-west", rpp.ActionVerify, `ICE`)
	dmaCheck := stepIndex(t, rb, "dma/dma-west", rpp.ActionVerify, `RealConnect`)
	gate := stepIndex(t, rb, "rpp", rpp.ActionVerify, `every check above`)
	route := stepIndex(t, rb, "lync", rpp.ActionRemove, `Set-CsStaticRoutingConfiguration -Identity 'global' -Route \(@\{Remove=`)
	inOrder(t, rb, rmxCheck, dmaCheck, gate, route)
	dependsOn(t, rb, gate, rmxCheck)
	dependsOn(t, rb, gate, dmaCheck)
	dependsOn(t, rb, route, gate)
	if got := rb.Steps[route].DependsOn; len(got) != 1 {
		t.Errorf("the route's removal depends on %v, want the gate alone", got)
	}
}

// TestPlanNotesWhatItLeavesOut: Front End and Edge pools and SIP domains
// are Topology Builder's to deploy; a plan from a topology without them
// says so rather than staying silent.
func TestPlanNotesWhatItLeavesOut(t *testing.T) {
	rb, err := rpp.Plan(context.Background(), loadExample(t, "two-site.yaml"), loadExample(t, "single-site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(rb.Notes, "\n")
	for _, want := range []string{
		"Front End pool fe-east.contoso.com is not in the current topology",
		"Edge pool edge-west.contoso.com is not in the current topology",
		"SIP domain contoso.com is not in the current topology",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestPlanPortChange: an application's port that moves is planned in Lync
// (Set-CsTrustedApplication), and the systems' own listening port is
// noted, not guessed.
func TestPlanPortChange(t *testing.T) {
	cur := loadExample(t, "two-site.yaml")
	want := loadExample(t, "two-site.yaml")
	for _, f := range [][2]string{
		{"lync.trustedApplications[0].port", "5062"},
		{"rpp.rmx[0].listenPort", "5062"},
		{"rpp.dma[0].listenPort", "5062"},
	} {
		if err := want.Set(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	rb, err := rpp.Plan(context.Background(), want, cur)
	if err != nil {
		t.Fatal(err)
	}
	set := stepIndex(t, rb, "lync", rpp.ActionChange, `Set-CsTrustedApplication -Identity 'rpp-east.contoso.com/urn:application:video' -Port 5062`)
	pub := stepIndex(t, rb, "lync", rpp.ActionPublish, `.`)
	inOrder(t, rb, set, pub)
	notes := strings.Join(rb.Notes, "\n")
	for _, sys := range []string{"rmx/rmx-east", "dma/dma-east"} {
		if !strings.Contains(notes, sys+" is to listen for SIP over TLS on port 5062 instead of 5061") {
			t.Errorf("no note on %s's port:\n%s", sys, notes)
		}
	}
}

// TestPlanIgnoresCase: host names, SIP names and choices that differ only
// in case are the same settings, and need no step.
func TestPlanIgnoresCase(t *testing.T) {
	cur := loadExample(t, "two-site.yaml")
	want := loadExample(t, "two-site.yaml")
	for _, f := range [][2]string{
		{"rpp.rmx[0].sip.server", "FE-East.Contoso.com"},
		{"rpp.rmx[0].sip.serverDomainName", "Contoso.COM"},
		{"rpp.rmx[0].sip.iceEnvironment", "MS"},
		{"rpp.dma[0].lyncPeers[0].address", "FE-EAST.contoso.com"},
		{"rpp.rmx[1].certificate.san", "[RMX-West.contoso.com]"},
	} {
		if err := want.Set(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	rb, err := rpp.Plan(context.Background(), want, cur)
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Empty() {
		text, _, _ := render(t, rb)
		t.Errorf("case alone made steps:\n%s", text)
	}
}
