package sdp

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	pionsdp "github.com/pion/sdp/v3"
)

// lines is the body split into lines, for naming the line of a fault.
type lines []string

func (l lines) errAt(n int, err error, format string, args ...any) *LineError {
	e := &LineError{Line: n, Reason: fmt.Sprintf(format, args...), Err: err}
	if n > 0 && n <= len(l) {
		e.Text = l[n-1]
		if len(e.Text) > 80 {
			e.Text = e.Text[:80]
		}
	}
	return e
}

// find returns the 1-based number of the first line in [from, to] that is
// prefix followed by one of values, or 0.
func (l lines) find(from, to int, prefix string, values ...string) int {
	for i := max(from, 1); i <= min(to, len(l)); i++ {
		if rest, ok := strings.CutPrefix(l[i-1], prefix); ok {
			for _, v := range values {
				if rest == v {
					return i
				}
			}
		}
	}
	return 0
}

// first returns the 1-based number of the first line in [from, to] that
// begins with prefix, or 0.
func (l lines) first(from, to int, prefix string) int {
	for i := max(from, 1); i <= min(to, len(l)); i++ {
		if strings.HasPrefix(l[i-1], prefix) {
			return i
		}
	}
	return 0
}

var pionSyntaxPos = regexp.MustCompile(`syntax error at pos (\d+)`)
var pionValue = regexp.MustCompile("`(.*)`")

// Parse reads an SDP body. Errors are *LineError wrapping ErrMalformed,
// except for an IPv6 connection address: then Parse returns the session it
// read and a *LineError wrapping ErrIPv6, so the caller can refuse it as
// the AV MCU does or go on.
func Parse(b []byte) (*Session, error) {
	if len(b) > MaxBody {
		return nil, &LineError{Reason: fmt.Sprintf("body of %d bytes exceeds MaxBody (%d)", len(b), MaxBody), Err: ErrMalformed}
	}
	text := string(b)
	raw := strings.Split(strings.TrimRight(text, "\r\n"), "\n")
	ls := make(lines, len(raw))
	for i, line := range raw {
		ls[i] = strings.TrimSuffix(line, "\r")
	}
	var norm strings.Builder
	for i, line := range ls {
		if err := checkLine(line); err != nil {
			return nil, ls.errAt(i+1, ErrMalformed, "%v", err)
		}
		norm.WriteString(line)
		norm.WriteString("\r\n")
	}
	if ls[0] != "v=0" {
		return nil, ls.errAt(1, ErrMalformed, "an SDP body begins with v=0 (RFC 4566 §5.1)")
	}
	for _, typ := range []string{"o=", "s=", "t="} {
		if ls.first(1, len(ls), typ) == 0 {
			return nil, ls.errAt(0, ErrMalformed, "no %s line; RFC 4566 §5 requires v=, o=, s= and t=", typ)
		}
	}
	var d pionsdp.SessionDescription
	if err := d.UnmarshalString(norm.String()); err != nil {
		return nil, pionError(ls, norm.String(), err)
	}
	p := parser{lines: ls}
	for i, line := range ls {
		if strings.HasPrefix(line, "m=") {
			p.mLines = append(p.mLines, i+1)
		}
	}
	s := p.session(&d)
	if p.err != nil {
		return nil, p.err
	}
	// What Parse accepts, Marshal writes: a check the line-by-line reading
	// above should make redundant, kept so a gap shows as an error rather
	// than as a session nobody can send.
	if err := s.validate(); err != nil {
		return nil, ls.errAt(0, ErrMalformed, "%v", err)
	}
	return s, p.ipv6
}

// checkLine applies RFC 4566 §5's line shape before pion reads the body,
// so a fault is named by its line.
func checkLine(line string) error {
	if len(line) < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z' {
		return errors.New("not a type=value line")
	}
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("control character %#02x at offset %d", c, i)
		}
	}
	return nil
}

// pionError turns pion's error into a LineError: a syntax error carries
// its offset, a value error the bad value in backquotes.
func pionError(ls lines, norm string, err error) error {
	if m := pionSyntaxPos.FindStringSubmatch(err.Error()); m != nil {
		if pos, convErr := strconv.Atoi(m[1]); convErr == nil && pos <= len(norm) {
			return ls.errAt(strings.Count(norm[:pos], "\n")+1, ErrMalformed, "%v", err)
		}
	}
	if m := pionValue.FindStringSubmatch(err.Error()); m != nil && m[1] != "" {
		for i, line := range ls {
			if strings.Contains(line, m[1]) {
				return ls.errAt(i+1, ErrMalformed, "%v", err)
			}
		}
	}
	return ls.errAt(0, ErrMalformed, "%v", err)
}

