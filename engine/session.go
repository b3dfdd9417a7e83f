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
	// dead marks a retired session. Its AEADs stay intact: the data path
	// may hold the session a moment longer, and x/crypto keeps its own copy
	// of the key that cannot be wiped anyway; dropping every reference is
	// what forgets it.
	dead atomic.Bool

	mu     sync.Mutex
	replay replay.Filter
}

func newSession(p *Peer, kp *noise.Keypair) *session {
	return &session{kp: kp, peer: p, created: kp.Created}
}

// nextCounter reserves a send counter, or reports that the session may send
// no more.
func (s *session) nextCounter(now time.Time) (uint64, bool) {
	if s.dead.Load() || now.Sub(s.created) >= noise.RejectAfterTime {
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
	return s.dead.Load() || now.Sub(s.created) >= noise.RejectAfterTime
}

// retire takes the session out of use and out of the index table.
func (s *session) retire(idx *indexTable) {
	s.dead.Store(true)
	idx.remove(s.kp.LocalIndex)
}
