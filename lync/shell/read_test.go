package shell

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/internal/textdiff"
	"github.com/rppkit/rppkit/lync"
)

var updateImport = flag.Bool("update-import", false, "rewrite the golden files in testdata/import")

// readFiles parses each output (name → text, in name order) and reads them
// together.
func readFiles(t testing.TB, files map[string]string) *Import {
	t.Helper()
	var outs []*Output
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		out, err := ParseBytes(name, []byte(files[name]))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	im, err := Read(context.Background(), outs...)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func readFixture(t testing.TB, name string) *Import {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	out, err := ParseBytes(name, b)
	if err != nil {
		t.Fatal(err)
	}
	im, err := Read(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

// goldenYAML renders what an import gives: the parts covered, the
// diagnostics, and the lync: mapping with only the covered parts, as rpp
// import writes it.
func goldenYAML(t testing.TB, im *Import) []byte {
	t.Helper()
	var topo yaml.Node
	if err := topo.Encode(im.Topology); err != nil {
		t.Fatal(err)
	}
	kept := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(topo.Content); i += 2 {
		if im.Covers(topo.Content[i].Value) {
			kept.Content = append(kept.Content, topo.Content[i], topo.Content[i+1])
		}
	}
	diags := []string{}
	for _, d := range im.Diagnostics {
		diags = append(diags, d.String())
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	err := enc.Encode(struct {
		Parts       []string   `yaml:"parts"`
		Diagnostics []string   `yaml:"diagnostics"`
		Lync        *yaml.Node `yaml:"lync"`
	}{orEmpty(im.Parts), diags, kept})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Each fixture in testdata/import reads to its golden file: the lync:
// part rpp import would write and the diagnostics it would print.
func TestReadGolden(t *testing.T) {
	fixtures, err := filepath.Glob(filepath.Join("testdata", "import", "*.txt"))
	if err != nil || len(fixtures) < 15 {
		t.Fatalf("fixtures: %v %v", fixtures, err)
	}
	for _, path := range fixtures {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			got := goldenYAML(t, readFixture(t, name))
			golden := strings.TrimSuffix(path, ".txt") + ".golden.yaml"
			if *updateImport {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./lync/shell -run ReadGolden -update-import writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs (-update-import rewrites it):\n%s", golden, textdiff.Unified(golden, "got", want, got))
			}
		})
	}
}

// The full East/West output, saved as CollectScript saves it (UTF-16 LE
// with a BOM, CRLF), reads to the lync: part of examples/two-site.yaml,
// every part covered.
func TestReadTwoSiteMatchesExample(t *testing.T) {
	im := readFixture(t, "two-site.utf16.txt")
	b, err := examples.FS.ReadFile("two-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Lync lync.Topology `yaml:"lync"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b lync.SIPAddress) bool { return a == b })}
	if d := cmp.Diff(doc.Lync, im.Topology, opts); d != "" {
		t.Errorf("two-site.utf16.txt vs examples/two-site.yaml (-want +got):\n%s", d)
	}
	all := []string{PartEdgePools, PartFrontEndPools, PartProduct, PartSIPDomains, PartSites, PartStaticRoutes,
		PartTrustedApplicationEndpoints, PartTrustedApplicationPools, PartTrustedApplications, PartUsers}
	if !slices.Equal(im.Parts, all) {
		t.Errorf("Parts = %v, want %v", im.Parts, all)
	}
	// Only what the model has no place for is reported: the SQL pools and
	// the disabled user.
	left := diagnosticsWith(im, ErrLeftOut)
	if len(im.Diagnostics) != 2 || len(left) != 2 || !strings.Contains(left[0].Message, "2 pool(s)") || !strings.Contains(left[1].Message, "carol") {
		t.Errorf("diagnostics = %v, want the SQL pools and carol (disabled) left out", im.Diagnostics)
	}
}

// The same output in UTF-8 and in UTF-16 reads the same.
func TestReadEncodingsAgree(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "import", "two-site.utf16.txt"))
	if err != nil {
		t.Fatal(err)
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 2; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	utf8Text := string(utf16.Decode(u))
	if !strings.Contains(utf8Text, "ServerVersion : Skype for Business Server 2015") {
		t.Fatalf("decoded badly: %.80q", utf8Text)
	}
	fromUTF8 := readFiles(t, map[string]string{"two-site.utf16.txt": utf8Text})
	fromUTF16 := readFixture(t, "two-site.utf16.txt")
	if d := cmp.Diff(goldenYAML(t, fromUTF16), goldenYAML(t, fromUTF8)); d != "" {
		t.Errorf("UTF-8 and UTF-16 differ:\n%s", d)
	}
}

// diagnosticsWith returns the diagnostics wrapping target.
func diagnosticsWith(im *Import, target error) []Diagnostic {
	var out []Diagnostic
	for _, d := range im.Diagnostics {
		if errors.Is(d.Err, target) {
			out = append(out, d)
		}
	}
	return out
}

func wantOne(t *testing.T, im *Import, target error, sev Severity, line int) Diagnostic {
	t.Helper()
	ds := diagnosticsWith(im, target)
	if len(ds) != 1 {
		t.Fatalf("%d diagnostics wrap %v, want 1; all: %v", len(ds), target, im.Diagnostics)
	}
	if ds[0].Severity != sev || (line > 0 && ds[0].Line != line) {
		t.Errorf("diagnostic %v: want severity %s at line %d", ds[0], sev, line)
	}
	return ds[0]
}

const tapEast = `Identity             : TrustedApplicationPool:rpp-east.contoso.com
Registrar            : Registrar:fe-east.contoso.com
ThrottleAsServer     : True
SiteId               : Site:East
PoolFqdn             : rpp-east.contoso.com
`

// A record of no known cmdlet is a warning naming its first fields, and
// the rest of the output is still read.
func TestReadUnknownRecord(t *testing.T) {
	im := readFiles(t, map[string]string{"a.txt": "Identity : Global\nMaxTokenLifetime : 08:00:00\nFoo : 1\nBar : 2\n\n" + tapEast})
	d := wantOne(t, im, ErrUnknownRecord, SeverityWarning, 1)
	if d.Cmdlet != "" || !strings.Contains(d.Message, "Identity, MaxTokenLifetime, Foo, …") {
		t.Errorf("unknown record diagnostic %+v", d)
	}
	if len(im.Topology.TrustedApplicationPools) != 1 {
		t.Errorf("the pool after the unknown record was not read: %+v", im.Topology)
	}
}

// Empty ServiceGruu: a warning with what to try, and the application
// still imported with serviceGruu "".
func TestReadEmptyServiceGRUU(t *testing.T) {
	im := readFiles(t, map[string]string{"a.txt": `Identity                   : rpp-east.contoso.com/urn:application:video
ComputerGruus              : {}
ServiceGruu                :
Protocol                   : Mtls
Port                       : 5061
`})
	d := wantOne(t, im, ErrEmptyServiceGRUU, SeverityWarning, 3)
	for _, want := range []string{"Enable-CsTopology", "Get-CsTrustedApplication -Identity rpp-east.contoso.com/urn:application:video | Select-Object -ExpandProperty ServiceGruu", "ComputerGruus"} {
		if !strings.Contains(d.Hint, want) {
			t.Errorf("hint %q lacks %q", d.Hint, want)
		}
	}
	want := []lync.TrustedApplication{{ApplicationID: "video", Pool: "rpp-east.contoso.com", Port: 5061}}
	if d := cmp.Diff(want, im.Topology.TrustedApplications); d != "" {
		t.Error(d)
	}
	// Another record of the same application that shows the GRUU settles it.
	im = readFiles(t, map[string]string{"a.txt": "ServiceGruu :\n", "b.txt": "Identity : rpp-east.contoso.com/urn:application:video\nServiceGruu :\n\nServiceGruu : sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\n"})
	if ds := diagnosticsWith(im, ErrEmptyServiceGRUU); len(ds) != 1 || ds[0].File != "a.txt" {
		t.Errorf("want only the lone empty ServiceGruu of a.txt reported: %v", im.Diagnostics)
	}
	if got := im.Topology.TrustedApplications; len(got) != 1 || got[0].ServiceGRUU == "" {
		t.Errorf("applications %+v", got)
	}
}

// fl ServiceGruu alone: the pool and application come from the GRUU, and a
// table GRUU (blanks after ';', Opaque capitalised) is normalised.
func TestReadGRUUOnly(t *testing.T) {
	im := readFiles(t, map[string]string{"a.txt": "ServiceGruu : sip:rpp.contoso.com@contoso.com; gruu; Opaque=srvr:video:yDUhQWqi81WfJXFUvMAwtwAA\n"})
	want := []lync.TrustedApplication{{ApplicationID: "video", Pool: "rpp.contoso.com",
		ServiceGRUU: "sip:rpp.contoso.com@contoso.com;gruu;Opaque=srvr:video:yDUhQWqi81WfJXFUvMAwtwAA"}}
	if d := cmp.Diff(want, im.Topology.TrustedApplications); d != "" || len(im.Diagnostics) != 0 {
		t.Errorf("%s %v", d, im.Diagnostics)
	}
	if !slices.Equal(im.Parts, []string{PartTrustedApplications}) {
		t.Errorf("Parts = %v", im.Parts)
	}
}

// A recognised record with a bad value is an error naming the file, the
// field's line and the field; the object is left out.
func TestReadUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		field      string
		cause      error
	}{
		{"bad registrar", strings.Replace(tapEast, "fe-east", "fe_east", 1), 2, "Registrar", lync.ErrInvalidFQDN},
		{"bad GRUU", "ServiceGruu : sip:rpp.contoso.com@contoso.com;gruu\n", 1, "ServiceGruu", lync.ErrMalformedGRUU},
		{"GRUU of another pool", "Identity : rpp-east.contoso.com/urn:application:video\nServiceGruu : sip:rpp-west.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\n", 2, "ServiceGruu", lync.ErrMalformedGRUU},
		{"bad SIP address", "SipAddress : alice@contoso.com\nSamAccountName : alice\n", 1, "SipAddress", lync.ErrInvalidSIPAddress},
		{"bad port", "Identity : rpp.contoso.com/urn:application:video\nPort : 99999\n", 2, "Port", lync.ErrInvalidPort},
		{"bad site id", "Identity : Site:East\nSiteId : one\nKind : Central\n", 2, "SiteId", nil},
		{"unknown product", "ServerVersion : Office Communications Server 2007 R2\n", 1, "ServerVersion", nil},
		{"route without transport kind", "Transport : Foo=1;Port=5061\nMatchUri : vmr.contoso.com\nMatchOnlyPhoneUri : False\n", 1, "Transport", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := readFiles(t, map[string]string{"a.txt": tc.text})
			d := wantOne(t, im, ErrUnreadableRecord, SeverityError, tc.line)
			if d.File != "a.txt" || !strings.Contains(d.Message, "field "+tc.field) {
				t.Errorf("diagnostic %v: want a.txt and field %s", d, tc.field)
			}
			if tc.cause != nil && !errors.Is(d.Err, tc.cause) {
				t.Errorf("diagnostic error %v does not wrap %v", d.Err, tc.cause)
			}
			if len(im.Topology.TrustedApplicationPools)+len(im.Topology.TrustedApplications)+len(im.Topology.Users)+
				len(im.Topology.Sites)+len(im.Topology.StaticRoutes) != 0 || im.Topology.Product != "" {
				t.Errorf("the unreadable object was imported: %+v", im.Topology)
			}
		})
	}
}

