package rmxtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rppkit/rppkit/lync/sdp"
	"github.com/rppkit/rppkit/rmx"
)

// Why the RMX refuses a call into one of its conferences (HostVMR). The
// *Error of a refusal wraps one of these and a *Refusal, the SIP answer.
var (
	// ErrEncryptionMismatch: the offer's media encryption does not meet
	// the conference profile's — a Lync client's offer requiring
	// encryption into a profile that never encrypts, or an offer without
	// SRTP into one that always does.
	ErrEncryptionMismatch = errors.New("the offer's media encryption does not meet the conference profile's")
	// ErrBadOffer: the call carries no SDP offer the RMX can answer.
	ErrBadOffer = errors.New("the call's SDP offer cannot be answered")
	// ErrNoVMR: the call names no conference (an empty VMR number).
	ErrNoVMR = errors.New("the call names no conference")
)

// Refusal is the SIP answer the RMX gives a call it refuses. HostVMR's
// *Error wraps it, so whoever hands the call to the RMX — a DMA stand-in,
// or the RMX's own listener (ServeLync) — answers the caller with it; a
// DMA that does not import this package reads it through SIPRefusal.
type Refusal struct {
	Status int
	Reason string
	// Headers are the answer's extra headers, by name: the
	// ms-client-diagnostics of an encryption mismatch, a Warning.
	Headers map[string]string
	Err     error // why: ErrEncryptionMismatch, ErrBadOffer, …
}

func (r *Refusal) Error() string {
	s := fmt.Sprintf("%d %s", r.Status, r.Reason)
	if d := r.Headers[headerClientDiagnostics]; d != "" {
		s += " (ms-client-diagnostics: " + d + ")"
	}
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// Unwrap returns why the call was refused.
func (r *Refusal) Unwrap() error { return r.Err }

// SIPRefusal returns the answer as status, reason phrase and headers.
func (r *Refusal) SIPRefusal() (status int, reason string, headers map[string]string) {
	return r.Status, r.Reason, r.Headers
}

// headerClientDiagnostics carries the 52017 of an encryption mismatch.
const headerClientDiagnostics = "ms-client-diagnostics"

// encryptionMismatch is the value of ms-client-diagnostics on the refusal
// of an offer whose encryption the profile does not allow, as Lync writes
// it (PROTOCOLS.md §1; sic for "dont").
const encryptionMismatch = `52017;reason="Encryption levels dont match"`

// VMRCall is a call the RMX took into one of its conferences: its SDP
// answer and the media ports it opened, which echo what arrives.
type VMRCall struct {
	// VMR is the conference number the call was for.
	VMR string
	// Answer is the RMX's SDP answer (Content-Type application/sdp).
	Answer []byte
	// Encrypted says whether the answer accepted SRTP (RTP/SAVP with the
	// RMX's own a=crypto key).
	Encrypted bool

	r       *RMX
	ports   []net.PacketConn
	done    sync.WaitGroup
	once    sync.Once
	bytesRx atomic.Int64
	bytesTx atomic.Int64
	pktsRx  atomic.Int64
	pktsTx  atomic.Int64
}

// HostVMR answers a call into the conference vmr — a VMR the DMA hands the
// RMX, for a call Lync routed through a static route — by the RMX's first
// conference profile (as Cascade uses it; without a profile the RMX does not
// encrypt). The offer's media encryption decides, per m-line:
//
//   - encryption none: an offer that requires encryption (a=encryption:required,
//     or RTP/SAVP without a=encryption, as RTP/SAVP means SRTP) is refused;
//     others are answered RTP/AVP. Lync clients require encryption by default
//     (Set-CsMediaConfiguration -EncryptionLevel RequireEncryption), so every
//     Lync call fails here: the "video not accepted" story.
//   - encryption when available: SRTP when offered (RTP/SAVP with
//     a=crypto and not a=encryption:rejected), else plain RTP.
//   - encryption always: an offer without SRTP is refused.
//
// A refusal is an *Error of PhaseCall with rmx.SymptomVideoNotAccepted
// wrapping a *Refusal: 488 Not Acceptable Here with ms-client-diagnostics:
// 52017;reason="Encryption levels dont match" — RFC 3264's answer to an offer
// the answerer cannot take, with the diagnostic the Lync client reports
// (PROTOCOLS.md §1). Lab convention: that the RMX itself writes the 52017
// header is the lab's; what Polycom's 488 carries is not published.
//
// The answer opens one loopback UDP port per accepted m-line, which echoes
// every datagram to its sender, counted in Stats (lab convention: the RMX
// mixes; the stand-in echoes, and negotiates SRTP keys without running
// SRTP). It carries no ICE: a traditional call inside the network needs
// none. Hangup (or Close of the RMX) releases the ports.
func (r *RMX) HostVMR(ctx context.Context, vmr string, offer []byte) (*VMRCall, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(PhaseCall, nil, "VMR "+vmr, err)
	}
	if vmr == "" {
		return nil, refuse(nil, 404, "Not Found", "", ErrNoVMR)
	}
	off, err := sdp.Parse(offer)
	if err != nil {
		return nil, refuse(nil, 488, "Not Acceptable Here", "", fmt.Errorf("%w: %w", ErrBadOffer, err))
	}
	profile := r.profileEncryption()
	encrypt, why := vmrEncryption(profile, off)
	if why != "" {
		return nil, refuse(rmx.SymptomVideoNotAccepted, 488, "Not Acceptable Here", why, ErrEncryptionMismatch)
	}
	c := &VMRCall{VMR: vmr, Encrypted: encrypt, r: r}
	answer, err := c.answer(off, profile, encrypt)
	if err != nil {
		c.release()
		return nil, refuse(nil, 488, "Not Acceptable Here", "", fmt.Errorf("%w: %w", ErrBadOffer, err))
	}
	c.Answer = answer
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		c.release()
		return nil, refuse(nil, 503, "Service Unavailable", "", ErrClosed)
	}
	r.vmrCalls = append(r.vmrCalls, c)
	r.mu.Unlock()
	c.echo()
	return c, nil
}

