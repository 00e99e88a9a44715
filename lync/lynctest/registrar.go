package lynctest

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
)

// defaultExpires is the registration interval the lab grants when a
// REGISTER asks for none (RFC 3261 §10.3 step 7 leaves it to the registrar;
// 3600 s is the value RFC 3261 §10.2.1.1 suggests to user agents).
const defaultExpires = 3600

// maxExpires is the largest delta-seconds RFC 3261 §20.19 allows: (2**32)-1.
const maxExpires = 1<<32 - 1

// binding is one registered Contact of an address of record (RFC 3261
// §10.3), from one trusted computer.
type binding struct {
	// contact is the Contact as the client wrote it, rendered without the
	// expires and gruu parameters the registrar adds.
	contact  string
	uri      string // the Contact URI, for replacing a binding
	computer lync.FQDN
	expires  time.Time
	gruu     string
}

// registrar keeps the bindings of the Front End's REGISTERs, so that
// provisioning and MRAS serve only identities that registered first.
type registrar struct {
	now func() time.Time

	mu       sync.Mutex
	bindings map[string][]binding // by address of record, lower case
}

func aorKey(a lync.SIPAddress) string { return strings.ToLower(a.String()) }

// current returns the unexpired bindings of aor, dropping expired ones.
func (r *registrar) current(aor string) []binding {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.currentLocked(aor)
}

func (r *registrar) currentLocked(aor string) []binding {
	now := r.now()
	bs := r.bindings[aor]
	kept := bs[:0]
	for _, b := range bs {
		if b.expires.After(now) {
			kept = append(kept, b)
		}
	}
	if len(kept) == 0 {
		delete(r.bindings, aor)
		return nil
	}
	r.bindings[aor] = kept
	return append([]binding(nil), kept...)
}

// update adds, refreshes (expires > 0) or removes (expires == 0) the
// binding of uri, and returns the bindings after the change.
func (r *registrar) update(aor string, b binding, expires uint64) []binding {
	r.mu.Lock()
	defer r.mu.Unlock()
	bs := r.currentLocked(aor)
	var kept []binding
	for _, old := range bs {
		if old.uri != b.uri {
			kept = append(kept, old)
		}
	}
	if expires > 0 {
		b.expires = r.now().Add(time.Duration(expires) * time.Second)
		kept = append(kept, b)
	}
	if len(kept) == 0 {
		delete(r.bindings, aor)
	} else {
		r.bindings[aor] = kept
	}
	return append([]binding(nil), kept...)
}

// removeAll removes every binding of aor (Contact: * with Expires: 0, RFC
// 3261 §10.2.2).
func (r *registrar) removeAll(aor string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.bindings, aor)
}

// registeredFrom reports whether aor has an unexpired binding registered
// from computer.
func (r *registrar) registeredFrom(aor string, computer lync.FQDN) bool {
	for _, b := range r.current(aor) {
		if b.computer.Equal(computer) {
			return true
		}
	}
	return false
}

// parseExpires reads a delta-seconds value (RFC 3261 §25.1: 1*DIGIT) no
// larger than (2**32)-1 (§20.19).
func parseExpires(v string) (uint64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, fmt.Errorf("empty")
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("%q is not delta-seconds (digits only)", v)
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > maxExpires {
		return 0, fmt.Errorf("%q is beyond (2**32)-1 seconds", v)
	}
	return n, nil
}

// renderContact writes a Contact header value as the client sent it,
// followed by extra parameters. sipgo keeps a quoted parameter value with
// its quotes (methods="INVITE, BYE") and quotes it again when it renders
// the header (methods=""INVITE, BYE""), which makes the answer unparsable;
// so the lab renders Contacts itself.
func renderContact(c *sip.ContactHeader, extra ...[2]string) string {
	var b strings.Builder
	if c.Address.Wildcard {
		return "*"
	}
	if c.DisplayName != "" {
		b.WriteString(strconv.Quote(c.DisplayName))
		b.WriteByte(' ')
	}
	b.WriteByte('<')
	b.WriteString(c.Address.String())
	b.WriteByte('>')
	for _, kv := range c.Params {
		if k := strings.ToLower(kv.K); k == "expires" || k == "gruu" {
			continue // the registrar's own
		}
		writeParam(&b, kv.K, kv.V)
	}
	for _, kv := range extra {
		writeParam(&b, kv[0], kv[1])
	}
	return b.String()
}

// writeParam writes ;k=v, quoting v unless it is a token or already a
// quoted string.
func writeParam(b *strings.Builder, k, v string) {
	b.WriteByte(';')
	b.WriteString(k)
	switch {
	case v == "":
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		b.WriteByte('=')
		b.WriteString(v)
	case isToken(v):
		b.WriteByte('=')
		b.WriteString(v)
	default:
		b.WriteByte('=')
		b.WriteString(strconv.Quote(v))
	}
}

// isToken reports whether s is an RFC 3261 token (§25.1).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

