package noise

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"
)

// Cookies (paper, section 5.4.7): a responder under load answers a handshake
// message that lacks a valid mac2 with a cookie reply instead of doing any
// DH. The cookie is a MAC of the sender's address under a secret that changes
// every CookieRefreshTime, so only a sender that receives at that address can
// compute mac2.

// CookieChecker is the responder's side: one per local identity, safe for
// concurrent use.
type CookieChecker struct {
	mac1Key   [32]byte
	cookieKey [32]byte // HASH("cookie--" || local public key), the reply's XAEAD key
	rand      io.Reader

	mu        sync.RWMutex
	secret    [32]byte
	secretSet time.Time
}

// NewCookieChecker is for the local identity with public key local.
func NewCookieChecker(local PublicKey) *CookieChecker {
	return &CookieChecker{
		mac1Key:   labelHash(labelMAC1, local[:]),
		cookieKey: labelHash(labelCookie, local[:]),
		rand:      rand.Reader,
	}
}

// CheckMAC1 reports, in constant time, whether a handshake message carries a
// valid mac1, that is whether its sender knows our public key. It does not
// allocate, so it is safe to run on every unauthenticated packet.
func (c *CookieChecker) CheckMAC1(msg []byte) bool {
	if t, ok := MessageType(msg); !ok || (t != MessageInitiationType && t != MessageResponseType) {
		return false
	}
	n := len(msg)
	var m [16]byte
	mac(&m, c.mac1Key[:], msg[:n-32])
	return macEqual(m[:], msg[n-32:n-16])
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
	wipe(cookie[:])
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
// The secret is renewed first when older than CookieRefreshTime. It allocates
// nothing when dst has room for MessageCookieReplySize more bytes: an
// unauthenticated sender triggers it.
func (c *CookieChecker) CreateReply(msg []byte, receiverIndex uint32, src netip.AddrPort, now time.Time, dst []byte) ([]byte, error) {
	if t, ok := MessageType(msg); !ok || (t != MessageInitiationType && t != MessageResponseType) {
		return dst, errsCreateReply.wrap(ErrInvalidMessage)
	}
	if err := c.refresh(now); err != nil {
		return dst, err
	}
	// Reserve the whole reply up front, so the AEAD appends in place.
	whole, reply := sliceForAppend(dst, MessageCookieReplySize)
	reply[0], reply[1], reply[2], reply[3] = MessageCookieReplyType, 0, 0, 0
	le.PutUint32(reply[4:], receiverIndex)
	nonce := reply[8:32]
	if _, err := io.ReadFull(c.rand, nonce); err != nil {
		return dst, fmt.Errorf("create cookie reply: nonce: %w", err)
	}
	var cookie [16]byte
	c.cookie(&cookie, src, now) // fresh: refresh just ran
	n := len(msg)
	whole = aeadSeal(whole[:len(dst)+32], &c.cookieKey, nonce, cookie[:], msg[n-32:n-16])
	wipe(cookie[:])
	return whole, nil
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
