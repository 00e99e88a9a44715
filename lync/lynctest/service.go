package lynctest

import (
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/mras"
)

// serverVersion is what the lab's MRAS says it speaks.
const serverVersion = "2.0"

// MaxMRASBody is the largest credentials request the lab's MRAS takes;
// larger ones get "Request Too Large". MS-AVEDGEA sets no size: 32 KiB holds
// the 100 credentials requests a request may carry, and stays below the
// 64 KiB that sipgo accepts for a whole SIP message, so the answer can be
// given rather than the connection dropped.
const MaxMRASBody = 32 << 10

// service answers the MRAS credentials SERVICE. MRAS-level outcomes travel
// in the reasonPhrase of a 200; SIP errors say only that the request did not
// reach MRAS at all.
func (fe *FrontEnd) service(req *sip.Request, p *peer) *sip.Response {
	edge := fe.s.edgeOfMRAS(req.Recipient)
	if edge == nil {
		return fe.refuse(req, 404, "Not Found", diagNotEnabledForSIP, req.Recipient.String()+" is not the MRAS URI of an Edge")
	}
	if ct := req.ContentType(); ct == nil || !strings.EqualFold(strings.TrimSpace(strings.Split(ct.Value(), ";")[0]), mras.ContentType) {
		res := sip.NewResponseFromRequest(req, 415, "Unsupported Media Type", nil)
		res.AppendHeader(sip.NewHeader("Accept", mras.ContentType))
		return res
	}
	// The SERVICE reaches MRAS only from a registered identity.
	if from := req.From(); from != nil {
		if aor, err := lync.MakeSIPAddress(from.Address.User, from.Address.Host); err == nil {
			if refusal := fe.requireRegistration(req, aor, p); refusal != nil {
				return refusal
			}
		}
	}
	// MRAS runs on the Edge: the Front End hands the SERVICE on over its
	// MTLS connection to the Edge's internal interface, which fails when
	// the Edge's certificate is not trusted for the Edge pool's FQDN.
	// ms-diagnostics 1010 is Lync's (MS-OCER) for that; the 504 that
	// carries it is a lab convention (inference: the response code Lync
	// sends for a next hop it could not reach is not published).
	if err := fe.edgeHop(edge); err != nil {
		// Recorded at the Edge, from the Front End: the ladder draws the
		// connection the way it went.
		fe.s.rec.add(Message{Time: fe.s.opts.now(), Direction: Refused, Server: string(edge.FQDN), Peer: string(fe.FQDN), StartLine: "TLS: " + err.Error(), Err: err})
		fe.s.log.Info("MTLS hop to the Edge failed", "edge", edge.FQDN, "error", err)
		return fe.refuse(req, 504, "Server Time-out", diagCertificateTrust, fmt.Sprintf("the MTLS connection to Edge %s failed: %v", edge.FQDN, err))
	}
	answer := func(r *mras.Response) *sip.Response {
		r.ServerVersion = serverVersion
		if r.RequestID == "" {
			r.RequestID = "0" // the request could not say; the attribute is required
		}
		body, err := r.Marshal()
		if err != nil {
			return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
		}
		res := sip.NewResponseFromRequest(req, 200, "OK", body)
		res.AppendHeader(sip.NewHeader("Content-Type", mras.ContentType))
		return res
	}
	body := req.Body()
	if len(body) > MaxMRASBody {
		return answer(&mras.Response{ReasonPhrase: mras.RequestTooLarge})
	}
	r, err := mras.ParseRequest(body)
	if r == nil {
		return answer(&mras.Response{ReasonPhrase: mras.RequestMalformed})
	}
	echo := mras.Response{RequestID: r.RequestID, Version: r.Version, To: r.To, From: r.From}
	switch {
	case r.Version != "" && r.Version != "1.0" && r.Version != "2.0":
		echo.ReasonPhrase = mras.VersionMismatch
		return answer(&echo)
	case err != nil:
		fe.s.log.Info("malformed MRAS request", "error", err)
		echo.ReasonPhrase = mras.RequestMalformed
		return answer(&echo)
	case r.Route == "directip":
		echo.ReasonPhrase = mras.NotSupported // the lab hands out relays by name only
		return answer(&echo)
	}
	if f := fe.s.opts.fault; f != nil {
		if phrase := f(r); phrase != "" && phrase != mras.OK {
			echo.ReasonPhrase = phrase
			return answer(&echo)
		}
	}
	identity, why := fe.mrasIdentity(req, r, p)
	if why != "" {
		fe.s.log.Info("MRAS refused", "peer", p.computer, "why", why)
		echo.ReasonPhrase = mras.Forbidden
		res := answer(&echo)
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, why)))
		return res
	}
	echo.ReasonPhrase = mras.OK
	for _, cr := range r.Credentials {
		lifetime := fe.s.opts.lifetime
		if d := minutes(cr.Duration); cr.Duration > 0 && d < lifetime {
			lifetime = d
		}
		c, err := fe.s.creds.mint(identity, lifetime)
		if err != nil {
			echo.ReasonPhrase = mras.InternalServerError
			echo.Credentials = nil
			return answer(&echo)
		}
		echo.Credentials = append(echo.Credentials, mras.CredentialsResponse{
			ID: cr.ID,
			Credentials: &mras.Credentials{Username: c.Username, Password: c.Password,
				Duration: max(int(lifetime.Minutes()), 1), Realm: edge.Realm},
			Relays: []mras.MediaRelay{{Location: mras.Internet, HostName: edge.RelayHost,
				UDPPort: edge.RelayUDPPort, TCPPort: edge.RelayTCPPort}},
		})
	}
	return answer(&echo)
}

