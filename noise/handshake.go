package noise

import (
	"crypto/rand"
	"fmt"
	"io"
	"sync"
	"time"
)

type hsState uint8

const (
	stateZero               hsState = iota
	stateInitiationCreated          // we initiated and wait for the response
	stateInitiationAccepted         // a peer initiated and we owe it a response
)

// Handshake is the handshake state with one peer, used for both roles. It is
// safe for concurrent use. It only builds and checks message bodies: the
// engine fills mac1/mac2 of every message it sends with that peer's
// CookieGenerator.AddMACs, and checks mac1 of received ones (this package
// checks mac1 again on consume, so a forgotten check cannot skip it).
type Handshake struct {
	mu     sync.Mutex
	local  *Static
	remote PublicKey
	psk    PresharedKey
	ss     [32]byte // DH(local static, remote static), fixed per key pair
	rand   io.Reader

	state           hsState
	hash, chainKey  [32]byte
	ephemeral       PrivateKey
	remoteEphemeral PublicKey
	localIndex      uint32
	remoteIndex     uint32

	lastTimestamp  TAI64N    // newest accepted initiation timestamp
	lastInitiation time.Time // when we last accepted an initiation
}

// NewHandshake prepares the handshake with remote. It refuses our own key and
// keys whose shared secret with ours is zero (low-order points), so such a
// peer never produces a packet.
func NewHandshake(local *Static, remote PublicKey, psk PresharedKey) (*Handshake, error) {
	h := &Handshake{remote: remote, psk: psk, rand: rand.Reader}
	if err := h.setLocal(local); err != nil {
		return nil, err
	}
	return h, nil
}

// SetPresharedKey changes the preshared key for the following handshakes.
func (h *Handshake) SetPresharedKey(psk PresharedKey) {
	h.mu.Lock()
	h.psk = psk
	h.mu.Unlock()
}

// SetLocal switches to a new local identity (a private-key change) and drops
// any handshake in progress, which was bound to the old key. Replay state is
// kept: the peer's timestamps keep growing whatever our key.
func (h *Handshake) SetLocal(local *Static) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.setLocal(local)
}

func (h *Handshake) setLocal(local *Static) error {
	if local.Public.Equal(h.remote) {
		return fmt.Errorf("peer %s: %w", h.remote, ErrSelf)
	}
	ss, err := dh(&local.Private, h.remote[:])
	if err != nil {
		return fmt.Errorf("peer %s: %w", h.remote, err)
	}
	h.local, h.ss = local, ss
	h.reset()
	return nil
}

// Remote returns the peer's public key.
func (h *Handshake) Remote() PublicKey { return h.remote }

// reset forgets the handshake in progress and wipes its secrets.
// Reset forgets a handshake in progress and wipes its secrets (ephemeral,
// chaining key, hash); the replay state of accepted timestamps is kept.
func (h *Handshake) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reset()
}

func (h *Handshake) reset() {
	h.state = stateZero
	wipe(h.hash[:])
	wipe(h.chainKey[:])
	wipe(h.ephemeral[:])
	wipe(h.remoteEphemeral[:])
}

// CreateInitiation appends a new initiation to dst, with mac1 and mac2 zero
// for the engine's AddMACs. senderIndex is the index the peer must put on
// its response. It replaces any outstanding initiation. Timestamps are
// rounded to about 16ms, so of two initiations closer than that the
// responder accepts only the first.
func (h *Handshake) CreateInitiation(now time.Time, senderIndex uint32, dst []byte) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reset()
	eph, err := newEphemeral(h.rand)
	if err != nil {
		return dst, fmt.Errorf("create initiation: ephemeral key: %w", err)
	}
	epub := eph.Public()
	ck, hs := initialChainKey, initialHash
	mixHash(&hs, h.remote[:])
	kdf(&ck, epub[:], &ck)
	mixHash(&hs, epub[:])

	msg := make([]byte, 8, MessageInitiationSize)
	msg[0] = MessageInitiationType
	le.PutUint32(msg[4:], senderIndex)
	msg = append(msg, epub[:]...)

	es, err := dh(&eph, h.remote[:])
	if err != nil {
		return dst, fmt.Errorf("create initiation: %w", err)
	}
	var key [32]byte
	kdf(&ck, es[:], &ck, &key)
	msg = seal(msg, &key, h.local.Public[:], hs[:])
	mixHash(&hs, msg[40:88])

	kdf(&ck, h.ss[:], &ck, &key)
	ts := Timestamp(now)
	msg = seal(msg, &key, ts[:], hs[:])
	mixHash(&hs, msg[88:116])
	wipe(key[:])
	wipe(es[:])

	h.state, h.hash, h.chainKey, h.ephemeral, h.localIndex = stateInitiationCreated, hs, ck, eph, senderIndex
	wipe(eph[:])
	wipe(ck[:])
	msg = msg[:MessageInitiationSize] // mac1, mac2 zero
	return append(dst, msg...), nil
}