// The same pool in two files is merged when they agree and an error when
// they do not, naming both places.
func TestReadDuplicates(t *testing.T) {
	im := readFiles(t, map[string]string{"a.txt": tapEast, "b.txt": tapEast})
	if len(im.Diagnostics) != 1 || !errors.Is(im.Diagnostics[0].Err, ErrIncomplete) || len(im.Topology.TrustedApplicationPools) != 1 {
		t.Errorf("equal duplicates: %v %+v", im.Diagnostics, im.Topology.TrustedApplicationPools)
	}
	im = readFiles(t, map[string]string{"a.txt": tapEast, "b.txt": strings.Replace(tapEast, "Registrar:fe-east", "Registrar:fe-west", 1)})
	d := wantOne(t, im, ErrConflictingRecords, SeverityError, 2)
	if d.File != "b.txt" || !strings.Contains(d.Message, "fe-west.contoso.com here but fe-east.contoso.com at a.txt:2") {
		t.Errorf("conflict: %v", d)
	}
	if got := im.Topology.TrustedApplicationPools[0].Registrar; got != "fe-east.contoso.com" {
		t.Errorf("registrar %s, want the first", got)
	}
}

const poolFmt = "Identity  : %[1]s\nServices  : %[2]s\nComputers : {%[1]s}\nFqdn      : %[1]s\nSite      : Site:%[3]s\n\n"

