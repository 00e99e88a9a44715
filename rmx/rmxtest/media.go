package rmxtest

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v2"
)

// MediaStats counts what a media session carried over its ICE connection,
// and says which candidate pair ICE selected.
type MediaStats struct {
	BytesSent, BytesReceived     int64
	PacketsSent, PacketsReceived int64
	// Local and Remote are the selected candidate pair: this side's
	// candidate and the peer's. Both are relay candidates when the media
	// goes through the Edge on both sides.
	Local, Remote CandidateInfo
}

// CandidateInfo is one side of the selected candidate pair.
type CandidateInfo struct {
	Type    string // "relay", "host", "srflx", "prflx"
	Address string
	Port    int
}

func candidateInfo(c ice.Candidate) CandidateInfo {
	if c == nil {
		return CandidateInfo{}
	}
	return CandidateInfo{Type: c.Type().String(), Address: c.Address(), Port: c.Port()}
}

// mediaPacketSize is one packet of the cascade's media: a 12-byte RTP
// header and 1188 bytes of payload, the size of a video packet kept under
// the path MTU.
const mediaPacketSize = 1200

// mediaInterval paces the packets: 50 a second, 480 kbit/s, above the
// 256 kbit/s below which the AV MCU sends no video (RMX Administrator's
// Guide, AV MCU cascade).
const mediaInterval = 20 * time.Millisecond

// media sends RTP-sized packets over an ICE connection at a steady pace
// and counts what it sends and receives, until it is closed.
type media struct {
	conn net.Conn
	// local and remote are the selected candidate pair, read when ICE
	// connected (the agent forgets it once closed).
	local, remote CandidateInfo

	sent, received, pktSent, pktReceived atomic.Int64

	first     chan struct{} // closed at the first packet received
	firstOnce sync.Once
	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

func startMedia(conn net.Conn, agent *ice.Agent) *media {
	m := &media{conn: conn, first: make(chan struct{}), stop: make(chan struct{})}
	if p, err := agent.GetSelectedCandidatePair(); err == nil && p != nil {
		m.local, m.remote = candidateInfo(p.Local), candidateInfo(p.Remote)
	}
	m.wg.Add(2)
	go m.send()
	go m.receive()
	return m
}

func (m *media) send() {
	defer m.wg.Done()
	pkt := make([]byte, mediaPacketSize)
	pkt[0], pkt[1] = 0x80, 96 // RTP version 2, a dynamic video payload type
	tick := time.NewTicker(mediaInterval)
	defer tick.Stop()
	for seq := uint16(0); ; seq++ {
		binary.BigEndian.PutUint16(pkt[2:], seq)
		binary.BigEndian.PutUint32(pkt[4:], uint32(seq)*3000) // 90 kHz clock, 30 fps
		// Counted before it is sent, so that whoever got the packet (or
		// its echo) finds it in Stats; taken back if the send fails.
		m.sent.Add(int64(len(pkt)))
		m.pktSent.Add(1)
		if _, err := m.conn.Write(pkt); err != nil {
			m.sent.Add(-int64(len(pkt)))
			m.pktSent.Add(-1)
			return
		}
		select {
		case <-m.stop:
			return
		case <-tick.C:
		}
	}
}

func (m *media) receive() {
	defer m.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, err := m.conn.Read(buf)
		if err != nil {
			return
		}
		m.received.Add(int64(n))
		m.pktReceived.Add(1)
		m.firstOnce.Do(func() { close(m.first) })
	}
}

// waitReceived waits until the peer's first packet arrived.
func (m *media) waitReceived(ctx context.Context) error {
	select {
	case <-m.first:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *media) stats() MediaStats {
	return MediaStats{
		BytesSent: m.sent.Load(), BytesReceived: m.received.Load(),
		PacketsSent: m.pktSent.Load(), PacketsReceived: m.pktReceived.Load(),
		Local: m.local, Remote: m.remote,
	}
}

// close stops sending, closes the connection (and with it the ICE agent)
// and waits for both loops.
func (m *media) close() error {
	m.closeOnce.Do(func() {
		close(m.stop)
		err := m.conn.Close()
		m.wg.Wait()
		if err != nil && !errors.Is(err, net.ErrClosed) {
			m.closeErr = err
		}
	})
	return m.closeErr
}