// refuse makes HostVMR's error: PhaseCall, the symptom, and the SIP answer.
func refuse(symptom *rmx.Symptom, status int, reason, why string, err error) *Error {
	ref := &Refusal{Status: status, Reason: reason, Headers: map[string]string{}, Err: err}
	if errors.Is(err, ErrEncryptionMismatch) {
		ref.Headers[headerClientDiagnostics] = encryptionMismatch
	}
	detail := ref.Error()
	if why != "" {
		ref.Headers["Warning"] = fmt.Sprintf("399 rmx %q", why)
		detail += "; " + why
	}
	return fail(PhaseCall, symptom, detail, ref)
}

// offersSRTP reports whether an m-line offers SRTP: RTP/SAVP with a key
// (RFC 4568) and not a=encryption:rejected (MS-SDPEXT).
func offersSRTP(m sdp.Media) bool {
	return m.Proto == "RTP/SAVP" && len(m.Crypto) > 0 && m.Encryption != sdp.EncryptionRejected
}

// requiresSRTP reports whether an m-line takes nothing but SRTP:
// a=encryption:required, or RTP/SAVP without a=encryption (the SAVP
// profile is SRTP; RFC 3711).
func requiresSRTP(m sdp.Media) bool {
	return m.Encryption == sdp.EncryptionRequired || m.Proto == "RTP/SAVP" && m.Encryption == ""
}

// vmrEncryption decides whether the RMX answers with SRTP, or why its
// profile refuses the offer.
func vmrEncryption(profile rmx.Encryption, offer *sdp.Session) (encrypt bool, why string) {
	for _, m := range offer.Media {
		if m.Port == 0 {
			continue
		}
		switch profile {
		case rmx.EncryptAlways:
			if !offersSRTP(m) {
				return false, fmt.Sprintf("the conference profile always encrypts; the %s offer is %s with a=encryption:%s and %d a=crypto", m.Kind, m.Proto, orNone(string(m.Encryption)), len(m.Crypto))
			}
			encrypt = true
		case rmx.EncryptWhenAvailable:
			encrypt = encrypt || offersSRTP(m)
		default: // none
			if requiresSRTP(m) {
				return false, fmt.Sprintf("the conference profile never encrypts; the %s offer requires encryption (%s, a=encryption:%s)", m.Kind, m.Proto, orNone(string(m.Encryption)))
			}
		}
	}
	return encrypt, ""
}

