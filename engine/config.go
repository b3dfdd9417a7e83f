package engine

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// setIdentity installs a private key; every peer's handshake is rebuilt for
// it and old sessions are forgotten, so the new key handshakes at once.
func (e *Engine) setIdentity(k noise.PrivateKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.static = noise.NewStatic(k)
	e.cookie = noise.NewCookieChecker(e.static.Public)
	for pub, p := range e.peers {
		if pub.Equal(e.static.Public) {
			// A node never talks to itself (wg drops such a peer too).
			e.removePeerLocked(p)
			continue
		}
		p.mu.Lock()
		p.zeroKeysLocked()
		p.hs, _ = noise.NewHandshake(e.static, pub, p.psk)
		p.mu.Unlock()
	}
}

// SetPrivateKey changes the interface's key under traffic.
func (e *Engine) SetPrivateKey(k noise.PrivateKey) {
	e.setIdentity(k)
	now := e.now()
	for _, p := range e.Peers() {
		p.mu.Lock()
		if p.Endpoint().IsValid() {
			p.initiateLocked(now, true)
		}
		p.mu.Unlock()
	}
}

// PublicKey is the interface's public key.
func (e *Engine) PublicKey() noise.PublicKey {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.static.Public
}

// PrivateKey is the interface's private key, for the control socket's get.
func (e *Engine) PrivateKey() noise.PrivateKey {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.static.Private
}

// SetListenPort moves the transport to another port.
func (e *Engine) SetListenPort(port uint16) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if port == e.port && port != 0 {
		return nil
	}
	return e.bind(port)
}

// SetFwmark records the fwmark (reported by get; sockets are not marked yet).
func (e *Engine) SetFwmark(m uint32) {
	e.mu.Lock()
	e.fwmark = m
	e.mu.Unlock()
}

// Fwmark returns the recorded fwmark.
func (e *Engine) Fwmark() uint32 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.fwmark
}

// PeerConfig is a change to one peer; nil fields are left as they are.
type PeerConfig struct {
	PresharedKey        *noise.PresharedKey
	Endpoint            *netip.AddrPort
	PersistentKeepalive *time.Duration
	ReplaceAllowedIPs   bool
	AllowedIPs          []netip.Prefix // added (after the replace, if any)
	RemoveAllowedIPs    []netip.Prefix
}

// Peer returns the peer with that key, or nil.
func (e *Engine) Peer(pub noise.PublicKey) *Peer {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.peers[pub]
}

// Peers returns every peer.
func (e *Engine) Peers() []*Peer {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ps := make([]*Peer, 0, len(e.peers))
	for _, p := range e.peers {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Peer) int { return slices.Compare(a.pub[:], b.pub[:]) })
	return ps
}

// UpsertPeer creates the peer if needed and applies the change. Other peers'
// traffic is not disturbed.
func (e *Engine) UpsertPeer(pub noise.PublicKey, c PeerConfig) (*Peer, error) {
	e.mu.Lock()
	p := e.peers[pub]
	if p == nil {
		if pub.Equal(e.static.Public) {
			e.mu.Unlock()
			return nil, fmt.Errorf("peer %s is this interface's own public key", pub)
		}
		hs, err := noise.NewHandshake(e.static, pub, noise.PresharedKey{})
		if err != nil {
			e.mu.Unlock()
			return nil, fmt.Errorf("peer %s: %w", pub, err)
		}
		p = &Peer{e: e, pub: pub, hs: hs, cookieGen: noise.NewCookieGenerator(pub)}
		e.peers[pub] = p
		e.fwd.AddPeer(p)
	}
	e.mu.Unlock()

	p.mu.Lock()
	if c.PresharedKey != nil {
		p.psk = *c.PresharedKey
		p.hs.SetPresharedKey(p.psk)
	}
	if c.Endpoint != nil {
		p.SetEndpoint(*c.Endpoint)
	}
	startKeepalive := false
	if c.PersistentKeepalive != nil {
		startKeepalive = *c.PersistentKeepalive > 0 && p.timers.persistentKeepalive != *c.PersistentKeepalive
		p.timers.persistentKeepalive = *c.PersistentKeepalive
	}
	if startKeepalive && p.Endpoint().IsValid() {
		// As wg does: a persistent keepalive opens the tunnel right away.
		p.sendKeepaliveLocked(e.now())
	}
	p.mu.Unlock()
	if c.ReplaceAllowedIPs || len(c.AllowedIPs) > 0 {
		e.fwd.SetAllowedIPs(p, c.AllowedIPs, c.ReplaceAllowedIPs)
	}
	if len(c.RemoveAllowedIPs) > 0 {
		e.fwd.RemoveAllowedIPs(p, c.RemoveAllowedIPs)
	}
	return p, nil
}

// RemovePeer removes a peer and forgets its keys.
func (e *Engine) RemovePeer(pub noise.PublicKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.peers[pub]; p != nil {
		e.removePeerLocked(p)
	}
}

// RemoveAllPeers removes every peer.
func (e *Engine) RemoveAllPeers() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.peers {
		e.removePeerLocked(p)
	}
}

func (e *Engine) removePeerLocked(p *Peer) {
	delete(e.peers, p.pub)
	e.fwd.RemovePeer(p)
	p.mu.Lock()
	p.zeroKeysLocked()
	p.hs = nil
	p.staged = nil
	p.mu.Unlock()
}

// PeerStats is the snapshot of one peer with its allowed IPs.
type PeerStats struct {
	Stats
	AllowedIPs []netip.Prefix
}

// Snapshot returns every peer's state, sorted by public key.
func (e *Engine) Snapshot() []PeerStats {
	var out []PeerStats
	for _, p := range e.Peers() {
		out = append(out, PeerStats{Stats: p.stats(), AllowedIPs: e.fwd.AllowedIPs(p)})
	}
	return out
}