func pools(rows ...[3]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.NewReplacer("%[1]s", r[0], "%[2]s", r[1], "%[3]s", r[2]).Replace(poolFmt))
	}
	return b.String()
}

// Get-CsPool's Services list says the role; a list cut before it says is
// an error that names $FormatEnumerationLimit; other pools are counted in
// one info.
func TestReadPoolRoles(t *testing.T) {
	im := readFiles(t, map[string]string{"p.txt": pools(
		[3]string{"fe.contoso.com", "{UserServer:fe.contoso.com, Registrar:fe.contoso.com, UserDatabase:sql.contoso.com, FileStore:fs.contoso.com...}", "East"},
		[3]string{"dir.contoso.com", "{Registrar:dir.contoso.com, WebServer:dir.contoso.com}", "East"},
		[3]string{"edge.contoso.com", "{EdgeServer:edge.contoso.com}", "East"},
		[3]string{"rpp.contoso.com", "{ExternalServer:rpp.contoso.com}", "East"},
		[3]string{"sql.contoso.com", "{UserDatabase:sql.contoso.com}", "East"},
		[3]string{"fs.contoso.com", "{FileStore:fs.contoso.com}", "East"},
		[3]string{"odd.contoso.com", "{WebServer:odd.contoso.com, FileStore:fs.contoso.com, ConferencingServer:odd.contoso.com, ApplicationServer:odd.contoso.com...}", "East"},
	)})
	if got := im.Topology.FrontEndPools; len(got) != 1 || got[0].FQDN != "fe.contoso.com" || got[0].EdgePool != "edge.contoso.com" {
		t.Errorf("front ends %+v", got)
	}
	if got := im.Topology.EdgePools; len(got) != 1 || got[0].FQDN != "edge.contoso.com" {
		t.Errorf("edges %+v", got)
	}
	if got := im.Topology.TrustedApplicationPools; len(got) != 1 || got[0].FQDN != "rpp.contoso.com" || !got[0].IsSingleComputer() {
		t.Errorf("trusted application pools %+v", got)
	}
	d := wantOne(t, im, ErrTruncatedValue, SeverityError, 38)
	if !strings.Contains(d.Hint, "$FormatEnumerationLimit = -1") {
		t.Errorf("hint %q", d.Hint)
	}
	var left []string
	for _, d := range diagnosticsWith(im, ErrLeftOut) {
		left = append(left, d.Message)
	}
	if len(left) != 2 || !strings.Contains(left[0], "dir.contoso.com") || !strings.Contains(left[1], "2 pool(s)") {
		t.Errorf("left out: %q", left)
	}
	wantOne(t, im, ErrInferred, SeverityInfo, 1)
}

