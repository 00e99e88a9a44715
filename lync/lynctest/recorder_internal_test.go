package lynctest

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// The recording follows the order requests were read in, whatever order
// their handlers (one goroutine each in sipgo) record them: an ACK read
// before the next INVITE stays before it, with the time it arrived. A
// request its handler recorded before the read hook reserved it stays
// before what was read after it; one no handler got is left out.
func TestRecorderKeepsReadOrder(t *testing.T) {
	req := func(m sip.RequestMethod) *sip.Request { return sip.NewRequest(m, sip.Uri{Host: "fe-east.contoso.com"}) }
	in := func(r *sip.Request) Message {
		return Message{Time: time.Unix(100, 0), Direction: In, StartLine: r.StartLine(), msg: r}
	}
	out := func(line string) Message { return Message{Time: time.Unix(100, 0), Direction: Out, StartLine: line} }
	rec := &recorder{max: 100}
	ack, invite, absorbed, early, bye := req(sip.ACK), req(sip.INVITE), req(sip.ACK), req(sip.OPTIONS), req(sip.BYE)
	rec.reserve(ack, time.Unix(1, 0))
	rec.reserve(invite, time.Unix(2, 0))
	rec.reserve(absorbed, time.Unix(3, 0)) // a transaction takes it: no handler records it
	rec.add(in(invite))                    // its handler ran first
	rec.add(out("SIP/2.0 200 OK"))
	rec.add(in(ack))
	rec.add(in(early)) // recorded before the hook reserved it
	rec.reserve(early, time.Unix(4, 0))
	rec.reserve(bye, time.Unix(5, 0))
	rec.add(in(bye))
	var got []string
	for _, m := range rec.messages() {
		got = append(got, strings.Fields(m.StartLine)[0])
	}
	if want := "ACK INVITE SIP/2.0 OPTIONS BYE"; strings.Join(got, " ") != want {
		t.Errorf("recorded %v, want %s", got, want)
	}
	if m := rec.messages()[0]; !m.Time.Equal(time.Unix(1, 0)) || m.Text == "" {
		t.Errorf("the ACK's record %+v: want the time it was read, and its text", m)
	}
	if len(rec.reserved) != 1 || len(rec.early) != 0 {
		t.Errorf("left %d reservations (want the absorbed ACK's only) and %d early records", len(rec.reserved), len(rec.early))
	}
}
