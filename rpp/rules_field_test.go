package rpp

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// exampleEdit replaces the first occurrence of old in a bundled example.
type exampleEdit struct{ old, new string }

// edited returns the bundled example name with edits made, failing the
// test when one does not apply (so an example changed later cannot make a
// case test nothing).
func edited(t *testing.T, name string, edits ...exampleEdit) []byte {
	t.Helper()
	data, err := fs.ReadFile(examples.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, e := range edits {
		if !strings.Contains(text, e.old) {
			t.Fatalf("%s holds no %q to edit", name, e.old)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	return []byte(text)
}

// lineOf returns the line (from 1) of the only line of text holding marker.
func lineOf(t *testing.T, text []byte, marker string) int {
	t.Helper()
	var found []int
	for i, l := range strings.Split(string(text), "\n") {
		if strings.Contains(l, marker) {
			found = append(found, i+1)
		}
	}
	if len(found) != 1 {
		t.Fatalf("marker %q is on lines %v; want exactly one", marker, found)
	}
	return found[0]
}

// fieldFinding is a finding a case expects: its rule, the line it points
// at (the line holding marker), its field path, and the value its fix sets
// the field to ("" when the fix is in words only).
type fieldFinding struct{ rule, marker, field, fix string }

// The edits that make the rules from the field act on two-site.yaml, and
// the same settings made right.
func fieldEditsTwoSite(right bool) []exampleEdit {
	pick := func(wrong, good string) string {
		if right {
			return good
		}
		return wrong
	}
	return []exampleEdit{
		// fe-east is a pool of two Front Ends, so the keep-alive flag counts.
		{"        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n", pick(
			"        sip_free_video_resources: \"yes\"\n        SEND_SRTP_MKI: \"NO\"\n        Ms_Keep_Alive_Enable: \"NO\"\n",
			"        sip_free_video_resources: \"NO\"\n        SEND_SRTP_MKI: \"yes\"\n        Ms_Keep_Alive_Enable: \"Yes\"\n",
		)},
		{"        - {name: lync-hd, encryption: whenAvailable}",
			"        - {name: lync-hd, encryption: whenAvailable, lineRate: " + pick("128", "256") + "}"},
		{"      certificate: {subject: rmx-east.contoso.com, san: [rmx-east.contoso.com]}",
			"      certificate: {subject: rmx-east.contoso.com, san: [rmx-east.contoso.com], eku: " + pick("[serverAuth]", "[ClientAuth, serverAuth]") + "}"},
		{"          address: fe-east.contoso.com\n",
			"          address: fe-east.contoso.com\n          type: " + pick("Other", "Microsoft") + "\n          port: " + pick("5060", "5061") + "\n"},
		{"      vmrs: [\"1000\", \"1001\"]", "      dialRules:\n" + pick(
			"        - {name: endpoints, action: other}\n        - {name: lync peers, action: externalSipPeer}\n        - {name: realconnect, action: lyncConferenceId}\n",
			"        - {name: endpoints, action: other}\n        - {name: realconnect, action: LyncConferenceID}\n        - {name: lync peers, action: externalSipPeer}\n",
		) + "      conferenceTemplates:\n        - {name: rc, mode: " + pick("mixed", "avc") + ", realConnect: true}\n" +
			"        - {name: svc-rooms, mode: svc}\n" +
			"      vmrs: [\"1000\", \"1001\"]"},
	}
}

// TestFieldRulesAct makes each rule from the field act through a deployment
// file, and checks each finding's rule, line, field path and fix; the same
// file with the settings made right has no findings.
func TestFieldRulesAct(t *testing.T) {
	cases := []struct {
		name  string
		base  string
		edits []exampleEdit
		right []exampleEdit
		want  []fieldFinding
	}{{
		name: "RMX flags, line rate, EKU, DMA peer, dial rules and template", base: "two-site.yaml",
		edits: fieldEditsTwoSite(false), right: fieldEditsTwoSite(true),
		want: []fieldFinding{
			{"cert-eku", "eku: [serverAuth]", "rpp.rmx[0].certificate.eku", ""},
			{"rmx-flag-free-video-resources", "sip_free_video_resources", "rpp.rmx[0].flags.sip_free_video_resources", "NO"},
			{"rmx-flag-srtp-mki-off", "SEND_SRTP_MKI", "rpp.rmx[0].flags.SEND_SRTP_MKI", "YES"},
			{"rmx-flag-keep-alive-off", "Ms_Keep_Alive_Enable", "rpp.rmx[0].flags.Ms_Keep_Alive_Enable", "YES"},
			{"rmx-cascade-rate", "lineRate: 128", "rpp.rmx[0].conferenceProfiles[0].lineRate", "256"},
			{"dma-peer-type", "type: Other", "rpp.dma[0].lyncPeers[0].type", "microsoft"},
			{"dma-peer-type", "port: 5060", "rpp.dma[0].lyncPeers[0].port", "5061"},
			{"dma-dial-rule-order", "action: lyncConferenceId", "rpp.dma[0].dialRules[2].action", ""},
			{"dma-template-avc-only", "mode: mixed", "rpp.dma[0].conferenceTemplates[0].mode", "avc"},
		},
	}, {
		name: "two static routes for one domain", base: "single-site.yaml",
		edits: []exampleEdit{{"matchUri: vmr.fabrikam.com}\n",
			"matchUri: vmr.fabrikam.com}\n    - {destination: rmx1.fabrikam.com, port: 5061, transport: tls, matchUri: \"sip:VMR.Fabrikam.com.\"}\n"}},
		right: []exampleEdit{{"matchUri: vmr.fabrikam.com}\n",
			"matchUri: vmr.fabrikam.com}\n    - {destination: rmx1.fabrikam.com, port: 5061, transport: tls, matchUri: \"sip:rooms.fabrikam.com\"}\n"}},
		want: []fieldFinding{
			{"lync-static-route-duplicate-match", "sip:VMR.Fabrikam.com.", "lync.staticRoutes[1].matchUri", ""},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := edited(t, tc.base, tc.edits...)
			d, err := Parse(tc.base, data)
			if err != nil {
				t.Fatal(err)
			}
			r := Check(context.Background(), d, Options{})
			var got, want []fieldFinding
			for _, f := range r.Findings {
				got = append(got, fieldFinding{f.Rule, "", f.Field, f.Replacement()})
				for _, w := range tc.want {
					if w.rule == f.Rule && w.field == f.Field {
						if line := lineOf(t, data, w.marker); f.File != tc.base || f.Line != line {
							t.Errorf("%s %s points at %s:%d; want %s:%d", f.Rule, f.Field, f.File, f.Line, tc.base, line)
						}
					}
				}
				if f.Message == "" || f.Fix == "" || f.DocURL == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			for _, w := range tc.want {
				want = append(want, fieldFinding{w.rule, "", w.field, w.fix})
			}
			less := func(a, b fieldFinding) int { return strings.Compare(a.rule+a.field, b.rule+b.field) }
			slices.SortFunc(got, less)
			slices.SortFunc(want, less)
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(fieldFinding{})); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}

			right := edited(t, tc.base, tc.right...)
			d, err = Parse(tc.base, right)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range Check(context.Background(), d, Options{}).Findings {
				t.Errorf("with the settings right: %s:%d %s %s: %s", f.File, f.Line, f.Rule, f.Field, f.Message)
			}
		})
	}
}

// TestFieldRulesFixesApply: the mechanical fixes of the rules from the
// field, applied to the file, leave none of their findings.
func TestFieldRulesFixesApply(t *testing.T) {
	data := edited(t, "two-site.yaml", fieldEditsTwoSite(false)...)
	d, err := Parse("two-site.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	r := Check(context.Background(), d, Options{})
	out, err := ApplyFixes(data, r.Findings)
	if err != nil {
		t.Fatal(err)
	}
	d, err = Parse("two-site.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var left []string
	for _, f := range Check(context.Background(), d, Options{}).Findings {
		left = append(left, f.Rule)
	}
	slices.Sort(left)
	// What has no mechanical fix stays: the certificate must be reissued,
	// and dial rules moved.
	if want := []string{"cert-eku", "dma-dial-rule-order"}; !slices.Equal(left, want) {
		t.Errorf("after the fixes, findings of %v; want %v", left, want)
	}
}

// TestFieldValuesRefused: the new fields are typed, so a value outside
// their set is a decode error naming the field, never a silent default.
func TestFieldValuesRefused(t *testing.T) {
	cases := []struct {
		edit  exampleEdit
		is    error
		field string
	}{
		{exampleEdit{"          address: fe-east.contoso.com\n", "          address: fe-east.contoso.com\n          type: cisco\n"},
			dma.ErrUnknownPeerType, "rpp.dma[0].lyncPeers[0].type"},
		{exampleEdit{"          address: fe-east.contoso.com\n", "          address: fe-east.contoso.com\n          port: 70000\n"},
			lync.ErrInvalidPort, "rpp.dma[0].lyncPeers[0].port"},
		{exampleEdit{"      vmrs: [\"1000\", \"1001\"]", "      dialRules: [{name: x, action: resolveSomehow}]\n      vmrs: []"},
			dma.ErrUnknownDialAction, "rpp.dma[0].dialRules[0].action"},
		{exampleEdit{"      vmrs: [\"1000\", \"1001\"]", "      conferenceTemplates: [{name: x, mode: h264}]\n      vmrs: []"},
			dma.ErrUnknownConferenceMode, "rpp.dma[0].conferenceTemplates[0].mode"},
		{exampleEdit{"san: [rmx-east.contoso.com]}", "san: [rmx-east.contoso.com], eku: [codeSigning]}"},
			lync.ErrUnknownEKU, "rpp.rmx[0].certificate.eku[0]"},
		{exampleEdit{"        - {name: lync-hd, encryption: whenAvailable}", "        - {name: lync-hd, encryption: whenAvailable, lineRate: 1024k}"},
			rmx.ErrInvalidLineRate, "rpp.rmx[0].conferenceProfiles[0].lineRate"},
		{exampleEdit{"        - {name: lync-hd, encryption: whenAvailable}", "        - {name: lync-hd, encryption: whenAvailable, lineRate: 0}"},
			rmx.ErrInvalidLineRate, "rpp.rmx[0].conferenceProfiles[0].lineRate"},
	}
	for _, tc := range cases {
		_, err := Parse("two-site.yaml", edited(t, "two-site.yaml", tc.edit))
		var fe *FieldError
		if !errors.Is(err, tc.is) || !errors.As(err, &fe) || fe.Field != tc.field || fe.Pos.Line == 0 {
			t.Errorf("%q: err %v; want %v at %s with a line", tc.edit.new, err, tc.is, tc.field)
		}
	}
}

func TestFlagsReadAsTheRMXDoes(t *testing.T) {
	f := rmx.Flags{"send_srtp_mki": " no ", "Send_SRTP_MKI": "YES", "MS_KEEP_ALIVE_ENABLE": "maybe"}
	if k := f.KeyOf(rmx.FlagSendSRTPMKI); k != "Send_SRTP_MKI" {
		t.Errorf("KeyOf = %q; want the first of the spellings in sorted order", k)
	}
	if yes, known := f.YesNo(rmx.FlagSendSRTPMKI); !yes || !known {
		t.Errorf("YesNo(SEND_SRTP_MKI) = %v, %v", yes, known)
	}
	if _, known := f.YesNo(rmx.FlagMSKeepAlive); known {
		t.Error("a value other than YES or NO is read as known")
	}
	if _, known := f.YesNo(rmx.FlagFreeVideoResources); known {
		t.Error("an absent flag is read as known")
	}
	if yes, known := (rmx.Flags{"sip_free_video_resources": " no "}).YesNo(rmx.FlagFreeVideoResources); yes || !known {
		t.Errorf("YesNo(' no ') = %v, %v", yes, known)
	}
}

// TestContactOverrideReadAsTheRMXDoes: SIP_CONTACT_OVERRIDE_STR is found
// whatever the case of its name, like every other flag, and findings and
// fixes point at the key as written.
func TestContactOverrideReadAsTheRMXDoes(t *testing.T) {
	const right = "        SIP_CONTACT_OVERRIDE_STR: \"rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n"
	for _, tc := range []struct {
		name, line string
		want       []string
	}{
		{"lower case, right", strings.ToLower(right[:33]) + right[33:], nil},
		{"lower case, with sip:", strings.Replace(strings.ToLower(right[:33])+right[33:], ": \"", ": \"sip:", 1), []string{"rmx-contact-override-prefix"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("two-site.yaml", edited(t, "two-site.yaml", exampleEdit{right, tc.line}))
			if err != nil {
				t.Fatal(err)
			}
			r := Check(context.Background(), d, Options{})
			if diff := cmp.Diff(tc.want, fired(r), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				if f.Field != "rpp.rmx[0].flags.sip_contact_override_str" || f.Line != 61 {
					t.Errorf("finding at %s, line %d; want the key as written", f.Field, f.Line)
				}
			}
		})
	}
}

// TestMergeLyncKeepsFrontEndComputers: output that does not list a Front
// End pool's servers (Get-CsPool | Format-Table Identity, Site, say) must
// not make a refresh drop the computers the admin wrote (which
// rmx-flag-keep-alive-off reads).
func TestMergeLyncKeepsFrontEndComputers(t *testing.T) {
	src := edited(t, "single-site.yaml", exampleEdit{
		"edgePool: lyncedge.fabrikam.com}\n",
		"edgePool: lyncedge.fabrikam.com, computers: [fe1.fabrikam.com, fe2.fabrikam.com]}\n"})
	dep, err := Parse("single-site.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	imported := dep.Lync
	imported.FrontEndPools = slices.Clone(imported.FrontEndPools)
	imported.FrontEndPools[0].Computers = nil
	got, _, err := MergeLync("single-site.yaml", src, imported, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, src) {
		t.Errorf("the merge changed the file:\n%s", cmp.Diff(string(src), string(got)))
	}
}
