package mras

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// appendResponse writes r exactly as encoding/xml writes it (with the XML
// declaration), without reflection: the lab's MRAS answers every
// credentials request with one, and encoding/xml's reflection cost more
// than a third of the answer's time. TestResponseMarshalMatchesEncodingXML
// and FuzzResponseMarshal check the bytes are encoding/xml's.
func appendResponse(b *bytes.Buffer, r *Response) {
	b.WriteString(xml.Header)
	b.WriteString(`<response xmlns="` + Namespace + `"`)
	attr(b, "requestID", r.RequestID)
	attr(b, "version", r.Version)
	attr(b, "serverVersion", r.ServerVersion)
	attr(b, "to", r.To)
	attr(b, "from", r.From)
	attr(b, "reasonPhrase", string(r.ReasonPhrase))
	b.WriteByte('>')
	for i := range r.Credentials {
		c := &r.Credentials[i]
		b.WriteString("<credentialsResponse")
		attr(b, "credentialsRequestID", c.ID)
		b.WriteByte('>')
		if cr := c.Credentials; cr != nil {
			b.WriteString("<credentials>")
			elem(b, "username", cr.Username)
			elem(b, "password", cr.Password)
			elemInt(b, "duration", cr.Duration)
			if cr.Realm != "" {
				elem(b, "realm", cr.Realm)
			}
			b.WriteString("</credentials>")
		}
		{ // encoding/xml writes the list element of an a>b path even when empty
			b.WriteString("<mediaRelayList>")
			for _, m := range c.Relays {
				b.WriteString("<mediaRelay>")
				elem(b, "location", string(m.Location))
				if m.HostName != "" {
					elem(b, "hostName", m.HostName)
				}
				if m.DirectIPAddress != "" {
					elem(b, "directIPAddress", m.DirectIPAddress)
				}
				if m.UDPPort != 0 {
					elemInt(b, "udpPort", m.UDPPort)
				}
				if m.TCPPort != 0 {
					elemInt(b, "tcpPort", m.TCPPort)
				}
				b.WriteString("</mediaRelay>")
			}
			b.WriteString("</mediaRelayList>")
		}
		b.WriteString("</credentialsResponse>")
	}
	b.WriteString("</response>")
}

func attr(b *bytes.Buffer, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	escape(b, value)
	b.WriteByte('"')
}

func elem(b *bytes.Buffer, name, value string) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	escape(b, value)
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

func elemInt(b *bytes.Buffer, name string, v int) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], int64(v), 10))
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// escape writes s escaped as encoding/xml escapes text and attribute
// values; plain text, the usual case, is written as it is.
func escape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' || c < 0x20 || c >= 0x80:
			_ = xml.EscapeText(b, []byte(s))
			return
		}
	}
	b.WriteString(s)
}
