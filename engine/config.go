package engine

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/transport"
)

// setIdentity installs a private key. Peers keep their handshake state
// (the replay protection of accepted timestamps) but lose their sessions,
// so the new key handshakes at once. Setting the key it already has changes
// nothing, as wg syncconf expects.
func (e *Engine) setIdentity(k noise.PrivateKey) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.static != nil && e.hasKey.Load() == !k.IsZero() && (k.IsZero() || k.Public().Equal(e.static.Public)) {
		return false
	}
	e.static = noise.NewStatic(k)
	e.curStatic.Store(e.static)
	e.hasKey.Store(!k.IsZero())
	e.cookie = noise.NewCookieChecker(e.static.Public)
	for pub, p := range e.peers {
		if pub.Equal(e.static.Public) {
			// A node never talks to itself (wg drops such a peer too).
			e.removePeerLocked(p)
			continue
		}
		p.mu.Lock()
		p.zeroKeysLocked()
		p.timers.abandonHandshake()
		if p.hs != nil {
			p.hs.SetLocal(e.static)
		}
		p.mu.Unlock()
	}
	return true
}

// SetPrivateKey changes the interface's key under traffic.
func (e *Engine) SetPrivateKey(k noise.PrivateKey) {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	if !e.setIdentity(k) {
		return
	}
	now := e.now()
	for _, p := range e.Peers() {
		p.mu.Lock()
		// Not forced: the data path may have started the new key's
		// handshake already, and a second initiation within 50 ms would be
		// refused as too fast, costing a retry.
		if p.Endpoint().IsValid() {
			p.initiateLocked(now, false)
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

// PrivateKey is the interface's private key, for the control socket's get;
// zero when none was given.
func (e *Engine) PrivateKey() noise.PrivateKey {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.hasKey.Load() {
		return noise.PrivateKey{}
	}
	return e.static.Private
}

// SetListenPort moves the transport to another port.
func (e *Engine) SetListenPort(port uint16) error {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if port == e.port && port != 0 {
		return nil
	}
	return e.bind(port)
}

// SetFwmark marks the transport's socket (SO_MARK) so that policy routing
// can keep the tunnel's own datagrams out of the tunnel; a later rebind
// keeps it. A transport that cannot be marked (a test fake) only records it.
func (e *Engine) SetFwmark(m uint32) error {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := markTransport(e.transport(), m); err != nil {
		return err
	}
	e.fwmark = m
	return nil
}

// marker is a transport whose socket takes a firewall mark.
type marker interface{ SetMark(uint32) error }

func markTransport(t transport.Transport, m uint32) error {
	if mt, ok := t.(marker); ok {
		return mt.SetMark(m)
	}
	return nil
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
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
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
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.peers[pub]; p != nil {
		e.removePeerLocked(p)
	}
}

// RemoveAllPeers removes every peer.
func (e *Engine) RemoveAllPeers() {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
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
