package sdp

import (
	"fmt"
	"net/netip"
	"strings"

	pionsdp "github.com/pion/sdp/v3"
)

// Marshal writes the session as Lync lays out an AV MCU offer: v, o, s
// ("session"), c, t, then per m= section its c=, a=ice-ufrag, a=ice-pwd,
// the candidates, a=x-candidate-ipv6 lines, a=crypto lines, a=label, the
// other attributes in order, and a=encryption last. It refuses values that
// Parse would not read back.
func (s *Session) Marshal() ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	originAddr := s.Address
	if originAddr == "" && len(s.Media) > 0 {
		originAddr = s.Media[0].Address
	}
	d := pionsdp.SessionDescription{
		Origin: pionsdp.Origin{Username: s.Origin, SessionID: s.SessionID, SessionVersion: s.SessionVersion,
			NetworkType: "IN", AddressType: addrType(originAddr), UnicastAddress: originAddr},
		SessionName:      "session",
		TimeDescriptions: []pionsdp.TimeDescription{{}},
	}
	if s.Address != "" {
		d.ConnectionInformation = connection(s.Address)
	}
	for _, a := range s.Attributes {
		d.Attributes = append(d.Attributes, pionsdp.Attribute{Key: a.Key, Value: a.Value})
	}
	for _, m := range s.Media {
		md := &pionsdp.MediaDescription{MediaName: pionsdp.MediaName{
			Media: m.Kind, Port: pionsdp.RangedPort{Value: m.Port}, Protos: strings.Split(m.Proto, "/"), Formats: m.Formats,
		}}
		if m.Address != "" {
			md.ConnectionInformation = connection(m.Address)
		}
		add := func(k, v string) { md.Attributes = append(md.Attributes, pionsdp.Attribute{Key: k, Value: v}) }
		if m.Ufrag != "" {
			add("ice-ufrag", m.Ufrag)
		}
		if m.Pwd != "" {
			add("ice-pwd", m.Pwd)
		}
		for _, c := range m.Candidates {
			add("candidate", c.String())
		}
		for _, c := range m.IPv6Candidates {
			add("x-candidate-ipv6", c.String())
		}
		for _, c := range m.Crypto {
			add("crypto", c)
		}
		if m.Label != "" {
			add("label", m.Label)
		}
		for _, a := range m.Attributes {
			add(a.Key, a.Value)
		}
		if m.Encryption != "" {
			add("encryption", string(m.Encryption))
		}
		d.MediaDescriptions = append(d.MediaDescriptions, md)
	}
	return d.Marshal()
}

func addrType(a string) string {
	if ip, err := netip.ParseAddr(a); err == nil && ip.Is6() {
		return "IP6"
	}
	return "IP4"
}

func connection(a string) *pionsdp.ConnectionInformation {
	return &pionsdp.ConnectionInformation{NetworkType: "IN", AddressType: addrType(a), Address: &pionsdp.Address{Address: a}}
}

