package noise

import (
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"hash"
	"io"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/crypto/blake2s"
	"golang.org/x/crypto/chacha20poly1305"
)

// Cookies (paper, section 5.4.7): a responder under load answers a handshake
// message that lacks a valid mac2 with a cookie reply instead of doing any
// DH. The cookie is a MAC of the sender's address under a secret that changes
// every CookieRefreshTime, so only a sender that receives at that address can
// compute mac2.

// CookieChecker is the responder's side: one per local identity, safe for
// concurrent use.
type CookieChecker struct {
	mac1Key [32]byte
	xaead   cipher.AEAD // keyed with HASH("cookie--" || local public key)
	rand    io.Reader
	pool    sync.Pool // *macScratch keyed with mac1Key

	mu        sync.RWMutex
	secret    [32]byte
	secretSet time.Time
}

// macScratch is a keyed MAC and its output, pooled so CheckMAC1 allocates
// nothing: Reset returns a keyed BLAKE2s to its keyed initial state.
type macScratch struct {
	h   hash.Hash
	out [16]byte
}

func newMACScratch(key []byte) *macScratch {
	h, _ := blake2s.New128(key)
	return &macScratch{h: h}
}

// NewCookieChecker is for the local identity with public key local.
func NewCookieChecker(local PublicKey) *CookieChecker {
	c := &CookieChecker{mac1Key: labelHash(labelMAC1, local[:]), rand: rand.Reader}
	key := labelHash(labelCookie, local[:])
	c.xaead, _ = chacha20poly1305.NewX(key[:])
	return c
}

// CheckMAC1 reports, in constant time, whether a handshake message carries a
// valid mac1, that is whether its sender knows our public key. It does not
// allocate, so it is safe to run on every unauthenticated packet.
func (c *CookieChecker) CheckMAC1(msg []byte) bool {
	if t, ok := MessageType(msg); !ok || (t != MessageInitiationType && t != MessageResponseType) {
		return false
	}
	s, _ := c.pool.Get().(*macScratch)
	if s == nil {
		s = newMACScratch(c.mac1Key[:])
	}
	n := len(msg)
	s.h.Write(msg[:n-32])
	ok := macEqual(s.h.Sum(s.out[:0]), msg[n-32:n-16])
	s.h.Reset()
	c.pool.Put(s)
	return ok
}

// CheckMAC2 reports whether msg carries a valid mac2 for the source address
// src, i.e. a cookie we gave to src within CookieRefreshTime of now.
func (c *CookieChecker) CheckMAC2(msg []byte, src netip.AddrPort, now time.Time) bool {
	if t, ok := MessageType(msg); !ok || (t != MessageInitiationType && t != MessageResponseType) {
		return false
	}
	var cookie, want [16]byte
	if !c.cookie(&cookie, src, now) {
		return false
	}
	n := len(msg)
	mac(&want, cookie[:], msg[:n-16])
	return macEqual(want[:], msg[n-16:])
}

// cookie computes src's current cookie; false when the secret has expired.
func (c *CookieChecker) cookie(out *[16]byte, src netip.AddrPort, now time.Time) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.secretSet.IsZero() || now.Sub(c.secretSet) > CookieRefreshTime {
		return false
	}
	addr := addrBytes(src)
	mac(out, c.secret[:], addr[:])
	return true
}

// addrBytes is src as 16 address bytes and a big-endian port. Only this
// responder reads it, so the encoding need not match any other implementation.
func addrBytes(src netip.AddrPort) [18]byte {
	var b [18]byte
	a := src.Addr().Unmap().As16()
	copy(b[:16], a[:])
	b[16], b[17] = byte(src.Port()>>8), byte(src.Port())
	return b
}

// CreateReply appends to dst a cookie reply to msg, a handshake message from
// src whose mac1 the caller has checked. receiverIndex is msg's sender index.
// The secret is renewed first when older than CookieRefreshTime.
func (c *CookieChecker) CreateReply(msg []byte, receiverIndex uint32, src netip.AddrPort, now time.Time, dst []byte) ([]byte, error) {
	if t, ok := MessageType(msg); !ok || (t != MessageInitiationType && t != MessageResponseType) {
		return dst, fmt.Errorf("create cookie reply: %w", ErrInvalidMessage)
	}
	if err := c.refresh(now); err != nil {
		return dst, err
	}
	var cookie [16]byte
	c.cookie(&cookie, src, now) // fresh: refresh just ran
	reply := make([]byte, 32, MessageCookieReplySize)
	reply[0] = MessageCookieReplyType
	le.PutUint32(reply[4:], receiverIndex)
	if _, err := io.ReadFull(c.rand, reply[8:32]); err != nil {
		return dst, fmt.Errorf("create cookie reply: nonce: %w", err)
	}
	n := len(msg)
	reply = c.xaead.Seal(reply, reply[8:32], cookie[:], msg[n-32:n-16])
	return append(dst, reply...), nil
}

func (c *CookieChecker) refresh(now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.secretSet.IsZero() && now.Sub(c.secretSet) <= CookieRefreshTime {
		return nil
	}
	if _, err := io.ReadFull(c.rand, c.secret[:]); err != nil {
		return fmt.Errorf("create cookie reply: secret: %w", err)
	}
	c.secretSet = now
	return nil
}
