package rmxtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// cascadeLab starts the two-site lab with a meeting of alice's and
// rmx-east (profile encryption enc) with ICE up.
func cascadeLab(t *testing.T, enc rmx.Encryption, level lynctest.EncryptionLevel, opts ...rmxtest.Option) (*lynctest.Server, *lynctest.Meeting, *rmxtest.RMX, *rpp.Deployment) {
	t.Helper()
	s, d := lab(t, "two-site.yaml", lynctest.WithLogger(quiet))
	alice, err := lync.ParseSIPAddress("sip:alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.CreateMeeting(alice, lynctest.WithEncryption(level))
	if err != nil {
		t.Fatal(err)
	}
	sys := d.RPP.RMX[0]
	sys.ConferenceProfiles = []rmx.ConferenceProfile{{Name: "lync", Encryption: enc}}
	r, err := rmxtest.ForLab(s, sys, append([]rmxtest.Option{rmxtest.WithLogger(quiet), rmxtest.WithTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, m, r, d
}

// The RMX joins a Lync meeting: addUser to the focus, the media INVITE to
// the AV MCU with relay candidates, ICE through the Edge relay, media both
// ways, counted on both sides and relay on both sides of the selected
// pair; Hangup leaves the focus and the AV MCU and the lab sees it.
func TestCascadeIntoMeeting(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, m, r, _ := cascadeLab(t, rmx.EncryptWhenAvailable, lynctest.RequireEncryption)
	defer s.Close() // before goleak looks: t.Cleanup would be too late
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := r.Cascade(ctx, m.Focus)
	if err != nil {
		t.Fatalf("Cascade: %v\n%s", err, s.Ladder())
	}
	if !c.AVMCU.Equal(m.AVMCU) {
		t.Errorf("AV MCU %s, want %s", c.AVMCU, m.AVMCU)
	}
	for deadline := time.Now().Add(5 * time.Second); c.Stats().PacketsReceived < 10 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	st := c.Stats()
	if st.BytesSent == 0 || st.BytesReceived == 0 || st.PacketsReceived < 10 {
		t.Errorf("media %+v, want bytes both ways", st)
	}
	if st.Local.Type != "relay" || st.Remote.Type != "relay" {
		t.Errorf("selected pair %+v / %+v, want relay on both sides", st.Local, st.Remote)
	}
	roster := m.Roster()
	if len(roster) != 1 || !roster[0].JoinedFocus || roster[0].Media != lynctest.MediaConnected ||
		roster[0].BytesIn == 0 || roster[0].BytesOut == 0 || roster[0].Entity != "sip:rpp-east@contoso.com" ||
		roster[0].LocalCandidate != "relay" || roster[0].RemoteCandidate != "relay" {
		t.Errorf("roster %+v", roster)
	}
	if err := c.Hangup(ctx); err != nil {
		t.Fatalf("Hangup: %v\n%s", err, s.Ladder())
	}
	final := c.Stats()
	if roster := m.Roster(); len(roster) != 1 || roster[0].JoinedFocus || roster[0].Media != lynctest.MediaEnded ||
		roster[0].BytesIn > final.BytesSent || roster[0].BytesOut < final.BytesReceived {
		t.Errorf("roster after Hangup %+v; the RMX counted %+v", roster, final)
	}
	// INVITE focus, ACK, INVITE AV MCU, ACK, BYE, BYE — on the wire.
	var got []string
	for _, msg := range s.Messages() {
		if msg.Direction == lynctest.In && msg.Peer == "rmx-east.contoso.com" {
			method, _, _ := strings.Cut(msg.StartLine, " ")
			got = append(got, method)
		}
	}
	if want := "REGISTER SUBSCRIBE SERVICE INVITE ACK INVITE ACK BYE BYE"; strings.Join(got, " ") != want {
		t.Errorf("the lab received %v, want %s\n%s", got, want, s.Ladder())
	}
}

// a=encryption follows the RMX's conference profile (MS-SDP: required,
// optional, rejected); the AV MCU refuses a level its meeting cannot take
// with 488, the "video not accepted" story.
func TestCascadeEncryption(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		profile rmx.Encryption
		level   lynctest.EncryptionLevel
		refused bool
	}{
		{rmx.EncryptWhenAvailable, lynctest.RequireEncryption, false},
		{rmx.EncryptAlways, lynctest.RequireEncryption, false},
		{rmx.EncryptNone, lynctest.RequireEncryption, true},
		{rmx.EncryptNone, lynctest.SupportEncryption, false},
		{rmx.EncryptWhenAvailable, lynctest.DoNotSupportEncryption, false},
		{rmx.EncryptAlways, lynctest.DoNotSupportEncryption, true},
	} {
		t.Run(string(tc.profile)+" into "+string(tc.level), func(t *testing.T) {
			s, m, r, _ := cascadeLab(t, tc.profile, tc.level)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := r.Cascade(ctx, m.Focus)
			if !tc.refused {
				if err != nil {
					t.Fatalf("Cascade: %v\n%s", err, s.Ladder())
				}
				if want := rmxtest.Encryption(tc.profile); c.Encryption != want {
					t.Errorf("offered a=encryption:%s, want %s", c.Encryption, want)
				}
				if err := c.Hangup(ctx); err != nil {
					t.Error(err)
				}
				return
			}
			var e *rmxtest.Error
			if !errors.As(err, &e) || e.Phase != rmxtest.PhaseCascade || !errors.Is(err, rmx.SymptomVideoNotAccepted) ||
				!strings.Contains(e.Detail, "488") || !strings.Contains(e.Detail, "52017") {
				t.Fatalf("Cascade: %v, want 488 with 52017 at the cascade phase, video not accepted\n%s", err, s.Ladder())
			}
		})
	}
}

// Deliberately wrong devices, for the tests that prove the kit notices:
// an INVITE to the AV MCU without addUser, and an SDP offer labelled with
// another content type, are refused by the AV MCU.
func TestCascadeWrongDevices(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name   string
		opt    rmxtest.Option
		status string
	}{
		{"no addUser before the AV MCU", rmxtest.WithoutFocusJoin(), "403"},
		{"offer labelled application/cccp+xml", rmxtest.WithAVMCUContentType("application/cccp+xml"), "415"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, m, r, _ := cascadeLab(t, rmx.EncryptWhenAvailable, lynctest.RequireEncryption, tc.opt)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := r.Cascade(ctx, m.Focus)
			var e *rmxtest.Error
			if !errors.As(err, &e) || e.Phase != rmxtest.PhaseCascade || !strings.Contains(e.Detail, "AV MCU: "+tc.status) {
				t.Fatalf("Cascade: %v, want the AV MCU's %s\n%s", err, tc.status, s.Ladder())
			}
		})
	}
}

// Cascade needs ICE up: before Start it fails at once, saying so.
func TestCascadeBeforeStart(t *testing.T) {
	s, d := lab(t, "two-site.yaml")
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	_, err = r.Cascade(context.Background(), lync.FocusURI(alice, "ABCDEFGH"))
	var e *rmxtest.Error
	if !errors.As(err, &e) || e.Phase != rmxtest.PhaseCascade || !errors.Is(err, rmxtest.ErrNotReady) {
		t.Errorf("Cascade before Start: %v, want ErrNotReady at the cascade phase", err)
	}
}