// parser interprets pion's description, remembering the first error and
// the first IPv6 address. Lines are found by section: the i-th media
// description is the i-th m= line, and its attributes lie between it and
// the next.
type parser struct {
	lines    lines
	mLines   []int // the line number of each m= line
	from, to int   // the current section's lines
	err      error
	ipv6     error
}

func (p *parser) fail(line int, err error, format string, args ...any) {
	if p.err == nil {
		p.err = p.lines.errAt(line, err, format, args...)
	}
}

// attrLine finds the line of an attribute in the current section.
func (p *parser) attrLine(a pionsdp.Attribute) int {
	if a.Value == "" {
		return p.lines.find(p.from, p.to, "a=", a.Key, a.Key+":")
	}
	return p.lines.find(p.from, p.to, "a=", a.Key+":"+a.Value)
}

func (p *parser) session(d *pionsdp.SessionDescription) *Session {
	s := &Session{
		Origin:         d.Origin.Username,
		SessionID:      d.Origin.SessionID,
		SessionVersion: d.Origin.SessionVersion,
	}
	p.from, p.to = 1, len(p.lines)
	if len(p.mLines) > 0 {
		p.to = p.mLines[0] - 1
	}
	if s.Origin == "" || !visible(s.Origin) {
		p.fail(p.lines.first(1, p.to, "o="), ErrMalformed, "o= has no user name (\"-\" when there is none, RFC 4566 §5.2)")
	}
	if d.ConnectionInformation != nil {
		s.Address = p.connection(d.ConnectionInformation)
	}
	var sessUfrag, sessPwd string
	for _, a := range d.Attributes {
		if !isToken(a.Key) {
			p.fail(p.attrLine(a), ErrMalformed, "attribute name %q is not a token (RFC 4566 §5.13)", a.Key)
		}
		switch a.Key {
		case "ice-ufrag": // checked here as in a media section, and named by line
			sessUfrag = p.iceCredential(a, 4)
		case "ice-pwd":
			sessPwd = p.iceCredential(a, 22)
		default:
			s.Attributes = append(s.Attributes, Attribute{Key: a.Key, Value: a.Value})
		}
	}
	for i, md := range d.MediaDescriptions {
		p.from, p.to = 0, 0
		if i < len(p.mLines) {
			p.from, p.to = p.mLines[i], len(p.lines)
			if i+1 < len(p.mLines) {
				p.to = p.mLines[i+1] - 1
			}
		}
		m := p.media(d, md, i+1)
		if m.Ufrag == "" {
			m.Ufrag = sessUfrag
		}
		if m.Pwd == "" {
			m.Pwd = sessPwd
		}
		s.Media = append(s.Media, m)
	}
	return s
}

// connection reads the c= line of the current section.
func (p *parser) connection(c *pionsdp.ConnectionInformation) string {
	line := p.lines.first(p.from, p.to, "c=")
	if c.Address == nil {
		p.fail(line, ErrMalformed, "c= has no address")
		return ""
	}
	if c.Address.TTL != nil || c.Address.Range != nil {
		p.fail(line, ErrMalformed, "c= has a multicast TTL or range; the cascade is unicast")
		return ""
	}
	return p.address(c.AddressType, c.Address.Address, line, "c=")
}

// address checks an address and its type, noting IPv6.
func (p *parser) address(typ, addr string, line int, field string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" {
		p.fail(line, ErrMalformed, "%s address %q is not an IP address", field, addr)
		return ""
	}
	switch {
	case typ == "IP4" && a.Is4():
	case typ == "IP6" && a.Is6() && !a.Is4In6():
		if p.ipv6 == nil {
			p.ipv6 = p.lines.errAt(line, ErrIPv6, "%s address %s is IPv6; the Lync AV MCU refuses it (ms-diagnostics 7009)", field, addr)
		}
	default:
		p.fail(line, ErrMalformed, "%s address %q does not match its address type %s", field, addr, typ)
		return ""
	}
	return a.String()
}

