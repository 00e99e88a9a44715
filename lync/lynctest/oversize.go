package lynctest

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrMessageTooLarge is why the lab answered 513 Message Too Large (RFC
// 3261 §21.5.14) or, where no answer was possible, closed a connection: a
// message longer than sip.ParseMaxMessageLength octets, the most sipgo
// reads (sip.ParseMaxMessageLength). It is recorded in Message.Err.
var ErrMessageTooLarge = errors.New("the message is larger than the lab reads")

// framer follows the SIP stream of one connection ahead of sipgo, to
// answer a message too large for sipgo with 513 rather than let sipgo drop
// the connection silently. It holds a message's header back until the
// header is complete (or too long), then either hands header and body on,
// or answers 513 and swallows the message, whose Content-Length says where
// it ends (RFC 3261 §18.3), so the connection carries on. A header longer
// than the limit is taken as one that never ends — no message boundary is
// left to trust — and the connection is closed after the 513.
type framer struct {
	max int

	inHeader bool
	// raw: the stream is not SIP the framer can follow (a message begins
	// with an octet no method or SIP-Version begins with); everything goes
	// to sipgo, which closes the connection.
	raw      bool
	head     []byte
	bodyLeft int64
	skip     bool // the body belongs to a message answered with 513
}

// feedResult is what one read becomes.
type feedResult struct {
	pass    []byte   // octets for sipgo
	answers [][]byte // the 513 answers, with their requests' start lines
	starts  []string
	close   bool // no message boundary is left: close after the answers
}

// feed takes the octets of one read and appends what sipgo may have to dst
// (r.pass).
func (f *framer) feed(dst, data []byte) feedResult {
	r := feedResult{pass: dst}
	for len(data) > 0 {
		switch {
		case f.raw:
			r.pass = append(r.pass, data...)
			data = nil
		case f.bodyLeft > 0:
			n := int(min(f.bodyLeft, int64(len(data))))
			if !f.skip {
				r.pass = append(r.pass, data[:n]...)
			}
			f.bodyLeft -= int64(n)
			data = data[n:]
		case !f.inHeader:
			switch c := data[0]; {
			case c == '\r' || c == '\n':
				r.pass = append(r.pass, c) // keep-alives and stray line ends: sipgo's
				data = data[1:]
				continue
			case c == 0:
				data = data[1:] // padding, which sipgo skips too
				continue
			case !isTokenChar(c):
				f.raw = true
				continue
			}
			f.inHeader, f.skip = true, false
		default:
			from := max(len(f.head)-3, 0)
			f.head = append(f.head, data...)
			data = nil
			end := bytes.Index(f.head[from:], []byte("\r\n\r\n"))
			if end < 0 {
				if len(f.head) > f.max {
					f.tooLarge(&r, f.head)
					r.close = true
					f.head = nil
					return r
				}
				continue
			}
			end += from + 4
			head, rest := f.head[:end], f.head[end:]
			if len(head) > f.max { // as above, whether or not its end came in the same read
				f.tooLarge(&r, head)
				r.close = true
				f.head = nil
				return r
			}
			cl := contentLength(head)
			if int64(len(head))+cl > int64(f.max) {
				f.tooLarge(&r, head)
				f.skip = true
			} else {
				r.pass = append(r.pass, head...)
			}
			f.bodyLeft, f.inHeader = cl, false
			data = append([]byte(nil), rest...)
			f.head = f.head[:0]
		}
	}
	return r
}

// isTokenChar reports whether c may begin a method (an RFC 3261 token) or
// a SIP-Version.
func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-.!%*_+`'~", c) >= 0
}

// tooLarge adds the 513 answer to head, when head is a request whose
// header names enough to answer it.
func (f *framer) tooLarge(r *feedResult, head []byte) {
	res, start := answerTooLarge(head, f.max)
	if res != nil {
		r.answers = append(r.answers, res)
		r.starts = append(r.starts, start)
	}
}

// contentLength reads the first Content-Length (or l) of a header, as
// sipgo does; 0 when there is none or it is not a number, which sipgo
// then refuses itself.
func contentLength(head []byte) int64 {
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		if n := strings.ToLower(string(bytes.TrimSpace(name))); n == "content-length" || n == "l" {
			v, err := strconv.ParseInt(string(bytes.TrimSpace(value)), 10, 64)
			if err != nil || v < 0 {
				return 0
			}
			return v
		}
	}
	return 0
}

// answerTooLarge builds 513 Message Too Large for the request whose header
// (perhaps cut short) is head, copying Via, From, To, Call-ID and CSeq as
// RFC 3261 §8.2.6.2 asks; nil when head is a response or lacks one of
// them.
func answerTooLarge(head []byte, limit int) (res []byte, start string) {
	lines := strings.Split(string(head), "\r\n")
	start = lines[0]
	if strings.HasPrefix(start, "SIP/") {
		return nil, start
	}
	var b strings.Builder
	b.WriteString("SIP/2.0 513 Message Too Large\r\n")
	seen := map[string]bool{}
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		canon, ok := map[string]string{"via": "Via", "v": "Via", "from": "From", "f": "From", "to": "To", "t": "To",
			"call-id": "Call-ID", "i": "Call-ID", "cseq": "CSeq"}[strings.ToLower(strings.TrimSpace(name))]
		if !ok || (canon != "Via" && seen[canon]) {
			continue
		}
		value = strings.TrimSpace(value)
		if canon == "To" && !strings.Contains(value, ";tag=") {
			value += ";tag=" + token(8)
		}
		seen[canon] = true
		b.WriteString(canon + ": " + value + "\r\n")
	}
	for _, h := range []string{"Via", "From", "To", "Call-ID", "CSeq"} {
		if !seen[h] {
			return nil, start
		}
	}
	fmt.Fprintf(&b, "Warning: 399 lynctest %q\r\nContent-Length: 0\r\n\r\n",
		fmt.Sprintf("the message is larger than the %d octets the lab reads", limit))
	return []byte(b.String()), start
}