// answer opens a port per accepted m-line and writes the SDP answer.
func (c *VMRCall) answer(off *sdp.Session, profile rmx.Encryption, encrypt bool) ([]byte, error) {
	ans := &sdp.Session{Origin: "RMX", SessionID: uint64(randomUint16()), SessionVersion: 1, Address: "127.0.0.1"}
	accepted := 0
	for _, m := range off.Media {
		out := sdp.Media{Kind: m.Kind, Proto: "RTP/AVP", Formats: m.Formats, Label: m.Label, Encryption: Encryption(profile)}
		for _, a := range m.Attributes {
			if a.Key == "rtpmap" || a.Key == "fmtp" {
				out.Attributes = append(out.Attributes, a)
			}
		}
		if m.Port == 0 || len(m.Formats) == 0 {
			ans.Media = append(ans.Media, out) // port 0: refused
			continue
		}
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		c.ports = append(c.ports, pc)
		out.Port = pc.LocalAddr().(*net.UDPAddr).Port
		if encrypt && offersSRTP(m) {
			line, err := answerCrypto(m.Crypto[0])
			if err != nil {
				return nil, err
			}
			out.Proto, out.Crypto = "RTP/SAVP", []string{line}
		}
		accepted++
		ans.Media = append(ans.Media, out)
	}
	if accepted == 0 {
		return nil, errors.New("no m-line to answer")
	}
	return ans.Marshal()
}

// answerCrypto answers an offered a=crypto with the same tag and suite and
// a key of the RMX's own (RFC 4568 §7.1.2).
func answerCrypto(offered string) (string, error) {
	f := strings.Fields(offered)
	if len(f) < 2 {
		return "", fmt.Errorf("a=crypto %q has no tag and suite", offered)
	}
	key := make([]byte, 30) // AES_CM_128: 16-byte key, 14-byte salt
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s inline:%s|2^31", f[0], f[1], base64.StdEncoding.EncodeToString(key)), nil
}

// echo starts one goroutine per port, sending each datagram back to its
// sender.
func (c *VMRCall) echo() {
	for _, pc := range c.ports {
		c.done.Add(1)
		go func() {
			defer c.done.Done()
			buf := make([]byte, 1500)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				c.bytesRx.Add(int64(n))
				c.pktsRx.Add(1)
				// Counted before it is sent, so that a peer that got the
				// echo finds it in Stats; taken back if the send fails.
				c.bytesTx.Add(int64(n))
				c.pktsTx.Add(1)
				if _, err := pc.WriteTo(buf[:n], from); err != nil {
					c.bytesTx.Add(-int64(n))
					c.pktsTx.Add(-1)
				}
			}
		}()
	}
}

// Stats returns what the call's ports received and echoed. The candidate
// pair is empty: the call runs without ICE.
func (c *VMRCall) Stats() MediaStats {
	return MediaStats{BytesSent: c.bytesTx.Load(), BytesReceived: c.bytesRx.Load(),
		PacketsSent: c.pktsTx.Load(), PacketsReceived: c.pktsRx.Load()}
}

// Hangup ends the call: its ports close and their echo stops. The RMX's
// SIP dialog is its caller's (the DMA's, or ServeLync's), so Hangup sends
// nothing. It is safe to call more than once.
func (c *VMRCall) Hangup(context.Context) error {
	c.release()
	r := c.r
	r.mu.Lock()
	for i, v := range r.vmrCalls {
		if v == c {
			r.vmrCalls = append(r.vmrCalls[:i], r.vmrCalls[i+1:]...)
			break
		}
	}
	r.mu.Unlock()
	return nil
}

func (c *VMRCall) release() {
	c.once.Do(func() {
		for _, pc := range c.ports {
			pc.Close()
		}
		c.done.Wait()
	})
}

// sortedHeaders lists a refusal's headers in name order, so that answers
// are written the same way each time.
func sortedHeaders(h map[string]string) []string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