func (s *Session) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("sdp: cannot marshal: %s", fmt.Sprintf(format, args...))
	}
	if s.Origin == "" || strings.ContainsAny(s.Origin, " \t") || !visible(s.Origin) {
		return bad("origin user name %q: want one visible word", s.Origin)
	}
	if err := checkAddress(s.Address, true); err != nil {
		return bad("session address: %v", err)
	}
	if err := checkAttributes(s.Attributes, false); err != nil {
		return bad("session %v", err)
	}
	for i, m := range s.Media {
		where := fmt.Sprintf("media #%d (%s)", i+1, m.Kind)
		switch {
		case !isToken(m.Kind):
			return bad("%s: kind is not a token", where)
		case m.Port < 0 || m.Port > 65535:
			return bad("%s: port %d", where, m.Port)
		case !validProto(m.Proto):
			return bad("%s: proto %q", where, m.Proto)
		case len(m.Formats) == 0:
			return bad("%s: no formats", where)
		case m.Address == "" && s.Address == "":
			return bad("%s: no connection address, and none for the session", where)
		case m.Encryption != "" && !m.Encryption.Valid():
			return bad("%s: encryption %q", where, m.Encryption)
		}
		for _, f := range m.Formats {
			if !isToken(f) {
				return bad("%s: format %q is not a token", where, f)
			}
		}
		if err := checkAddress(m.Address, true); err != nil {
			return bad("%s: address: %v", where, err)
		}
		if m.Ufrag != "" && (len(m.Ufrag) < 4 || len(m.Ufrag) > 256 || checkIceChars(m.Ufrag) != nil) {
			return bad("%s: ice-ufrag %q: want 4 to 256 ice-chars", where, m.Ufrag)
		}
		if m.Pwd != "" && (len(m.Pwd) < 22 || len(m.Pwd) > 256 || checkIceChars(m.Pwd) != nil) {
			return bad("%s: ice-pwd: want 22 to 256 ice-chars", where)
		}
		for _, cs := range [][]Candidate{m.Candidates, m.IPv6Candidates} {
			for _, c := range cs {
				if err := checkCandidate(c); err != nil {
					return bad("%s: %v", where, err)
				}
			}
		}
		for _, c := range m.Crypto {
			if err := checkCrypto(c); err != nil {
				return bad("%s: crypto: %v", where, err)
			}
			if !visibleOrSpace(c) {
				return bad("%s: crypto %q: want text without line breaks", where, c)
			}
		}
		if !visibleOrSpace(m.Label) {
			return bad("%s: label %q", where, m.Label)
		}
		if err := checkAttributes(m.Attributes, true); err != nil {
			return bad("%s: %v", where, err)
		}
	}
	return nil
}

// checkCandidate makes sure c.String() reads back as c.
func checkCandidate(c Candidate) error {
	back, err := ParseCandidate(c.String())
	if err != nil {
		return err
	}
	if !equalCandidate(back, c) {
		return fmt.Errorf("candidate %+v would read back as %+v", c, back)
	}
	return nil
}

func equalCandidate(a, b Candidate) bool {
	if len(a.Extensions) != len(b.Extensions) {
		return false
	}
	for i := range a.Extensions {
		if a.Extensions[i] != b.Extensions[i] {
			return false
		}
	}
	return a.Foundation == b.Foundation && a.Component == b.Component && a.Transport == b.Transport &&
		a.Priority == b.Priority && a.Address == b.Address && a.Port == b.Port && a.Type == b.Type &&
		a.RelatedAddress == b.RelatedAddress && a.RelatedPort == b.RelatedPort
}

func checkAddress(a string, emptyOK bool) error {
	if a == "" && emptyOK {
		return nil
	}
	ip, err := netip.ParseAddr(a)
	if err != nil || ip.Zone() != "" || ip.Is4In6() || ip.String() != a {
		return fmt.Errorf("%q is not an IP address in canonical form", a)
	}
	return nil
}

func validProto(p string) bool {
	if p == "" {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if !isToken(part) {
			return false
		}
	}
	return true
}

// checkAttributes refuses attributes that would not come back as they
// went: keys must be tokens, values visible text without line breaks, and
// the keys this package interprets must go in their fields.
func checkAttributes(as []Attribute, media bool) error {
	for _, a := range as {
		switch a.Key {
		case "ice-ufrag", "ice-pwd":
			return fmt.Errorf("attribute %q belongs in the media's field", a.Key)
		case "candidate", "x-candidate-ipv6", "encryption", "crypto", "label":
			if media {
				return fmt.Errorf("attribute %q belongs in its own field", a.Key)
			}
		}
		if !isToken(a.Key) {
			return fmt.Errorf("attribute key %q is not a token", a.Key)
		}
		if !visibleOrSpace(a.Value) {
			return fmt.Errorf("attribute %s value %q: want text without line breaks", a.Key, a.Value)
		}
	}
	return nil
}

func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

func visibleOrSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
