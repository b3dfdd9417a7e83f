package noise

import (
	"sync"
	"time"
)

// CookieGenerator is the sender's side of the MACs: one per peer, keyed from
// the peer's public key, safe for concurrent use. Every handshake message sent
// to the peer goes through AddMACs; cookie replies from the peer go to
// ConsumeReply.
type CookieGenerator struct {
	mac1Key   [32]byte
	cookieKey [32]byte // HASH("cookie--" || remote public key), the reply's XAEAD key

	mu         sync.Mutex
	cookie     [16]byte
	cookieSet  time.Time
	lastMAC1   [16]byte // mac1 of the last message sent: the reply's AD
	awaitReply bool     // a message went out and no reply consumed since
}

// NewCookieGenerator is for the peer with public key remote.
func NewCookieGenerator(remote PublicKey) *CookieGenerator {
	return &CookieGenerator{
		mac1Key:   labelHash(labelMAC1, remote[:]),
		cookieKey: labelHash(labelCookie, remote[:]),
	}
}

// AddMACs fills mac1 of an initiation or response, and mac2 when we hold a
// cookie younger than CookieRefreshTime (zeros otherwise). msg must be a
// whole message as CreateInitiation or CreateResponse made it; anything else
// is left untouched.
func (g *CookieGenerator) AddMACs(msg []byte, now time.Time) {
	if t, ok := MessageType(msg); !ok || (t != MessageInitiationType && t != MessageResponseType) {
		return
	}
	n := len(msg)
	var m [16]byte
	mac(&m, g.mac1Key[:], msg[:n-32])
	copy(msg[n-32:], m[:])

	g.mu.Lock()
	defer g.mu.Unlock()
	g.lastMAC1, g.awaitReply = m, true
	if g.cookieSet.IsZero() || now.Sub(g.cookieSet) >= CookieRefreshTime {
		wipe(msg[n-16:])
		return
	}
	mac(&m, g.cookie[:], msg[:n-16])
	copy(msg[n-16:], m[:])
}

// ConsumeReply decrypts a cookie reply and keeps the cookie for the next
// AddMACs. The reply must answer the last message sent (its mac1 is the
// AEAD's additional data); each sent message takes at most one reply. It
// allocates nothing: anyone who sees our index can send a reply.
func (g *CookieGenerator) ConsumeReply(reply []byte, now time.Time) error {
	if t, ok := MessageType(reply); !ok || t != MessageCookieReplyType {
		return errsConsumeReply.wrap(ErrInvalidMessage)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.awaitReply {
		return errsConsumeReply.wrap(ErrUnexpectedCookie)
	}
	var cookie [16]byte
	if _, err := aeadOpen(cookie[:0], &g.cookieKey, reply[8:32], reply[32:64], g.lastMAC1[:]); err != nil {
		return errsConsumeReply.wrap(ErrDecrypt)
	}
	g.cookie, g.cookieSet, g.awaitReply = cookie, now, false
	return nil
}
