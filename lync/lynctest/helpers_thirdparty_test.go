package lynctest_test

// Helpers for the tests that drive the lab with third-party programs
// (sipsak, SIPp, stunnel): finding the binaries, writing the lab's
// certificates as PEM files, and running stunnel as the TLS client that
// presents a trusted computer's certificate.

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/lync/lynctest"
)

// tpPEM are a certificate and its key written for a third-party program.
type tpPEM struct {
	Cert, Key string // PEM certificate; PKCS#8 PEM key
	Both      string // certificate then key, in one file
}

// tpWriteCA writes the lab CA's certificate as PEM and returns the path.
func tpWriteCA(t *testing.T, s *lynctest.Server, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "lab-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.CA.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tpIssuePEM issues a certificate from the lab CA with subject cn and SANs
// names and writes it and its key under dir with the base name base.
func tpIssuePEM(t *testing.T, s *lynctest.Server, dir, base, cn string, names ...string) tpPEM {
	t.Helper()
	c, err := s.CA.Issue(cn, names...)
	if err != nil {
		t.Fatal(err)
	}
	return tpWriteCertPEM(t, dir, base, c)
}

func tpWriteCertPEM(t *testing.T, dir, base string, c tls.Certificate) tpPEM {
	t.Helper()
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	var certPEM []byte
	for _, der := range c.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})
	f := tpPEM{
		Cert: filepath.Join(dir, base+".crt"),
		Key:  filepath.Join(dir, base+".key"),
		Both: filepath.Join(dir, base+".pem"),
	}
	for p, b := range map[string][]byte{f.Cert: certPEM, f.Key: keyPEM, f.Both: append(append([]byte(nil), certPEM...), keyPEM...)} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// tpFreeTCPPort returns a loopback TCP port that was free a moment ago.
func tpFreeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tpStartProcess starts cmd with its output in files under dir (so that no
// goroutine of this process copies it), kills it and waits for it in
// t.Cleanup, and returns the path of its combined output.
func tpStartProcess(t *testing.T, cmd *exec.Cmd, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name+".out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // the child has its own descriptor
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = thirdparty.ProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return out
}

// tpStunnel is a running stunnel client: Addr (127.0.0.1:port) takes plain
// TCP and carries it over one TLS connection per TCP connection to a Front
// End, presenting a certificate and checking the Front End's.
type tpStunnel struct {
	Addr string
	Log  string // stunnel's log file
}

// tpStartStunnel runs stunnel in client mode in front of the Front End fe,
// presenting cert and verifying the Front End's certificate against the lab
// CA and the name fe.FQDN.
func tpStartStunnel(t *testing.T, bin, dir, name string, fe *lynctest.FrontEnd, caFile string, cert tpPEM) *tpStunnel {
	t.Helper()
	var lastErr string
	for attempt := 0; attempt < 3; attempt++ { // the port may be taken between tpFreeTCPPort and stunnel's bind
		port := tpFreeTCPPort(t)
		conf := filepath.Join(dir, fmt.Sprintf("%s-%d.conf", name, attempt))
		logFile := filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, attempt))
		text := strings.Join([]string{
			"foreground = yes",
			"pid =",
			"debug = info",
			"output = " + logFile,
			"[sip]",
			"client = yes",
			fmt.Sprintf("accept = 127.0.0.1:%d", port),
			"connect = " + fe.Addr,
			"sni = " + string(fe.FQDN),
			"cert = " + cert.Cert,
			"key = " + cert.Key,
			"CAfile = " + caFile,
			"verifyChain = yes",
			"checkHost = " + string(fe.FQDN),
			"",
		}, "\n")
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, conf)
		out := tpStartProcess(t, cmd, dir, fmt.Sprintf("%s-%d", name, attempt))
		// Ready once it accepts connections; a failed bind ends it.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			b, _ := os.ReadFile(logFile)
			if bytes.Contains(b, []byte("Accepting new connections")) {
				return &tpStunnel{Addr: fmt.Sprintf("127.0.0.1:%d", port), Log: logFile}
			}
			if bytes.Contains(b, []byte("Error binding")) || bytes.Contains(b, []byte("Configuration failed")) {
				break
			}
		}
		b, _ := os.ReadFile(out)
		lastErr = string(b)
		_ = cmd.Process.Kill()
	}
	t.Fatalf("stunnel did not start:\n%s", lastErr)
	return nil
}

func tpReadFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
