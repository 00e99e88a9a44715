package lynctest_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/pion/stun"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/sdp"
)

// An AV MCU INVITE that the lab is answering when it closes — its agent
// gathering a relay candidate — is over before Close returns: pion's TURN
// Allocate cannot be cancelled and, once the relay has gone, is
// retransmitted for about 8 s, which left the handler running after the
// lab had closed (goleak in rpp/lab's TestRunInterrupted). The relay here
// holds the Allocate until the test lets it refuse.
func TestAVMCUGatheringEndsBeforeClose(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	relay, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	allocate := make(chan struct{})
	var released atomic.Bool
	go holdAllocate(relay, allocate, &released)
	d := loadExample(t, "two-site.yaml")
	s, err := lynctest.NewServer(context.Background(), &d.Lync, lynctest.WithExternalRelay(lynctest.ExternalRelay{
		Host: "127.0.0.1", UDPPort: relay.LocalAddr().(*net.UDPAddr).Port, TCPPort: 1, Secret: "lab"}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := mustMeeting(t, s, "sip:alice@contoso.com", lynctest.WithEncryption(lynctest.SupportEncryption))
	rmx := newClient(t, s, s.FrontEnd("fe-east.contoso.com"), "rmx-east.contoso.com")
	const self = "sip:rpp-east@contoso.com"
	focus := m.Focus.String()
	if j, err := join(t, rmx, focus, self, addUser(t, focus, self, "{1}")); err != nil || j.res.StatusCode != 200 {
		t.Fatalf("addUser: %v", err)
	}
	host, _ := sdp.ParseCandidate("1 1 UDP 2130706431 127.0.0.1 9 typ host")
	body := offer(t, "RTP/AVP", "", false, "Bp2K", "uQ8PvXcRYHLHRa7a1Hm0sGpw", []sdp.Candidate{host})
	invited := make(chan struct{})
	go func() {
		defer close(invited)
		_, _ = join(t, rmx, m.AVMCU.String(), self, body, sip.NewHeader("Content-Type", sdp.ContentType))
	}()
	select {
	case <-allocate: // the AV MCU is gathering
	case <-time.After(10 * time.Second):
		t.Fatal("the AV MCU sent no Allocate to the relay")
	}
	time.AfterFunc(200*time.Millisecond, func() { released.Store(true) })
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if !released.Load() {
		t.Error("Close returned while the AV MCU was still gathering through the relay")
	}
	rmx.c.Close()
	rmx.ua.Close()
	<-invited
}

// holdAllocate answers nothing until released is set, then refuses every
// TURN Allocate with 508 Insufficient Capacity; it closes allocate at the
// first one.
func holdAllocate(relay net.PacketConn, allocate chan struct{}, released *atomic.Bool) {
	buf := make([]byte, 1500)
	var first bool
	for {
		_ = relay.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		n, from, err := relay.ReadFrom(buf)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			continue
		}
		if err != nil {
			return
		}
		req := &stun.Message{Raw: append([]byte(nil), buf[:n]...)}
		if req.Decode() != nil || req.Type.Method != stun.MethodAllocate {
			continue
		}
		if !first {
			first = true
			close(allocate)
		}
		for !released.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		res, err := stun.Build(stun.NewTransactionIDSetter(req.TransactionID),
			stun.NewType(stun.MethodAllocate, stun.ClassErrorResponse), stun.CodeInsufficientCapacity)
		if err == nil {
			_, _ = relay.WriteTo(res.Raw, from)
		}
	}
}
