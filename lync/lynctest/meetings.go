package lynctest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/rppkit/rppkit/lync"
)

// EncryptionLevel is a conference's media encryption policy, named as
// Set-CsMediaConfiguration -EncryptionLevel names it (Lync Server
// management shell reference; RequireEncryption is its default).
type EncryptionLevel string

// The encryption levels of Set-CsMediaConfiguration.
const (
	// RequireEncryption: the AV MCU takes only offers that encrypt media
	// (RTP/SAVP with a=crypto, a=encryption not rejected). Lync's default.
	RequireEncryption EncryptionLevel = "RequireEncryption"
	// SupportEncryption: encrypted or not, as the offer asks.
	SupportEncryption EncryptionLevel = "SupportEncryption"
	// DoNotSupportEncryption: the AV MCU takes only unencrypted media and
	// refuses an offer that requires encryption.
	DoNotSupportEncryption EncryptionLevel = "DoNotSupportEncryption"
)

// Errors of CreateMeeting. Test them with errors.Is.
var (
	// ErrNotALyncUser: the organizer is not a user of the topology; only
	// Lync users organize meetings.
	ErrNotALyncUser = errors.New("lynctest: the organizer is not a Lync user of the topology")
	// ErrMeetingExists: a meeting of the lab already has this conference
	// ID (for this organizer) or this dial-in ID.
	ErrMeetingExists = errors.New("lynctest: a meeting with this ID already exists")
	// ErrInvalidEncryptionLevel: WithEncryption was given a level
	// Set-CsMediaConfiguration does not have.
	ErrInvalidEncryptionLevel = errors.New("lynctest: unknown encryption level")
)

// MeetingOption configures a meeting made by CreateMeeting.
type MeetingOption func(*meetingOptions)

type meetingOptions struct {
	id         string
	dialIn     string
	encryption EncryptionLevel
}

// WithConferenceID gives the meeting this conference ID instead of a random
// one, for tests and samples that must know it beforehand. It must be a
// valid lync.ConferenceID.
func WithConferenceID(id string) MeetingOption { return func(o *meetingOptions) { o.id = id } }

// WithDialInID gives the meeting this numeric dial-in ID instead of a random
// one. It must be a valid lync.DialInID.
func WithDialInID(id string) MeetingOption { return func(o *meetingOptions) { o.dialIn = id } }

// WithEncryption sets the meeting's encryption policy (RequireEncryption
// by default, as Lync's).
func WithEncryption(level EncryptionLevel) MeetingOption {
	return func(o *meetingOptions) { o.encryption = level }
}

// Meeting is a scheduled Lync meeting the lab hosts: its focus takes C3P
// addUser, its AV MCU the cascade's media INVITE.
type Meeting struct {
	Organizer lync.SIPAddress
	// ID is the conference ID of the focus and MCU URIs; DialInID is the
	// numeric ID printed under the dial-in numbers, which RealConnect
	// callers dial.
	ID       lync.ConferenceID
	DialInID lync.DialInID
	// Focus is the focus URI; AVMCU the audio-video MCU's URI.
	Focus, AVMCU lync.ConferenceURI
	// Encryption is the policy the AV MCU enforces on media offers.
	Encryption EncryptionLevel

	mu     sync.Mutex
	roster []*participant
}

// MediaState is where a participant's media with the AV MCU stands.
type MediaState string

// Media states of a Participant.
const (
	MediaNone       MediaState = "none"       // no AV MCU session
	MediaConnecting MediaState = "connecting" // answered; ICE running
	MediaConnected  MediaState = "connected"  // ICE connected; media flows
	MediaFailed     MediaState = "failed"     // ICE did not connect
	MediaEnded      MediaState = "ended"      // BYE, the lab's Close, or the focus left
)

// Participant is one entry of a meeting's roster: an endpoint that joined
// the focus, and its media with the AV MCU.
type Participant struct {
	// Entity is the user entity (AOR) of the addUser request; Endpoint is
	// its endpoint entity (a GUID); Role is the role asked ("attendee").
	Entity   string
	Endpoint string
	Role     string
	// Computer is the trusted application computer it came from (the
	// certificate's name); FrontEnd is the Front End that took it.
	Computer, FrontEnd lync.FQDN
	// JoinedFocus is true from the focus's 200 to addUser until the
	// participant's BYE to the focus.
	JoinedFocus bool
	Media       MediaState
	// BytesIn and BytesOut count the media the AV MCU received from the
	// participant and sent to it, over the ICE connection.
	BytesIn, BytesOut int64
	// LocalCandidate and RemoteCandidate are the types ("relay", "host",
	// …) of the selected ICE candidate pair: the AV MCU's side and the
	// participant's. Both are "relay" in the lab when the Front End has an
	// Edge.
	LocalCandidate, RemoteCandidate string
	// MediaErr says why the media failed, when it did.
	MediaErr error
}

// participant is a roster entry as the lab keeps it.
type participant struct {
	mu sync.Mutex
	p  Participant
	// callID of the focus dialog, and of the AV MCU dialog.
	focusCall, mediaCall string
	in, out              atomic.Int64
	session              *mediaSession
}

