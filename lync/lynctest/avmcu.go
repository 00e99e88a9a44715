package lynctest

import (
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
)

// inviteAVMCU will answer the cascade's media INVITE once lync/sdp lands;
// until then the AV MCU is unavailable.
func (fe *FrontEnd) inviteAVMCU(req *sip.Request, p *peer, u lync.ConferenceURI) *sip.Response {
	return sip.NewResponseFromRequest(req, 503, "Service Unavailable", nil)
}
