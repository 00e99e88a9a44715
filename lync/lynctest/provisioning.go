package lynctest

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/provision"
)

// subscribe answers the in-band provisioning SUBSCRIBE with the MRAS URI of
// the Edge associated with this Front End pool.
func (fe *FrontEnd) subscribe(req *sip.Request, p *peer) *sip.Response {
	if fe.s.opts.faults.unansweredProvisioning {
		return nil // recorded, never answered
	}
	if ev := req.GetHeader("Event"); ev == nil || !strings.EqualFold(strings.TrimSpace(strings.Split(ev.Value(), ";")[0]), provision.Event) {
		res := sip.NewResponseFromRequest(req, 489, "Bad Event", nil)
		res.AppendHeader(sip.NewHeader("Allow-Events", provision.Event))
		return res
	}
	if !accepts(req, provision.ContentType) {
		res := sip.NewResponseFromRequest(req, 406, "Not Acceptable", nil)
		res.AppendHeader(sip.NewHeader("Accept", provision.ContentType))
		return res
	}
	from := req.From()
	if from == nil {
		return sip.NewResponseFromRequest(req, 400, "Bad Request", nil)
	}
	if req.Contact() == nil { // a SUBSCRIBE establishes a dialog (RFC 3261 §8.1.1.8)
		res := sip.NewResponseFromRequest(req, 400, "Bad Request", nil)
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, "SUBSCRIBE without a Contact")))
		return res
	}
	self, refusal := fe.identity(req, from.Address, p)
	if refusal != nil {
		return refusal
	}
	if refusal := fe.requireRegistration(req, self, p); refusal != nil {
		return refusal
	}
	groups := []string{provision.ServerConfiguration}
	if body := req.Body(); len(body) > 0 {
		r, err := provision.ParseRequest(body)
		if err != nil {
			return fe.refuse(req, 400, "Bad Request", diagNotEnabledForSIP, err.Error())
		}
		groups = groups[:0]
		for _, g := range r.Groups {
			groups = append(groups, g.Name)
		}
	}
	body, err := fe.notification(groups, self).Marshal()
	if err != nil {
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
	}
	if supports(req, provision.PiggybackFirstNotify) {
		res := sip.NewResponseFromRequest(req, 200, "OK", body)
		res.AppendHeader(sip.NewHeader("Content-Type", provision.ContentType))
		res.AppendHeader(sip.NewHeader("Expires", "0"))
		res.AppendHeader(sip.NewHeader("subscription-state", "terminated;expires=0"))
		if cseq := req.CSeq(); cseq != nil {
			res.AppendHeader(sip.NewHeader("ms-piggyback-cseq", strconv.FormatUint(uint64(cseq.SeqNo), 10)))
		}
		return res
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	res.AppendHeader(sip.NewHeader("Expires", "0"))
	tag := token(8)
	res.To().Params.Add("tag", tag)
	fe.notify(req, tag, body)
	return res
}

// notification is the answer to a provisioning request for groups from
// self, whose focus factory it names (MS-CONFBAS §4.5: the focus factory
// URI is the user's own address with opaque=app:conf:focusfactory).
func (fe *FrontEnd) notification(groups []string, self lync.SIPAddress) *provision.Notification {
	n := &provision.Notification{}
	for _, g := range groups {
		group := provision.Group{Name: g}
		if g == provision.ServerConfiguration {
			if fe.Edge != nil {
				group.MRASURI = fe.Edge.MRASURI
			}
			group.FocusFactoryURI = lync.FocusFactoryURI(self)
			group.EnableBWPolicyCheck = "false"
			group.UCMaxVideoRateAllowed = "Hd720p15M"
		}
		n.Groups = append(n.Groups, group)
	}
	return n
}

// notify sends the provisioning NOTIFY of a subscription that did not ask
// for the piggy-backed first notify, over the connection the SUBSCRIBE came
// on.
func (fe *FrontEnd) notify(sub *sip.Request, tag string, body []byte) {
	contact := sub.Contact()
	if contact == nil {
		return
	}
	n := sip.NewRequest("NOTIFY", contact.Address)
	n.SetTransport(sub.Transport())
	n.SetDestination(sub.Source())
	from := sub.To().Address
	params := sip.NewParams()
	params.Add("tag", tag)
	n.AppendHeader(&sip.FromHeader{Address: from, Params: params})
	n.AppendHeader(&sip.ToHeader{Address: sub.From().Address, Params: sub.From().Params.Clone()})
	n.AppendHeader(sip.NewHeader("Call-ID", sub.CallID().Value()))
	n.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: "NOTIFY"})
	n.AppendHeader(sip.NewHeader("Event", provision.Event))
	n.AppendHeader(sip.NewHeader("subscription-state", "terminated;expires=0"))
	n.AppendHeader(sip.NewHeader("Content-Type", provision.ContentType))
	n.SetBody(body)
	// Not once the Front End is closing: its client is going away.
	fe.notifies.Go(func() {
		ctx, cancel := context.WithTimeout(fe.ctx, waitNotify)
		defer cancel()
		fe.s.rec.add(Message{Time: fe.s.opts.now(), Direction: Out, Server: string(fe.FQDN), Peer: sub.Source(), StartLine: n.StartLine(), Text: n.String()})
		res, err := fe.client.Do(ctx, n)
		if err != nil {
			fe.s.log.Info("provisioning NOTIFY failed", "to", sub.Source(), "error", err)
			return
		}
		fe.s.rec.add(Message{Time: fe.s.opts.now(), Direction: In, Server: string(fe.FQDN), Peer: sub.Source(), StartLine: res.StartLine(), Text: res.String()})
	})
}

// accepts reports whether the request's Accept headers allow ct.
func accepts(req *sip.Request, ct string) bool {
	for _, h := range req.GetHeaders("Accept") {
		for _, v := range strings.Split(h.Value(), ",") {
			if v, _, _ = strings.Cut(v, ";"); strings.EqualFold(strings.TrimSpace(v), ct) {
				return true
			}
		}
	}
	return false
}

// supports reports whether the request's Supported headers name option.
func supports(req *sip.Request, option string) bool {
	for _, h := range req.GetHeaders("Supported") {
		for _, v := range strings.Split(h.Value(), ",") {
			if strings.EqualFold(strings.TrimSpace(v), option) {
				return true
			}
		}
	}
	return false
}