func (p *parser) media(d *pionsdp.SessionDescription, md *pionsdp.MediaDescription, n int) Media {
	mline := p.from
	m := Media{
		Kind:    md.MediaName.Media,
		Port:    md.MediaName.Port.Value,
		Proto:   strings.Join(md.MediaName.Protos, "/"),
		Formats: md.MediaName.Formats,
	}
	if md.MediaName.Port.Range != nil {
		p.fail(mline, ErrMalformed, "m= port range; the cascade uses one port per stream")
	}
	if !isToken(m.Kind) {
		p.fail(mline, ErrMalformed, "media %q is not a token", m.Kind)
	}
	if len(m.Formats) == 0 {
		p.fail(mline, ErrMalformed, "m= line #%d has no formats", n)
	}
	if !validProto(m.Proto) {
		p.fail(mline, ErrMalformed, "m= protocol %q is not a /-separated list of tokens", m.Proto)
	}
	for _, f := range m.Formats {
		if !isToken(f) {
			p.fail(mline, ErrMalformed, "m= format %q is not a token", f)
		}
	}
	if md.ConnectionInformation != nil {
		m.Address = p.connection(md.ConnectionInformation)
	} else if d.ConnectionInformation == nil {
		p.fail(mline, ErrMalformed, "no c= line for this m= section and none at session level (RFC 4566 §5.7)")
	}
	for _, a := range md.Attributes {
		if !isToken(a.Key) {
			p.fail(p.attrLine(a), ErrMalformed, "attribute name %q is not a token (RFC 4566 §5.13)", a.Key)
		}
		switch a.Key {
		case "ice-ufrag":
			m.Ufrag = p.iceCredential(a, 4)
		case "ice-pwd":
			m.Pwd = p.iceCredential(a, 22)
		case "candidate", "x-candidate-ipv6":
			c, err := ParseCandidate(a.Value)
			if err != nil {
				p.fail(p.attrLine(a), err, "%v", err)
				continue
			}
			if a.Key == "candidate" {
				m.Candidates = append(m.Candidates, c)
			} else {
				m.IPv6Candidates = append(m.IPv6Candidates, c)
			}
		case "encryption":
			if m.Encryption != "" {
				first := p.lines.first(p.from, p.to, "a=encryption")
				p.fail(p.lines.first(first+1, p.to, "a=encryption"), ErrMalformed, "a second a=encryption in m= section #%d", n)
			}
			if m.Encryption = Encryption(a.Value); !m.Encryption.Valid() {
				p.fail(p.attrLine(a), ErrMalformed, "a=encryption:%s; want required, optional or rejected (MS-SDPEXT)", a.Value)
			}
		case "crypto":
			if err := checkCrypto(a.Value); err != nil {
				p.fail(p.attrLine(a), ErrMalformed, "a=crypto: %v", err)
			}
			m.Crypto = append(m.Crypto, a.Value)
		case "label":
			m.Label = a.Value
		default:
			m.Attributes = append(m.Attributes, Attribute{Key: a.Key, Value: a.Value})
		}
	}
	return m
}

// iceCredential checks an ICE ufrag or password: ice-chars, of RFC 5245
// §15.4's lengths (4–256 and 22–256).
func (p *parser) iceCredential(a pionsdp.Attribute, minLen int) string {
	if len(a.Value) < minLen || len(a.Value) > 256 {
		p.fail(p.attrLine(a), ErrMalformed, "a=%s is %d characters; want %d to 256", a.Key, len(a.Value), minLen)
		return ""
	}
	if err := checkIceChars(a.Value); err != nil {
		p.fail(p.attrLine(a), ErrMalformed, "a=%s: %v", a.Key, err)
		return ""
	}
	return a.Value
}

func checkIceChars(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return fmt.Errorf("%q is not an ice-char", c)
		}
	}
	return nil
}

// checkCrypto checks RFC 4568 §9.1's shape: tag, suite, inline key
// parameters, optional session parameters.
func checkCrypto(v string) error {
	f := strings.Fields(v)
	if len(f) < 3 {
		return fmt.Errorf("%q: want TAG SUITE inline:KEY", v)
	}
	if len(f[0]) > 9 || strings.Trim(f[0], "0123456789") != "" {
		return fmt.Errorf("tag %q is not 1 to 9 digits", f[0])
	}
	if !isToken(f[1]) {
		return fmt.Errorf("suite %q is not a token", f[1])
	}
	if !strings.HasPrefix(f[2], "inline:") || len(f[2]) == len("inline:") {
		return fmt.Errorf("key parameters %q do not begin with inline:KEY", f[2])
	}
	return nil
}

// isToken is RFC 4566's token: visible ASCII but the separators.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]", c) >= 0 {
			return false
		}
	}
	return true
}
