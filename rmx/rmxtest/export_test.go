package rmxtest

import (
	"net"

	"github.com/pion/ice/v2"
)

// MediaForTest runs the cascade's media on an ICE connection, for tests
// of the media loop against a plain pion/ice peer.
type MediaForTest struct{ m *media }

func StartMediaForTest(conn net.Conn, agent *ice.Agent) MediaForTest {
	return MediaForTest{startMedia(conn, agent)}
}

func (m MediaForTest) Stats() MediaStats { return m.m.stats() }
func (m MediaForTest) Close() error      { return m.m.close() }
