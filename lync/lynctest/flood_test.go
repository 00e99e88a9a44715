package lynctest_test

// A bounded flood over real MTLS connections: every request is answered, a
// well-behaved client is served throughout, the server closes cleanly with
// no goroutine left, and the recorder keeps at most its bound.

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// pipeline writes the requests in one write and returns how many got a
// 200 whose body contains want ("" for any), or why not all were
// answered. It does not use t, so that goroutines may call it.
func rawPipeline(c *rawConn, reqs []*rawMsg, want string) (int, error) {
	var b []byte
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		b = append(b, r.bytes()...)
		ids[i] = r.callID()
	}
	if err := c.write(b); err != nil {
		return 0, err
	}
	got, err := c.answerAll(ids...)
	ok := 0
	for _, res := range got {
		if res.StatusCode == 200 && bytes.Contains(res.Body(), []byte(want)) {
			ok++
		} else if err == nil {
			err = fmt.Errorf("answered %s with a %d-octet body", res.StartLine(), len(res.Body()))
		}
	}
	return ok, err
}

// wellBehaved runs a client that sends OPTIONS and REGISTER one at a time
// on its own connection until stop is closed, then reports how many got
// 200, and the first error. started is closed after its first answer.
func rawWellBehaved(c *rawConn, started, stop chan struct{}) <-chan [2]any {
	out := make(chan [2]any, 1)
	go func() {
		ok := 0
		var err error
		defer func() { out <- [2]any{ok, err} }()
		for i := 0; ; i++ {
			m := rawOptions()
			if i%2 == 1 {
				m = rawRegister()
			}
			if err = c.write(m.bytes()); err != nil {
				return
			}
			res, aerr := c.answer(m.callID())
			if aerr != nil {
				err = fmt.Errorf("request %d (%s): %w", i, m.start, aerr)
				return
			}
			if res.StatusCode != 200 {
				err = fmt.Errorf("request %d (%s): %s", i, m.start, res.StartLine())
				return
			}
			ok++
			if i == 0 {
				close(started)
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	return out
}

// TestFlood sends 50 connections' worth of 20 pipelined provisioning
// SUBSCRIBEs at once while a well-behaved client registers and pings on a
// connection of its own: every SUBSCRIBE gets its 200 with the MRAS URI, the
// well-behaved client is answered throughout, and Close leaves no goroutine.
func TestFlood(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const conns, perConn = 50, 20
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	mrasURI := s.Edge("edge-east.contoso.com").MRASURI

	flooders := make([]*rawConn, conns)
	for i := range flooders {
		flooders[i] = rawDial(t, s, fe)
	}
	started, stop := make(chan struct{}), make(chan struct{})
	wb := rawWellBehaved(rawDial(t, s, fe), started, stop)
	<-started

	var wg sync.WaitGroup
	oks := make([]int, conns)
	errs := make([]error, conns)
	for i, c := range flooders {
		reqs := make([]*rawMsg, perConn)
		for j := range reqs {
			reqs[j] = rawSubscribe(t)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			oks[i], errs[i] = rawPipeline(c, reqs, mrasURI)
		}()
	}
	wg.Wait()
	close(stop)
	r := <-wb

	total := answered(t, oks, errs)
	if total != conns*perConn {
		t.Errorf("%d of %d SUBSCRIBEs answered 200 with the MRAS URI", total, conns*perConn)
	}
	served, err := r[0].(int), r[1]
	if err != nil {
		t.Errorf("the well-behaved client after %d answers: %v", served, err)
	}
	t.Logf("%d SUBSCRIBEs answered; the well-behaved client was served %d times meanwhile", total, served)
	for _, c := range flooders {
		c.close()
	}
	rawAlive(t, s, fe)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	// Each request and its answer are recorded, well under the bound, and
	// the REGISTER before them.
	if got, want := len(s.Messages()), 2*(total+served+2); got != want {
		t.Errorf("%d messages recorded, want %d", got, want)
	}
}

// TestFloodRecorderBound floods the lab with more than 10000 messages' worth of
// OPTIONS (a request and its answer each): it records the first 10000 and
// the ladder says how many more it did not.
func TestFloodRecorderBound(t *testing.T) {
	if testing.Short() {
		t.Skip("5050 requests")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const conns, perConn, bound = 50, 101, 10000
	s := rawStartBare(t) // OPTIONS need no registration
	fe := s.FrontEnd("fe-east.contoso.com")
	var wg sync.WaitGroup
	oks := make([]int, conns)
	errs := make([]error, conns)
	for i := 0; i < conns; i++ {
		c := rawDial(t, s, fe)
		reqs := make([]*rawMsg, perConn)
		for j := range reqs {
			reqs[j] = rawOptions()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			oks[i], errs[i] = rawPipeline(c, reqs, "")
		}()
	}
	wg.Wait()
	total := answered(t, oks, errs)
	if total != conns*perConn {
		t.Fatalf("%d of %d OPTIONS answered", total, conns*perConn)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	msgs := s.Messages()
	if len(msgs) != bound {
		t.Errorf("%d messages recorded, want the bound, %d", len(msgs), bound)
	}
	for _, m := range msgs {
		if m.Server != "fe-east.contoso.com" || m.Peer != "rmx-east.contoso.com" || (m.Direction != lynctest.In && m.Direction != lynctest.Out) {
			t.Fatalf("recorded %+v", m)
		}
	}
	ladder := s.Ladder()
	lines := strings.Split(strings.TrimSuffix(ladder, "\n"), "\n")
	want := fmt.Sprintf("(%d more messages not recorded)", 2*total-bound)
	if len(lines) != bound+1 || lines[len(lines)-1] != want {
		t.Errorf("the ladder has %d lines ending %q; want %d ending %q", len(lines), lines[len(lines)-1], bound+1, want)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.Contains(l, "── OPTIONS sip:fe-east.contoso.com SIP/2.0 ──▶") && !strings.Contains(l, "◀── SIP/2.0 200 OK ──") {
			t.Fatalf("the ladder shows %q, not an OPTIONS or its 200", l)
		}
	}
}

// answered adds up the answers each connection got, and reports the
// connections that failed.
func answered(t *testing.T, oks []int, errs []error) int {
	t.Helper()
	total := 0
	for i := range oks {
		total += oks[i]
		if errs[i] != nil {
			t.Errorf("connection %d: %v", i, errs[i])
		}
	}
	return total
}