// A Front End pool's Computers say whether it is load-balanced
// (rmx-flag-keep-alive-off): an Enterprise pool lists its servers, a
// Standard Edition server itself; two records of one pool add up, and a
// list the console cut leaves the pool out with an error rather than
// importing part of it.
func TestReadFrontEndComputers(t *testing.T) {
	const services = "{UserServer:%s, Registrar:%s}"
	fe := func(fqdn, computers string) string {
		return fmt.Sprintf("Identity  : %[1]s\nServices  : "+services+"\nComputers : %[2]s\nFqdn      : %[1]s\nSite      : Site:East\n\n", fqdn, computers, fqdn, fqdn)
	}
	im := readFiles(t, map[string]string{
		"p.txt": fe("pool.contoso.com", "{fe01.contoso.com, fe02.contoso.com}") + fe("se.contoso.com", "{se.contoso.com}") +
			fe("cut.contoso.com", "{fe01-cut.contoso.com, fe02-cut.contoso.com, fe03-cut.contoso.com, fe04-cut.contoso.com...}"),
		"q.txt": fe("POOL.contoso.com", "{fe02.contoso.com, fe03.contoso.com}"),
	})
	got := map[string][]lync.FQDN{}
	for _, p := range im.Topology.FrontEndPools {
		got[p.FQDN.Key()] = p.Computers
	}
	want := map[string][]lync.FQDN{
		"pool.contoso.com": {"fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"},
		"se.contoso.com":   {"se.contoso.com"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Front End computers (-want +got):\n%s", diff)
	}
	if balanced, known := im.Topology.FrontEndPools[0].LoadBalanced(); !balanced || !known {
		t.Errorf("pool.contoso.com load-balanced %v, known %v", balanced, known)
	}
	d := wantOne(t, im, ErrTruncatedValue, SeverityError, 15) // the third record's Computers
	if !strings.Contains(d.Message, "Computers") || !strings.Contains(d.Hint, "$FormatEnumerationLimit = -1") {
		t.Errorf("cut list: %q, hint %q", d.Message, d.Hint)
	}
}

// The Edge association: the Registrar service's EdgeServer; otherwise the
// only Edge pool of the site, said to be inferred; never across sites, and
// not when a site has two.
func TestReadEdgeAssociation(t *testing.T) {
	fe := func(name, site string) [3]string {
		return [3]string{name, "{UserServer:" + name + ", Registrar:" + name + "}", site}
	}
	edge := func(name, site string) [3]string { return [3]string{name, "{EdgeServer:" + name + "}", site} }
	im := readFiles(t, map[string]string{
		"p.txt": pools(fe("fe-east.contoso.com", "East"), fe("fe-west.contoso.com", "West"), fe("fe-north.contoso.com", "North"),
			fe("fe-south.contoso.com", "South"),
			edge("edge-east.contoso.com", "East"), edge("edge-west.contoso.com", "West"), edge("edge-west2.contoso.com", "West"),
			edge("edge-south.contoso.com", "South")),
		"r.txt": "Identity   : Registrar:fe-south.contoso.com\nEdgeServer :\nSiteId     : Site:South\nPoolFqdn   : fe-south.contoso.com\n",
	})
	got := map[string]lync.FQDN{}
	for _, p := range im.Topology.FrontEndPools {
		got[string(p.FQDN)] = p.EdgePool
	}
	want := map[string]lync.FQDN{"fe-east.contoso.com": "edge-east.contoso.com", "fe-west.contoso.com": "", "fe-north.contoso.com": "", "fe-south.contoso.com": ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("edge associations (-want +got):\n%s", d)
	}
	if d := wantOne(t, im, ErrInferred, SeverityInfo, 0); !strings.Contains(d.Message, "fe-east.contoso.com") {
		t.Errorf("inferred: %v", d)
	}
	if d := wantOne(t, im, ErrIncomplete, SeverityWarning, 0); !strings.Contains(d.Message, "fe-west.contoso.com") {
		t.Errorf("two Edge pools: %v", d)
	}
}

// Routes: the configuration's listing has no destination, so a route seen
// only there is a warning and staticRoutes is not covered; the expanded
// routes give TLS and TCP routes; disabled ones are left out.
func TestReadStaticRoutes(t *testing.T) {
	config := "Identity : Global\nRoute    : {MatchUri=vmr.contoso.com;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}\n"
	im := readFiles(t, map[string]string{"c.txt": config})
	d := wantOne(t, im, ErrRouteWithoutDestination, SeverityWarning, 2)
	if !strings.Contains(d.Hint, "Select-Object -ExpandProperty Route") || im.Covers(PartStaticRoutes) {
		t.Errorf("%v; covers staticRoutes: %v", d, im.Covers(PartStaticRoutes))
	}
	im = readFiles(t, map[string]string{"c.txt": "Identity : Global\nRoute    : {}\n"})
	if !im.Covers(PartStaticRoutes) || im.Topology.StaticRoutes == nil || len(im.Topology.StaticRoutes) != 0 {
		t.Errorf("an empty Route list covers staticRoutes with []: %v %#v", im.Parts, im.Topology.StaticRoutes)
	}
	expanded := `Transport               : TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=vcsc.contoso.com;Port=5061
MatchUri                : vmr.contoso.com
MatchOnlyPhoneUri       : False
Enabled                 : True
ReplaceHostInRequestUri : False

Transport               : TransportChoice=IPAddress=192.0.2.40;Port=5060
MatchUri                : gw.contoso.com
Enabled                 : True

Transport               : TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=old.contoso.com;Port=5061
MatchUri                : old.contoso.com
Enabled                 : False
`
	im = readFiles(t, map[string]string{"c.txt": config, "e.txt": expanded})
	want := []lync.StaticRoute{
		{Destination: "192.0.2.40", Port: 5060, Transport: lync.TCP, MatchURI: "gw.contoso.com"},
		{Destination: "vcsc.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: "vmr.contoso.com"},
	}
	if d := cmp.Diff(want, im.Topology.StaticRoutes); d != "" {
		t.Error(d)
	}
	if len(diagnosticsWith(im, ErrRouteWithoutDestination)) != 0 || !im.Covers(PartStaticRoutes) {
		t.Errorf("diagnostics %v", im.Diagnostics)
	}
	wantOne(t, im, ErrLeftOut, SeverityInfo, 13)
}

func TestRouteTransport(t *testing.T) {
	for _, tc := range []struct {
		in   string
		dest lync.FQDN
		port lync.Port
		tr   lync.Transport
	}{
		{"TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=vcsc.contoso.com;Port=5061", "vcsc.contoso.com", 5061, lync.TLS},
		{"TransportChoice=Tls;Fqdn=dma.contoso.com", "dma.contoso.com", 0, lync.TLS},
		{"TransportChoice=IPAddress=192.0.2.40;Port=5060", "192.0.2.40", 5060, lync.TCP},
		{"TransportChoice=Tcp;IPAddress=192.0.2.41;Port=5060", "192.0.2.41", 5060, lync.TCP},
	} {
		dest, port, tr, err := routeTransport(tc.in)
		if err != nil || dest != tc.dest || port != tc.port || tr != tc.tr {
			t.Errorf("routeTransport(%q) = %s %d %s %v", tc.in, dest, port, tr, err)
		}
	}
	for _, bad := range []string{"", "TransportChoice=Certificate=X;Port=5061", "TransportChoice=IPAddress=dma.contoso.com", "TransportChoice=Certificate=X;Fqdn=a_b.com", "TransportChoice=Tls;Fqdn=a.com;Port=0"} {
		if _, _, _, err := routeTransport(bad); err == nil {
			t.Errorf("routeTransport(%q) accepted", bad)
		}
	}
}

// Computer GRUUs give the computers of a pool other records define; a row
// of $app.ComputerGruus, which does not name its pool, gives them to the
// pool of the only application with its application ID.
func TestReadComputerGruus(t *testing.T) {
	pool := "Identity  : TrustedApplicationPool:rpp.contoso.com\nRegistrar : Registrar:fe.contoso.com\nThrottleAsServer : True\n"
	app := "Identity : rpp.contoso.com/urn:application:video\nApplicationId : urn:application:video\n"
	rows := "Fqdn             Gruu\n----             ----\ndma.contoso.com  sip:dma.contoso.com@contoso.com; gruu; Opaque=srvr:video:hQ2mV7dKc0Lx9RzWb3YtNgAA\n"
	im := readFiles(t, map[string]string{"a.txt": pool + "\n" + app + "\n" + rows})
	if got := im.Topology.TrustedApplicationPools; len(got) != 1 || !slices.Equal(got[0].Computers, []lync.FQDN{"dma.contoso.com"}) {
		t.Errorf("pools %+v", got)
	}
	if len(im.Diagnostics) != 0 {
		t.Errorf("diagnostics %v", im.Diagnostics)
	}
	// Without the rows, the pool's computers are unknown: a warning.
	im = readFiles(t, map[string]string{"a.txt": pool + "\n" + app})
	wantOne(t, im, ErrIncomplete, SeverityWarning, 1)
	// Alone, computer GRUUs define no pool.
	im = readFiles(t, map[string]string{"a.txt": app + "\n" + rows})
	if im.Covers(PartTrustedApplicationPools) || len(im.Topology.TrustedApplicationPools) != 0 {
		t.Errorf("pools from GRUUs alone: %+v", im.Topology.TrustedApplicationPools)
	}
	// A row whose Fqdn and GRUU disagree is unreadable.
	im = readFiles(t, map[string]string{"a.txt": strings.Replace(rows, "dma.contoso.com  sip", "rmx.contoso.com  sip", 1)})
	wantOne(t, im, ErrUnreadableRecord, SeverityError, 3)
}

// Lines the parser could not place are errors: the record around them is
// lost, so the import is partial.
func TestReadReportsParseProblems(t *testing.T) {
	im := readFiles(t, map[string]string{"a.txt": "something garbled\n\n" + tapEast})
	d := wantOne(t, im, ErrLayout, SeverityError, 1)
	if d.File != "a.txt" {
		t.Errorf("%v", d)
	}
	if len(im.Topology.TrustedApplicationPools) != 1 {
		t.Error("the record after the problem was not read")
	}
}

func TestReadUsers(t *testing.T) {
	im := readFiles(t, map[string]string{"u.txt": `SipAddress        : sip:Alice@contoso.com
UserPrincipalName : alice@contoso.com
Enabled           : True

SipAddress        : sip:carol@contoso.com
SamAccountName    : carol
Enabled           : False

Identity      : CN=Lobby,OU=Contacts,DC=contoso,DC=com
RegistrarPool : fe.contoso.com
SipAddress    : sip:lobby@contoso.com

Identity      : CN={3c9f7d4a-1b2e-4f60-9a8b-5d6e7f809a1b},CN=Application Contacts
RegistrarPool : rpp.contoso.com
OwnerUrn      : urn:application:video
SipAddress    : sip:rpp@contoso.com

SipAddress : sip:alice@contoso.com
`})
	var got []string
	for _, u := range im.Topology.Users {
		got = append(got, u.String())
	}
	if !slices.Equal(got, []string{"sip:Alice@contoso.com", "sip:lobby@contoso.com"}) {
		t.Errorf("users %v", got)
	}
	want := []lync.TrustedApplicationEndpoint{{SIPAddress: mustSIP(t, "sip:rpp@contoso.com"), ApplicationID: "video", Pool: "rpp.contoso.com"}}
	if d := cmp.Diff(want, im.Topology.TrustedApplicationEndpoints, cmp.Comparer(func(a, b lync.SIPAddress) bool { return a == b })); d != "" {
		t.Error(d)
	}
	wantOne(t, im, ErrLeftOut, SeverityInfo, 5)
	var cmdlets []string
	for _, d := range im.Diagnostics {
		cmdlets = append(cmdlets, d.Cmdlet)
	}
	if !slices.Equal(cmdlets, []string{"Get-CsUser"}) {
		t.Errorf("cmdlets %v", cmdlets)
	}
}

func mustSIP(t *testing.T, s string) lync.SIPAddress {
	t.Helper()
	a, err := lync.ParseSIPAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReadContext(t *testing.T) {
	out, err := ParseBytes("a.txt", []byte(tapEast))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, out); !errors.Is(err, context.Canceled) {
		t.Errorf("Read = %v, want context.Canceled", err)
	}
}

func TestDiagnosticString(t *testing.T) {
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "a.txt", Line: 3, Severity: SeverityWarning, Message: "m", Hint: "h"}, "a.txt:3: warning: m (h)"},
		{Diagnostic{File: "a.txt", Severity: SeverityError, Message: "m"}, "a.txt: error: m"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

// Every kind in the table is reachable: no earlier kind swallows it.
func TestRecordKindsReachable(t *testing.T) {
	for i, k := range recordKinds {
		r := &Record{File: "k", Line: 1}
		if k.IdentityPrefix != "" {
			r.Fields = append(r.Fields, Field{Name: "Identity", Value: k.IdentityPrefix + "x.contoso.com"})
		} else {
			for _, f := range k.Fields[0] {
				r.Fields = append(r.Fields, Field{Name: f, Value: "v"})
			}
		}
		if got := kindOf(r); got != &recordKinds[i] {
			t.Errorf("a record with %v is read as %v, not kind %d (%s)", r.Fields, got, i, k.Cmdlet)
		}
	}
}

// Get-CsServerVersion copied from a console, as it prints (a line, not a
// record), gives the product; so does the snippet's labelled form.
func TestReadServerVersionLine(t *testing.T) {
	for text, want := range map[string]lync.Product{
		"PS C:\\> Get-CsServerVersion\nSkype for Business Server 2015 (6.0.9319.0): Volume license key installed.\n": lync.SfB2015,
		"ServerVersion : Lync Server 2013 (5.0.8308.0): Volume license key installed.\n":                             lync.Lync2013,
	} {
		im := readFiles(t, map[string]string{"v.txt": text})
		if im.Topology.Product != want || !im.Covers(PartProduct) || len(im.Diagnostics) != 0 {
			t.Errorf("%q: product %q, parts %v, diagnostics %v", text, im.Topology.Product, im.Parts, im.Diagnostics)
		}
	}
}