func (p *participant) snapshot() Participant {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.p
	out.BytesIn, out.BytesOut = p.in.Load(), p.out.Load()
	return out
}

func (p *participant) update(f func(*Participant)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.p)
}

// Roster returns the meeting's participants, in the order they joined the
// focus, as they stand now.
func (m *Meeting) Roster() []Participant {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Participant, 0, len(m.roster))
	for _, p := range m.roster {
		out = append(out, p.snapshot())
	}
	return out
}

// joined returns the latest participant of entity still in the focus.
func (m *Meeting) joined(entity lync.SIPAddress) *participant {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.roster) - 1; i >= 0; i-- {
		p := m.roster[i]
		p.mu.Lock()
		ok := p.p.JoinedFocus && sameEntity(p.p.Entity, entity)
		p.mu.Unlock()
		if ok {
			return p
		}
	}
	return nil
}

func sameEntity(aor string, addr lync.SIPAddress) bool {
	a, err := lync.ParseSIPAddress(aor)
	return err == nil && a.Equal(addr)
}

// CreateMeeting schedules a meeting organized by organizer, who must be a
// Lync user of the topology (ErrNotALyncUser). The conference ID is
// random — 8 upper-case letters and digits, as Lync generates them — and so
// is the dial-in ID (7 digits, leading zeros kept), unless given with WithConferenceID and
// WithDialInID.
func (s *Server) CreateMeeting(organizer lync.SIPAddress, opts ...MeetingOption) (*Meeting, error) {
	if s.idx.User(organizer) < 0 {
		return nil, fmt.Errorf("%w: %s", ErrNotALyncUser, organizer)
	}
	o := meetingOptions{encryption: RequireEncryption}
	for _, f := range opts {
		f(&o)
	}
	switch o.encryption {
	case RequireEncryption, SupportEncryption, DoNotSupportEncryption:
	default:
		return nil, fmt.Errorf("%w %q: want %s, %s or %s", ErrInvalidEncryptionLevel, o.encryption, RequireEncryption, SupportEncryption, DoNotSupportEncryption)
	}
	c := s.conf
	c.mu.Lock()
	defer c.mu.Unlock()
	var id lync.ConferenceID
	var dialIn lync.DialInID
	var err error
	if o.id != "" {
		if id, err = lync.ParseConferenceID(o.id); err != nil {
			return nil, fmt.Errorf("lynctest: meeting of %s: %w", organizer, err)
		}
	} else {
		for id == "" || c.meetings[lync.FocusURI(organizer, id).Key()] != nil {
			t, err := randomText("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)
			if err != nil {
				return nil, err
			}
			id = lync.ConferenceID(t)
		}
	}
	if o.dialIn != "" {
		if dialIn, err = lync.ParseDialInID(o.dialIn); err != nil {
			return nil, fmt.Errorf("lynctest: meeting of %s: %w", organizer, err)
		}
	} else {
		for dialIn == "" || c.byDialIn[dialIn] != nil {
			t, err := randomText("0123456789", 7)
			if err != nil {
				return nil, err
			}
			dialIn = lync.DialInID(t)
		}
	}
	focus := lync.FocusURI(organizer, id)
	if c.meetings[focus.Key()] != nil {
		return nil, fmt.Errorf("%w: conference ID %s of %s", ErrMeetingExists, id, organizer)
	}
	if c.byDialIn[dialIn] != nil {
		return nil, fmt.Errorf("%w: dial-in ID %s", ErrMeetingExists, dialIn)
	}
	m := &Meeting{Organizer: organizer, ID: id, DialInID: dialIn, Focus: focus,
		AVMCU: focus.MCU(lync.MCUAudioVideo), Encryption: o.encryption}
	c.meetings[focus.Key()] = m
	c.byDialIn[dialIn] = m
	return m, nil
}

// Meeting returns the meeting whose focus or MCU URI u is, or nil.
func (s *Server) Meeting(u lync.ConferenceURI) *Meeting {
	return s.conf.meeting(u)
}

// MeetingByDialIn returns the meeting with this dial-in ID, or nil.
func (s *Server) MeetingByDialIn(id lync.DialInID) *Meeting {
	c := s.conf
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byDialIn[id]
}

func (c *conferencing) meeting(u lync.ConferenceURI) *Meeting {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.meetings[u.MCU(lync.MCUFocus).Key()]
}

// randomText returns n characters drawn uniformly from alphabet (at most
// 256 characters long).
func randomText(alphabet string, n int) (string, error) {
	b := make([]byte, n)
	limit := 256 - 256%len(alphabet) // rejection sampling keeps it uniform
	var buf [1]byte
	for i := range b {
		for {
			if _, err := rand.Read(buf[:]); err != nil {
				return "", fmt.Errorf("lynctest: random ID: %w", err)
			}
			if int(buf[0]) < limit {
				break
			}
		}
		b[i] = alphabet[int(buf[0])%len(alphabet)]
	}
	return string(b), nil
}