// endpointGRUU is the GRUU the registrar assigns to a registered endpoint,
// as Lync does: sip:AOR;opaque=user:epid:ID;gruu, ID derived from the
// Contact's +sip.instance (MS-SIPRE §2.2.3 and §3.x "GRUU syntax": the
// encoded UUID of +sip.instance; MS-SIPREGE's 200 OK example carries
// gruu="sip:alice@fabrikam.com;opaque=user:epid:QJJYwWDmT1mos0tV81jLwQAA;gruu").
// Lab convention: without +sip.instance the ID is derived from the Contact
// URI, so the same Contact always gets the same GRUU; the encoding is
// base64url of a SHA-1 prefix, since Lync's is not published.
func endpointGRUU(aor lync.SIPAddress, c *sip.ContactHeader) string {
	seed := c.Address.String()
	if v, ok := c.Params.Get("+sip.instance"); ok {
		seed = strings.Trim(v, `"<>`)
	}
	sum := sha1.Sum([]byte(strings.ToLower(seed)))
	return fmt.Sprintf("%s;opaque=user:epid:%s;gruu", aor.String(), base64.RawURLEncoding.EncodeToString(sum[:16]))
}

// register answers REGISTER for the identity the application uses for ICE:
// it checks the identity, validates Expires, keeps the binding, and answers
// with every current binding, each with its expires and gruu parameters, as
// Lync does (MS-SIPREGE; RFC 3261 §10.3). A REGISTER without Contact is a
// query of the bindings (RFC 3261 §10.2.3).
func (fe *FrontEnd) register(req *sip.Request, p *peer) *sip.Response {
	to := req.To()
	if to == nil {
		return sip.NewResponseFromRequest(req, 400, "Bad Request", nil)
	}
	expires := uint64(defaultExpires)
	if h := req.GetHeader("Expires"); h != nil {
		n, err := parseExpires(h.Value())
		if err != nil {
			return fe.refuse(req, 400, "Bad Request", Diagnostic{}, "Expires: "+err.Error())
		}
		expires = n
	}
	var contacts []*sip.ContactHeader
	wildcard := false
	for _, h := range req.GetHeaders("Contact") {
		c, ok := h.(*sip.ContactHeader)
		if !ok {
			return fe.refuse(req, 400, "Bad Request", Diagnostic{}, "a Contact that is not a name-addr")
		}
		if c.Address.Wildcard {
			wildcard = true
			continue
		}
		// Lync reaches a registered trusted computer by opening MTLS to
		// its Contact host; a certificate that does not name that host
		// fails then.
		if host := c.Address.Host; !p.names(host) {
			return fe.refuse(req, 403, "Forbidden", diagCertificateTrust,
				fmt.Sprintf("the certificate names %s, not %s, the host this computer registers from", strings.Join(p.certNames, ", "), host))
		}
		contacts = append(contacts, c)
	}
	aor, refusal := fe.identity(req, to.Address, p)
	if refusal != nil {
		return refusal
	}
	key := aorKey(aor)
	var bs []binding
	switch {
	case wildcard:
		if expires != 0 || len(contacts) > 0 {
			return fe.refuse(req, 400, "Bad Request", Diagnostic{}, "Contact: * goes alone and with Expires: 0 only (RFC 3261 §10.2.2)")
		}
		fe.s.reg.removeAll(key)
	case len(contacts) == 0: // a query (RFC 3261 §10.2.3)
		bs = fe.s.reg.current(key)
	}
	for _, c := range contacts {
		exp := expires
		if v, ok := c.Params.Get("expires"); ok {
			// RFC 3261 §20.10: a malformed expires parameter is taken as 3600.
			if n, err := parseExpires(v); err == nil {
				exp = n
			} else {
				exp = defaultExpires
			}
		}
		bs = fe.s.reg.update(key, binding{contact: renderContact(c), uri: c.Address.String(),
			computer: p.computer, gruu: endpointGRUU(aor, c)}, exp)
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	now := fe.s.opts.now()
	for _, b := range bs {
		left := int64(b.expires.Sub(now).Round(time.Second) / time.Second)
		res.AppendHeader(sip.NewHeader("Contact", b.contact+
			";expires="+strconv.FormatInt(max(left, 1), 10)+";gruu="+strconv.Quote(b.gruu)))
	}
	if len(contacts) > 0 || wildcard {
		res.AppendHeader(sip.NewHeader("Expires", strconv.FormatUint(expires, 10)))
	}
	res.AppendHeader(sip.NewHeader("ms-keep-alive", fmt.Sprintf("UAS; tcp=no; hop-hop=yes; end-end=no; timeout=%d", max(int(fe.s.opts.keepAlive/time.Second), 1))))
	res.AppendHeader(sip.NewHeader("Allow-Events", "vnd-microsoft-provisioning,vnd-microsoft-roaming-contacts,vnd-microsoft-roaming-ACL,presence,presence.wpending,vnd-microsoft-roaming-self,vnd-microsoft-provisioning-v2"))
	res.AppendHeader(sip.NewHeader("Supported", "gruu-10, adhoclist, msrtc-event-categories, ms-piggyback-first-notify"))
	return res
}

// requireRegistration refuses a request whose identity has not registered
// from the computer it comes from. Lab convention: Lync serves in-band
// provisioning and MRAS to registered endpoints (MS-SIPREGE: an endpoint
// registers, then subscribes), and the RMX registers the identity it uses
// for ICE before it subscribes; the code Lync answers an unregistered
// trusted application with is not published, so the lab answers 403 with
// ms-diagnostics 4004 and a Warning saying what is missing.
func (fe *FrontEnd) requireRegistration(req *sip.Request, aor lync.SIPAddress, p *peer) *sip.Response {
	if fe.s.reg.registeredFrom(aorKey(aor), p.computer) {
		return nil
	}
	return fe.refuse(req, 403, "Forbidden", diagNotAuthorized,
		fmt.Sprintf("%s has not registered from %s", aor, p.computer))
}
