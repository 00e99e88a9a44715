package rmxtest_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// coturn is a turnserver process run for one test.
type coturn struct {
	Port int    // UDP and TCP, on 127.0.0.1
	Log  string // its log (stdout)
}

// Addr is the relay's UDP address.
func (c *coturn) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)) }

// coturnFreePort returns a loopback port free for both UDP and TCP a moment
// ago (coturn listens on both).
func coturnFreePort(t *testing.T) int {
	t.Helper()
	for i := 0; i < 20; i++ {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no loopback port free for both UDP and TCP")
	return 0
}

// stunAnswers reports whether a STUN binding request to addr is answered
// with a binding success within wait.
func stunAnswers(addr string, wait time.Duration) bool {
	conn, err := net.Dial("udp4", addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest)
	if _, err := conn.Write(req.Raw); err != nil {
		return false
	}
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 1500)
	n, err := conn.Read(buf)
	if err != nil {
		return false
	}
	res := &stun.Message{Raw: buf[:n]}
	return res.Decode() == nil && res.Type == stun.BindingSuccess && res.TransactionID == req.TransactionID
}

// startCoturn runs turnserver in the foreground on a free loopback port,
// with the TURN REST API shared secret, and waits until it answers STUN.
// The process is killed and waited for in t.Cleanup.
func startCoturn(t *testing.T, bin, secret string) *coturn {
	t.Helper()
	dir := t.TempDir()
	var last string
	for attempt := 0; attempt < 3; attempt++ { // the port may be taken between the probe and coturn's bind
		port := coturnFreePort(t)
		logFile := filepath.Join(dir, fmt.Sprintf("turnserver-%d.log", attempt))
		f, err := os.Create(logFile)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin,
			"-n", // no configuration file: everything is here
			"--listening-ip", "127.0.0.1", "--listening-port", strconv.Itoa(port),
			"--relay-ip", "127.0.0.1", "--allow-loopback-peers",
			"--realm", "contoso.com", "--use-auth-secret", "--static-auth-secret", secret,
			"--no-tls", "--no-dtls", "--no-cli", "-v", // -v logs each allocation
			"--log-file", "stdout", "--simple-log",
			"--pidfile", filepath.Join(dir, fmt.Sprintf("turnserver-%d.pid", attempt)),
			"--db", filepath.Join(dir, fmt.Sprintf("turndb-%d", attempt)), // not /var/lib/turn
		)
		cmd.Stdout, cmd.Stderr, cmd.SysProcAttr = f, f, thirdparty.ProcAttr()
		err = cmd.Start()
		f.Close() // the child has its own descriptor
		if err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
		c := &coturn{Port: port, Log: logFile}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			if stunAnswers(c.Addr(), 200*time.Millisecond) {
				return c
			}
		}
		b, _ := os.ReadFile(logFile)
		last = string(b)
		_ = cmd.Process.Kill()
	}
	t.Fatalf("turnserver did not answer STUN:\n%s", last)
	return nil
}

// coturnCredentials mints TURN REST API credentials as coturn's
// --use-auth-secret checks them: user EXPIRY:NAME, password
// base64(HMAC-SHA1(secret, user)).
func coturnCredentials(secret, name string, expires time.Time) (user, pass string) {
	user = fmt.Sprintf("%d:%s", expires.Unix(), name)
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(user))
	return user, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// TestThirdpartyCoturnRelay runs the lab with coturn as every Edge's relay
