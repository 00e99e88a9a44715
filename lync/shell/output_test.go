package shell

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, name string, b []byte) *Output {
	t.Helper()
	out, err := ParseBytes(name, b)
	if err != nil {
		t.Fatalf("ParseBytes(%s): %v", name, err)
	}
	return out
}

func TestParseList(t *testing.T) {
	b, err := os.ReadFile("testdata/parse/list.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := mustParse(t, "list.txt", b)
	if len(out.Problems) != 0 {
		t.Fatalf("problems: %v", out.Problems)
	}
	want := []*Record{
		{File: "list.txt", Line: 3, Fields: []Field{
			{Name: "Identity", Value: "rpp-east.contoso.com/urn:application:video", Line: 3},
			// Wrapped mid-token at the console's width: joined with nothing between.
			{Name: "ComputerGruus", Value: "{sip:rmx-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA, sip:dma-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA}", Line: 4},
			{Name: "ServiceGruu", Value: "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", Line: 7},
			{Name: "Protocol", Value: "Mtls", Line: 9},
			{Name: "ApplicationId", Value: "urn:application:video", Line: 10},
			// A label longer than the others (a hand-edited file): still read.
			{Name: "TrustedApplicationPoolFqdn", Value: "rpp-east.contoso.com", Line: 11},
			{Name: "Port", Value: "5061", Line: 12},
			{Name: "LegacyApplicationName", Value: "", Line: 13},
		}},
		{File: "list.txt", Line: 17, Fields: []Field{
			{Name: "Identity", Value: "Global", Line: 17},
			{Name: "Route", Value: "{MatchUri=video.contoso.com;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}", Line: 18},
		}},
	}
	if d := cmp.Diff(want, out.Records); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	r := out.Records[0]
	if !r.Has("servicegruu") || r.Value("PORT") != "5061" || r.Has("Computers") || r.Value("Computers") != "" {
		t.Errorf("case-insensitive lookups wrong on %+v", r)
	}
	gruus, cut := SplitList(r.Value("ComputerGruus"))
	if cut || len(gruus) != 2 || !strings.HasPrefix(gruus[1], "sip:dma-east.") {
		t.Errorf("SplitList(ComputerGruus) = %q, %v", gruus, cut)
	}
}

func TestParseTable(t *testing.T) {
	b, err := os.ReadFile("testdata/parse/table.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := mustParse(t, "table.txt", b)
	if len(out.Problems) != 0 {
		t.Fatalf("problems: %v", out.Problems)
	}
	row := func(line int, kv ...string) *Record {
		r := &Record{File: "table.txt", Line: line, Table: true}
		for i := 0; i < len(kv); i += 2 {
			r.Fields = append(r.Fields, Field{Name: kv[i], Value: kv[i+1], Line: line})
		}
		return r
	}
	want := []*Record{
		// $app.ComputerGruus, as Microsoft's UCMA provisioning docs show it.
		row(4, "Fqdn", "client.contoso.com", "Gruu", "sip:client.contoso.com@contoso.com; gruu; Opaque=srvr:ucmasampleapplication:yDUhQWqi81WfJXFUvMAwtwAA"),
		row(5, "Fqdn", "rmx-west.contoso.com", "Gruu", "sip:rmx-west.contoso.com@contoso.com;gruu;opaque=srvr:video:Xq3m..."),
		// A right-aligned number wider than its header starts before its dashes.
		row(9, "Port", "5061", "Identity", "rpp-east.contoso.com/urn:application:video"),
		row(10, "Port", "15061", "Identity", "rpp-west.contoso.com/urn:application:video"),
		// Format-Table -Wrap: the second line continues the cell above.
		row(14, "ApplicationId", "urn:application:video", "ServiceGruu", "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:AbCd"),
	}
	if d := cmp.Diff(want, out.Records); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	if !Truncated(out.Records[1].Value("Gruu")) || Truncated(out.Records[0].Value("Gruu")) {
		t.Error("Truncated does not tell the cut cell")
	}
}

// The console lays a table out in cells: an East Asian wide character
// takes two, and the columns after it line up by cells, not characters.
func TestParseTableWideCharacters(t *testing.T) {
	text := "DisplayName SipAddress\n----------- ----------\n会議室      sip:room@contoso.com\nRoom        sip:room2@contoso.com\n"
	out := mustParse(t, "wide.txt", []byte(text))
	if got := out.Records[0].Value("SipAddress"); got != "sip:room@contoso.com" {
		t.Errorf("SipAddress after wide characters = %q", got)
	}
	if got := out.Records[0].Value("DisplayName"); got != "会議室" {
		t.Errorf("DisplayName = %q", got)
	}
}

func TestParseSeparatorsAndBanners(t *testing.T) {
	text := strings.Join([]string{
		"**********************",
		"Windows PowerShell transcript start",
		"Start time: 20261128101500",
		"Username: CONTOSO\\admin",
		"**********************",
		"PS C:\\> Get-CsSipDomain",
		"Identity  : contoso.com",
		"Name      : contoso.com",
		"IsDefault : True",
		"[lyncfe01]: PS C:\\> Get-CsSite | fl Identity",
		"Identity : Site:East",
		"",
		"Identity : Site:West",
	}, "\r\n")
	out := mustParse(t, "t.txt", []byte(text))
	if len(out.Problems) != 0 {
		t.Fatalf("problems: %v", out.Problems)
	}
	var got []string
	for _, r := range out.Records {
		got = append(got, r.Value("Identity"))
	}
	if d := cmp.Diff([]string{"contoso.com", "Site:East", "Site:West"}, got); d != "" {
		t.Errorf("identities (-want +got):\n%s", d)
	}
	if out.Records[0].Line != 7 {
		t.Errorf("first record on line %d, want 7", out.Records[0].Line)
	}
}

// A line that fits no layout is reported with its line and the record it
// broke is left out; the records around it are read.
func TestParseProblems(t *testing.T) {
	text := strings.Join([]string{
		"Identity : Site:East", // 1
		"SiteId   : 1",
		"",
		"Identity : Site:West", // 4
		"garbled line without a separator",
		"SiteId   : 2",
		"",
		"Skype for Business Server 2015 (6.0.9319.0) Volume license key installed and more text", // 8
		"and more",
		"",
		"   continuation with no record", // 11
		"",
		"Identity : Site:North", // 13
	}, "\n")
	out := mustParse(t, "p.txt", []byte(text))
	var ids []string
	for _, r := range out.Records {
		ids = append(ids, r.Value("Identity"))
	}
	if d := cmp.Diff([]string{"Site:East", "Site:North"}, ids); d != "" {
		t.Errorf("records read (-want +got):\n%s", d)
	}
	var got []string
	for _, p := range out.Problems {
		if !errors.Is(p, ErrLayout) {
			t.Errorf("%v does not wrap ErrLayout", p)
		}
		got = append(got, p.Error())
	}
	want := []string{
		`p.txt:5: not Format-List or Format-Table output: "garbled line without a separator" is neither a "Name : Value" line, nor the continuation of one, nor part of a table; the record that begins on line 4 is left out`,
		`p.txt:8: not Format-List or Format-Table output: "Skype for Business Server 2015 (6.0.9319.0) Volume license k…" is neither a "Name : Value" line, nor the continuation of one, nor part of a table (nor is the line after it)`,
		`p.txt:11: not Format-List or Format-Table output: "   continuation with no record" is neither a "Name : Value" line, nor the continuation of one, nor part of a table`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
}

func utf16Bytes(s string, le, bom bool) []byte {
	var b []byte
	put := func(u uint16) {
		if le {
			b = append(b, byte(u), byte(u>>8))
		} else {
			b = append(b, byte(u>>8), byte(u))
		}
	}
	if bom {
		put(0xfeff)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		put(u)
	}
	return b
}

// Windows PowerShell's Out-File writes UTF-16 LE with a byte-order mark;
// PowerShell 7 writes UTF-8; every encoding gives the same records.
func TestParseEncodings(t *testing.T) {
	text := "\r\nIdentity    : sip:zoë@contoso.com\r\nDisplayName : Zoë 𝄞\r\n\r\n"
	want := mustParse(t, "f", []byte(text)).Records
	if len(want) != 1 || want[0].Value("DisplayName") != "Zoë 𝄞" {
		t.Fatalf("UTF-8 reading: %+v", want)
	}
	for name, b := range map[string][]byte{
		"utf-8 with BOM":       append([]byte{0xef, 0xbb, 0xbf}, text...),
		"utf-16 LE with BOM":   utf16Bytes(text, true, true),
		"utf-16 BE with BOM":   utf16Bytes(text, false, true),
		"utf-16 LE, no BOM":    utf16Bytes(text, true, false),
		"utf-16 BE, no BOM":    utf16Bytes(text, false, false),
		"PowerShell 7 colours": []byte(strings.ReplaceAll(strings.ReplaceAll(text, "Identity", "\x1b[32;1mIdentity\x1b[0m"), "DisplayName", "\x1b[32;1mDisplayName\x1b[0m")),
	} {
		out, err := ParseBytes("f", b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d := cmp.Diff(want, out.Records); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
}

// TestStripEscapes: control sequences go in ECMA-48's order (parameter
// bytes, then intermediate bytes, then the final byte); one a line break
// cuts is kept; what is left holds no complete sequence, so stripping
// again changes nothing (a FuzzParseOutput find: "ESC[ :" read as a
// label, printed again as "ESC[ : A", was stripped whole).
func TestStripEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[32;1mIdentity\x1b[0m": "Identity",
		"a\x1b[ :\n A":              "a\x1b[ :\n A", // cut by the line break
		"\x1b[ : A":                 "\x1b[ : A",    // a parameter byte after an intermediate one
		"\x1b[1 q":                  "",             // an intermediate byte, then the final one
		"\x1b\x1b[0m[0mx":           "x",            // brought together by removing the inner one
		"\x1b[":                     "\x1b[",
		"\x1b[[x":                   "x", // '[' is a final byte too
	} {
		got := string(stripEscapes([]byte(in)))
		if got != want {
			t.Errorf("stripEscapes(%q) = %q, want %q", in, got, want)
		}
		if again := string(stripEscapes([]byte(got))); again != got {
			t.Errorf("stripEscapes(%q) = %q, but again %q", in, got, again)
		}
	}
	// A colour escape the console wrapped mid-way: the value, once its
	// lines are joined, is read without it.
	out := mustParse(t, "f", []byte("Name : \x1b[3\n       2mblue\x1b[0m\n"))
	if len(out.Records) != 1 || out.Records[0].Value("Name") != "blue" {
		t.Errorf("wrapped escape: %+v", out.Records)
	}
}

func TestParseBadEncodings(t *testing.T) {
	for name, tc := range map[string]struct {
		b    []byte
		line int
		msg  string
	}{
		"latin-1":              {[]byte("Identity : a\nName : caf\xe9\n"), 2, "byte 0xe9 is not UTF-8"},
		"NUL in UTF-8":         {[]byte("Identity : a\n\nb\x00c d\n"), 3, "a NUL byte"},
		"odd UTF-16":           {append(utf16Bytes("Name : x", true, true), 'x'), 0, "half a character"},
		"lone high surrogate":  {append(utf16Bytes("Name : x", true, true), 0x00, 0xd8), 1, "unpaired surrogate (0xd800)"},
		"UTF-32":               {[]byte{0xff, 0xfe, 0, 0, 'a', 0, 0, 0}, 0, "UTF-32"},
		"unpaired in UTF-16BE": {append(utf16Bytes("a\nb", false, true), 0xd8, 0x00, 0, 'x'), 2, "unpaired surrogate"},
	} {
		_, err := ParseBytes("f.txt", tc.b)
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrEncoding) {
			t.Errorf("%s: error %v is not a *ParseError wrapping ErrEncoding", name, err)
			continue
		}
		if pe.File != "f.txt" || pe.Line != tc.line || !strings.Contains(pe.Error(), tc.msg) {
			t.Errorf("%s: %v (line %d), want line %d and %q", name, err, pe.Line, tc.line, tc.msg)
		}
	}
}

func TestParseContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, "f", strings.NewReader("Identity : x\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse with an ended context = %v", err)
	}
	// A long output is read in pieces, with the context seen between them.
	big := bytes.Repeat([]byte("Identity : x\n\n"), 3*checkEvery)
	if _, err := parse(ctx, "f", big); !errors.Is(err, context.Canceled) {
		t.Errorf("parse of a long output with an ended context = %v", err)
	}
}

// A table wider than any console is not Format-Table output: refused as a
// problem, without work in proportion to columns × rows.
func TestParseTableTooWide(t *testing.T) {
	header := strings.Repeat("a ", maxColumns+1)
	rule := strings.Repeat("- ", maxColumns+1)
	out := mustParse(t, "w", []byte(header+"\n"+rule+"\n"+header+"\n\nIdentity : x\n"))
	if len(out.Problems) != 1 || len(out.Records) != 1 || out.Records[0].Value("Identity") != "x" {
		t.Errorf("records %v, problems %v", out.Records, out.Problems)
	}
}

func TestSplitList(t *testing.T) {
	for _, tc := range []struct {
		in    string
		items []string
		cut   bool
	}{
		{"", nil, false},
		{"{}", nil, false},
		{"single", []string{"single"}, false},
		{"{a, b, c}", []string{"a", "b", "c"}, false},
		{"{a,b}", []string{"a", "b"}, false}, // wrapped where the blank fell
		{"{UserServer:fe.contoso.com, Registrar:fe.contoso.com, WebServer:fe.contoso.com, ConferencingServer:fe.contoso.com...}",
			[]string{"UserServer:fe.contoso.com", "Registrar:fe.contoso.com", "WebServer:fe.contoso.com", "ConferencingServer:fe.contoso.com"}, true},
		{"{a, b…}", []string{"a", "b"}, true},
		{"{MatchUri=a;Enabled=True, MatchUri=b;Enabled=False}", []string{"MatchUri=a;Enabled=True", "MatchUri=b;Enabled=False"}, false},
		{"{{x, y}, z}", []string{"{x, y}", "z"}, false},
	} {
		items, cut := SplitList(tc.in)
		if d := cmp.Diff(tc.items, items); d != "" || cut != tc.cut {
			t.Errorf("SplitList(%q) = %q, %v; want %q, %v", tc.in, items, cut, tc.items, tc.cut)
		}
	}
}

func TestSplitProperties(t *testing.T) {
	got := SplitProperties("TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=vcsc.contoso.com;Port=5061")
	want := []Property{
		{"TransportChoice", "Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert"},
		{"Fqdn", "vcsc.contoso.com"}, {"Port", "5061"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("transport (-want +got):\n%s", d)
	}
	got = SplitProperties("{MatchUri=video.contoso.com;MatchOnlyPhoneUri=False;TlsCertIssuer=;Flag}")
	want = []Property{{"MatchUri", "video.contoso.com"}, {"MatchOnlyPhoneUri", "False"}, {"TlsCertIssuer", ""}, {"Flag", ""}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("route (-want +got):\n%s", d)
	}
}

func TestParseFile(t *testing.T) {
	out, err := ParseFile(context.Background(), "testdata/parse/list.txt")
	if err != nil || len(out.Records) != 2 || out.File != "testdata/parse/list.txt" {
		t.Fatalf("ParseFile = %v, %v", out, err)
	}
	if _, err := ParseFile(context.Background(), "testdata"); !errors.Is(err, ErrNotOutput) {
		t.Errorf("ParseFile(directory) = %v", err)
	}
	if _, err := ParseFile(context.Background(), "testdata/missing.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ParseFile(missing) = %v", err)
	}
}

// A console copy holds lines that are not records: PowerShell's warnings
// (skipped) and Get-CsServerVersion's answer, a string (read as a record
// of one field, ServerVersion).
func TestParseConsoleLines(t *testing.T) {
	text := strings.Join([]string{
		"PS C:\\> Get-CsServerVersion",
		"Skype for Business Server 2015 (6.0.9319.0): Volume license key installed.",
		"PS C:\\> Get-CsSipDomain",
		"WARNING: The command returned results from a cached copy.",
		"Identity  : contoso.com",
		"IsDefault : True",
		"VERBOSE: done",
		"",
		"Lync Server 2013 is not a version line",
	}, "\n")
	out := mustParse(t, "c.txt", []byte(text))
	want := []*Record{
		{File: "c.txt", Line: 2, Fields: []Field{{Name: ServerVersionField, Value: "Skype for Business Server 2015 (6.0.9319.0): Volume license key installed.", Line: 2}}},
		{File: "c.txt", Line: 5, Fields: []Field{{Name: "Identity", Value: "contoso.com", Line: 5}, {Name: "IsDefault", Value: "True", Line: 6}}},
	}
	if d := cmp.Diff(want, out.Records); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	if len(out.Problems) != 1 || out.Problems[0].Line != 9 {
		t.Errorf("problems: %v", out.Problems)
	}
}