// mrasIdentity applies the lab's MRAS rule (see the package doc): it returns
// the identity credentials are minted for, or why there are none.
func (fe *FrontEnd) mrasIdentity(req *sip.Request, r *mras.Request, p *peer) (string, string) {
	from := req.From()
	if from == nil {
		return "", "no From"
	}
	addr, err := lync.MakeSIPAddress(from.Address.User, from.Address.Host)
	if err != nil {
		return "", fmt.Sprintf("From %s is not a SIP address", from.Address.String())
	}
	for _, cr := range r.Credentials {
		if id, err := lync.ParseSIPAddress(cr.Identity); err != nil || !id.Equal(addr) {
			return "", fmt.Sprintf("credentials asked for %s by %s", cr.Identity, addr)
		}
	}
	t, x := fe.s.topo, fe.s.idx
	if i := x.Endpoint(addr); i >= 0 {
		ep := t.TrustedApplicationEndpoints[i]
		if p.pool < 0 || !ep.Pool.Equal(t.TrustedApplicationPools[p.pool].FQDN) {
			return "", fmt.Sprintf("%s is an endpoint of pool %s; %s is not a computer of it", addr, ep.Pool, p.computer)
		}
		contact := req.Contact()
		if contact == nil {
			return "", "no Contact: the new method presents the pool's Service GRUU as Contact"
		}
		for _, a := range x.Applications(ep.Pool) {
			if want := fe.s.appGRUU[a]; !want.IsZero() && isGRUU(contact.Address, want) {
				return addr.String(), ""
			}
		}
		got, err := lync.ParseGRUU(contact.Address.String())
		if err != nil {
			return "", fmt.Sprintf("Contact %s is not the pool's Service GRUU: %v", contact.Address.String(), err)
		}
		for _, a := range x.Applications(ep.Pool) {
			if want := fe.s.appGRUU[a]; !want.IsZero() && want.Equal(got) {
				return addr.String(), ""
			}
		}
		return "", fmt.Sprintf("Contact %s is not the Service GRUU of pool %s", got, ep.Pool)
	}
	if x.User(addr) < 0 {
		return "", addr.String() + " is neither a user nor a trusted application endpoint"
	}
	// A Lync user is the legacy method, whose requests carry the
	// computer's own Contact; a service GRUU there means the new method,
	// which needs an endpoint.
	if contact := req.Contact(); contact != nil {
		if _, err := lync.ParseGRUU(contact.Address.String()); err == nil {
			return "", fmt.Sprintf("%s is a Lync user; with a Service GRUU as Contact (the new method) the identity must be a trusted application endpoint", addr)
		}
	}
	return addr.String(), ""
}

// edgeOfMRAS returns the Edge whose MRAS URI uri is.
func (s *Server) edgeOfMRAS(uri sip.Uri) *Edge {
	for _, e := range s.edges {
		if isGRUU(uri, e.mras) {
			return e
		}
	}
	got, err := lync.ParseGRUU(uri.String())
	if err != nil {
		return nil
	}
	for _, e := range s.edges {
		if e.mras.Equal(got) {
			return e
		}
	}
	return nil
}

// UserCredentials mints relay credentials for a Lync user through the
// Edge edge, as MRAS would answer the user's own client: for tests that
// need a Lync client on the far side of an ICE session. The user must be a
// user of the topology.
func (s *Server) UserCredentials(user string, edge lync.FQDN) (*mras.CredentialsResponse, error) {
	addr, err := lync.ParseSIPAddress(user)
	if err != nil {
		return nil, err
	}
	if s.idx.User(addr) < 0 {
		return nil, fmt.Errorf("lynctest: %s is not a Lync user of the topology", user)
	}
	e := s.Edge(edge)
	if e == nil {
		return nil, fmt.Errorf("lynctest: no Edge %s", edge)
	}
	c, err := s.creds.mint(addr.String(), s.opts.lifetime)
	if err != nil {
		return nil, err
	}
	return &mras.CredentialsResponse{
		ID:          "1",
		Credentials: &mras.Credentials{Username: c.Username, Password: c.Password, Duration: max(int(s.opts.lifetime.Minutes()), 1), Realm: e.Realm},
		Relays:      []mras.MediaRelay{{Location: mras.Internet, HostName: e.RelayHost, UDPPort: e.RelayUDPPort, TCPPort: e.RelayTCPPort}},
	}, nil
}

// isGRUU reports whether u is g written the usual way — sip:POOL@DOMAIN
// with the parameters gruu and opaque=srvr:APP:TOKEN and nothing else —
// without printing and parsing u again, which cost the lab's MRAS a tenth
// of its time. false says only "not in that form": callers then compare
// with lync.ParseGRUU and GRUU.Equal, which take every form.
func isGRUU(u sip.Uri, g lync.GRUU) bool {
	if !strings.EqualFold(u.Scheme, "sip") || u.Password != "" || u.Port != 0 || u.Headers.Length() != 0 || u.UriParams.Length() != 2 ||
		!strings.EqualFold(u.User, string(g.Pool())) || !strings.EqualFold(u.Host, g.Domain()) {
		return false
	}
	if v, ok := u.UriParams.Get("gruu"); !ok || v != "" {
		return false
	}
	opaque, ok := u.UriParams.Get("opaque")
	app := string(g.ApplicationID())
	if !ok || len(opaque) != len("srvr:")+len(app)+1+len(g.Token()) {
		return false
	}
	return strings.EqualFold(opaque[:len("srvr:")+len(app)+1], "srvr:"+app+":") && opaque[len("srvr:")+len(app)+1:] == g.Token()
}
