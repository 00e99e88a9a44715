package lynctest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"sync"
	"time"
)

// credential is a relay user name and password MRAS minted.
type credential struct {
	Username string
	Password string
	Expires  time.Time
	Identity string // whom it was minted for
}

// credentialStore holds what MRAS minted, for the relays to check.
type credentialStore struct {
	now    func() time.Time
	secret string // TURN REST API shared secret; "" for random credentials

	mu        sync.Mutex
	byUser    map[string]credential
	nextSweep time.Time
}

// mint makes credentials for identity valid for lifetime. With a shared
// secret they follow the TURN REST API convention coturn's
// --use-auth-secret accepts (user EXPIRY:NAME, password
// base64(HMAC-SHA1(secret, user))); otherwise they are random base64 text
// like Lync's, the password 20 bytes as an HMAC-SHA1 would be.
func (s *credentialStore) mint(identity string, lifetime time.Duration) (credential, error) {
	expires := s.now().Add(lifetime)
	c := credential{Expires: expires, Identity: identity}
	if s.secret != "" {
		c.Username = fmt.Sprintf("%d:%s", expires.Unix(), base64.RawURLEncoding.EncodeToString([]byte(identity)))
		mac := hmac.New(sha1.New, []byte(s.secret))
		mac.Write([]byte(c.Username))
		c.Password = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	} else {
		user, pass := make([]byte, 18), make([]byte, 20)
		if _, err := rand.Read(user); err != nil {
			return c, err
		}
		if _, err := rand.Read(pass); err != nil {
			return c, err
		}
		c.Username = base64.StdEncoding.EncodeToString(user)
		c.Password = base64.StdEncoding.EncodeToString(pass)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Drop what has expired, so the store does not grow without bound; a
	// sweep a minute is enough and keeps minting cheap under load.
	if now := s.now(); !now.Before(s.nextSweep) {
		for u, old := range s.byUser {
			if !old.Expires.After(now) {
				delete(s.byUser, u)
			}
		}
		s.nextSweep = now.Add(time.Minute)
	}
	s.byUser[c.Username] = c
	return c, nil
}

// lookup returns the credential for user if MRAS minted it and it has not
// expired.
func (s *credentialStore) lookup(user string) (credential, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byUser[user]
	if !ok || !c.Expires.After(s.now()) {
		return credential{}, false
	}
	return c, true
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