// (lynctest.WithExternalRelay): the RMX stand-in reaches ICE ready through
// it with the credentials MRAS minted, a Lync client's agent gathers through
// it too, and media flows between them; coturn refuses credentials not
// made with its secret or expired.
func TestThirdpartyCoturnRelay(t *testing.T) {
	bin := thirdparty.NeedBinary(t, "coturn", "turnserver")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	secret := hex.EncodeToString(raw)
	relay := startCoturn(t, bin, secret)

	s, d := lab(t, "two-site.yaml", lynctest.WithExternalRelay(lynctest.ExternalRelay{
		Host: "127.0.0.1", UDPPort: relay.Port, TCPPort: relay.Port, Secret: secret}))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st, err := r.Start(ctx)
	if err != nil {
		t.Fatalf("rmx-east: %v\n%s\ncoturn:\n%s", err, s.Ladder(), coturnLog(relay.Log))
	}
	if st.State != rmxtest.StateReady || st.Relay != relay.Addr() || len(st.Candidates) == 0 {
		t.Fatalf("rmx-east: %+v; want %q through coturn at %s", st, rmxtest.StateReady, relay.Addr())
	}
	for _, c := range st.Candidates {
		if f := strings.Fields(c); len(f) < 2 || f[1] != "relay" {
			t.Errorf("candidate %q is not a relay candidate", c)
		}
	}

	cr, err := s.UserCredentials("sip:alice@contoso.com", "edge-east.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := cr.Relays[0].Address(); got != relay.Addr() {
		t.Fatalf("MRAS hands out the relay %s, want coturn at %s", got, relay.Addr())
	}
	client, cands, err := rmxtest.GatherRelay(ctx, cr.Relays[0].Address(), cr.Credentials.Username, cr.Credentials.Password, 5*time.Second, quiet)
	if client != nil {
		defer client.Close()
	}
	if err != nil || len(cands) == 0 {
		t.Fatalf("Lync client through coturn: %v\ncoturn:\n%s", err, coturnLog(relay.Log))
	}
	a, b, err := rmxtest.Connect(ctx, r.Agent(), client)
	if err != nil {
		t.Fatalf("ICE through coturn: %v\ncoturn:\n%s", err, coturnLog(relay.Log))
	}
	defer a.Close()
	defer b.Close()
	for _, dir := range []struct {
		from, to net.Conn
		msg      string
	}{{a, b, "video from the RMX"}, {b, a, "video from Lync"}} {
		if _, err := dir.from.Write([]byte(dir.msg)); err != nil {
			t.Fatal(err)
		}
		_ = dir.to.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 64)
		n, err := dir.to.Read(buf)
		if err != nil || !bytes.Equal(buf[:n], []byte(dir.msg)) {
			t.Fatalf("read %q, %v; want %q", buf[:n], err, dir.msg)
		}
	}
	// coturn itself granted both allocations, to the users MRAS minted.
	for _, user := range []string{st.Credentials.Username, cr.Credentials.Username} {
		if !coturnLogShows(relay.Log, user, "ALLOCATE processed, success", 5*time.Second) {
			t.Errorf("coturn's log shows no successful ALLOCATE for %s:\n%s", user, coturnLog(relay.Log))
		}
	}

	t.Run("credentials", func(t *testing.T) {
		for _, tc := range []struct {
			name, secret string
			expires      time.Time
			ok           bool
		}{
			// The control: made by hand with the secret, as MRAS makes them.
			{"right secret", secret, time.Now().Add(time.Hour), true},
			{"wrong secret", "not-" + secret, time.Now().Add(time.Hour), false},
			{"expired", secret, time.Now().Add(-time.Hour), false},
		} {
			user, pass := coturnCredentials(tc.secret, "intruder-"+strings.ReplaceAll(tc.name, " ", "-"), tc.expires)
			agent, cands, err := rmxtest.GatherRelay(ctx, relay.Addr(), user, pass, 5*time.Second, quiet)
			if agent != nil {
				agent.Close()
			}
			switch {
			case tc.ok && (err != nil || len(cands) == 0):
				t.Errorf("%s: %v, want relay candidates\ncoturn:\n%s", tc.name, err, coturnLog(relay.Log))
			case !tc.ok && (err == nil || len(cands) != 0):
				t.Errorf("%s: coturn gave %d relay candidates, want it to refuse the credentials", tc.name, len(cands))
			case !tc.ok && !coturnLogShows(relay.Log, user, "error 401", 5*time.Second):
				t.Errorf("%s: coturn's log shows no 401 for %s:\n%s", tc.name, user, coturnLog(relay.Log))
			case !tc.ok && coturnLogShows(relay.Log, user, "ALLOCATE processed, success", 0):
				t.Errorf("%s: coturn's log shows a successful ALLOCATE for %s", tc.name, user)
			}
		}
	})

	// An Edge whose MRAS mints with another secret than the relay's: the
	// RMX gets credentials that coturn refuses, and shows no relay.
	t.Run("MRAS minting with a wrong secret", func(t *testing.T) {
		wrong, d := lab(t, "two-site.yaml", lynctest.WithExternalRelay(lynctest.ExternalRelay{
			Host: "127.0.0.1", UDPPort: relay.Port, TCPPort: relay.Port, Secret: "not-" + secret}))
		defer wrong.Close()
		r, err := rmxtest.ForLab(wrong, d.RPP.RMX[0], rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		st, err := r.Start(ctx)
		var e *rmxtest.Error
		if !errors.As(err, &e) || e.Phase != rmxtest.PhaseICE || !errors.Is(err, rmx.SymptomNoRelay) || len(st.Candidates) != 0 {
			t.Fatalf("rmx-east with credentials coturn cannot check: %+v, %v; want %v at the ICE phase", st, err, rmx.SymptomNoRelay)
		}
		if !coturnLogShows(relay.Log, st.Credentials.Username, "error 401", 5*time.Second) {
			t.Errorf("coturn's log shows no 401 for %s:\n%s", st.Credentials.Username, coturnLog(relay.Log))
		}
		cr, err := wrong.UserCredentials("sip:bob@contoso.com", "edge-east.contoso.com")
		if err != nil {
			t.Fatal(err)
		}
		agent, cands, err := rmxtest.GatherRelay(ctx, cr.Relays[0].Address(), cr.Credentials.Username, cr.Credentials.Password, 5*time.Second, quiet)
		if agent != nil {
			agent.Close()
		}
		if err == nil || len(cands) != 0 {
			t.Errorf("a Lync client with credentials minted with the wrong secret got %d relay candidates, want none", len(cands))
		}
		r.Close()
		wrong.Close()
	})

	a.Close()
	b.Close()
	client.Close()
	r.Close()
	s.Close()
}

// coturnLogShows reports whether coturn's log at path has, or gets within
// wait (it is written as coturn goes), a line about user that contains
// what.
func coturnLogShows(path, user, what string, wait time.Duration) bool {
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(coturnLog(path), "\n") {
			if strings.Contains(line, "user <"+user+">") && strings.Contains(line, what) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func coturnLog(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
