package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/replay"
)

// session is one keypair in use with a peer, with its send counter and its
// receive replay window.
type session struct {
	kp      *noise.Keypair
	peer    *Peer
	created time.Time
	sendCtr atomic.Uint64

	mu     sync.Mutex
	replay replay.Filter
}

func newSession(p *Peer, kp *noise.Keypair) *session {
	return &session{kp: kp, peer: p, created: kp.Created}
}

// nextCounter reserves a send counter, or reports that the session may send
// no more.
func (s *session) nextCounter(now time.Time) (uint64, bool) {
	if now.Sub(s.created) >= noise.RejectAfterTime {
		return 0, false
	}
	c := s.sendCtr.Add(1) - 1
	if c >= noise.RejectAfterMessages {
		return 0, false
	}
	return c, true
}

// needsRekey reports whether the initiator of this session should start a
// new handshake (paper 6.2: after RekeyAfterMessages or RekeyAfterTime).
func (s *session) needsRekey(now time.Time) bool {
	return s.kp.Initiator && (s.sendCtr.Load() >= noise.RekeyAfterMessages || now.Sub(s.created) >= noise.RekeyAfterTime)
}

// needsRekeyOnReceive: the initiator rekeys shortly before the responder
// would have to refuse the session (paper 6.2).
func (s *session) needsRekeyOnReceive(now time.Time) bool {
	return s.kp.Initiator && now.Sub(s.created) >= noise.RejectAfterTime-noise.KeepaliveTimeout-noise.RekeyTimeout
}

func (s *session) expired(now time.Time) bool {
	return now.Sub(s.created) >= noise.RejectAfterTime
}
