package engine

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// Peer is one remote node. The engine owns it; forwarders hold pointers to it
// as an opaque port.
type Peer struct {
	e   *Engine
	pub noise.PublicKey

	ep  atomic.Pointer[endpoint]
	cur atomic.Pointer[session] // the session we send with

	// mu guards the handshake, the non-current sessions, the timers and the
	// staged packets.
	mu        sync.Mutex
	hs        *noise.Handshake
	cookieGen *noise.CookieGenerator
	psk       noise.PresharedKey
	hsIndex   uint32   // local index of our outstanding initiation, 0 if none
	prev      *session // previous session, still accepted on receive
	next      *session // responder's session, unconfirmed until the first data
	timers    timers
	staged    [][]byte

	rxBytes, txBytes atomic.Uint64
	lastHandshake    atomic.Int64 // unix nanos
	modeMismatch     atomic.Bool
}

// PublicKey identifies the peer.
func (p *Peer) PublicKey() noise.PublicKey { return p.pub }

// endpoint is where a peer is, and which of our addresses it last
// contacted: replies leave from that one.
type endpoint struct {
	addr netip.AddrPort
	src  netip.Addr // invalid: the kernel chooses
}

// Endpoint is the peer's current UDP address (invalid if unknown).
func (p *Peer) Endpoint() netip.AddrPort {
	if ep := p.ep.Load(); ep != nil {
		return ep.addr
	}
	return netip.AddrPort{}
}

// SetEndpoint sets the peer's address, as configured.
func (p *Peer) SetEndpoint(ep netip.AddrPort) { p.setEndpoint(ep, netip.Addr{}) }

// setEndpoint records where an authenticated packet came from and to which
// of our addresses; roaming goes through here only.
func (p *Peer) setEndpoint(ep netip.AddrPort, local netip.Addr) {
	ep = netip.AddrPortFrom(ep.Addr().Unmap(), ep.Port())
	local = local.Unmap()
	if old := p.ep.Load(); old != nil && old.addr == ep && old.src == local {
		return
	}
	// Allocated only when the endpoint really moves.
	p.ep.Store(&endpoint{addr: ep, src: local})
}

// zeroKeysLocked forgets every session and the handshake in progress.
func (p *Peer) zeroKeysLocked() {
	for _, s := range []*session{p.cur.Load(), p.prev, p.next} {
		if s != nil {
			s.retire(&p.e.indexes)
		}
	}
	p.cur.Store(nil)
	p.prev, p.next = nil, nil
	p.abandonHandshakeLocked()
}

// abandonHandshakeLocked drops our outstanding initiation and wipes its
// secrets (paper 6.3).
func (p *Peer) abandonHandshakeLocked() {
	if p.hsIndex != 0 {
		p.e.indexes.remove(p.hsIndex)
		p.hsIndex = 0
	}
	if p.hs != nil {
		p.hs.Reset()
	}
}

func (p *Peer) zeroKeys() {
	p.mu.Lock()
	p.zeroKeysLocked()
	p.mu.Unlock()
}

// installSession makes s the session we send with (initiator side, or the
// responder once the initiator has confirmed it). Called with p.mu.
func (p *Peer) installSessionLocked(s *session) {
	old := p.cur.Swap(s)
	if p.prev != nil && p.prev != old {
		p.prev.retire(&p.e.indexes)
	}
	p.prev = old
}

// stageLocked keeps a copy of a packet until a session exists. The queue is
// bounded; the oldest packet makes room.
func (p *Peer) stageLocked(pkt []byte) {
	if len(p.staged) >= stagedMax {
		p.e.Counters.drop(DropStagedFull)
		copy(p.staged, p.staged[1:])
		p.staged = p.staged[:len(p.staged)-1]
	}
	p.staged = append(p.staged, append([]byte(nil), pkt...))
}

// initiateLocked sends a handshake initiation unless one is already under
// way (the retry timer resends those). force skips that check.
func (p *Peer) initiateLocked(now time.Time, force bool) {
	if p.timers.handshaking() && !force {
		return
	}
	if p.hs == nil || !p.e.hasKey.Load() {
		return
	}
	if p.hsIndex != 0 {
		p.e.indexes.remove(p.hsIndex)
	}
	p.hsIndex = p.e.indexes.add(p)
	msg, err := p.hs.CreateInitiation(now, p.hsIndex, make([]byte, 0, noise.MessageInitiationSize))
	if err != nil {
		p.e.log.Debug("create initiation", "peer", p.pub, "err", err)
		return
	}
	p.cookieGen.AddMACs(msg, now)
	p.timers.initiationSent(now, jitter())
	p.send([][]byte{msg})
}

// send sends datagrams to the peer's endpoint and counts their bytes as wg
// does (whole datagrams).
func (p *Peer) send(msgs [][]byte) {
	ep := p.ep.Load()
	if ep == nil || !ep.addr.IsValid() {
		p.e.Counters.drops[DropNoEndpoint].Add(uint64(len(msgs)))
		return
	}
	if p.e.sendFrom(msgs, ep.addr, ep.src) != nil {
		return
	}
	var n int
	for _, m := range msgs {
		n += len(m)
	}
	p.txBytes.Add(uint64(n))
}

// tick runs the peer's timers.
func (p *Peer) tick(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.timers.due(now)
	if a&actZeroKeys != 0 {
		p.zeroKeysLocked()
	}
	if a&actGiveUp != 0 {
		p.e.Counters.drops[DropUnreachable].Add(uint64(len(p.staged)))
		p.staged = nil
		p.abandonHandshakeLocked()
	}
	if a&actInitiate != 0 {
		p.initiateLocked(now, true)
	}
	if a&actKeepalive != 0 {
		p.sendKeepaliveLocked(now)
	}
}

// sendKeepaliveLocked sends an empty data packet, or starts a handshake if
// there is no session to send it with.
func (p *Peer) sendKeepaliveLocked(now time.Time) {
	s := p.cur.Load()
	ep := p.Endpoint()
	if s == nil || s.expired(now) || !ep.IsValid() {
		p.initiateLocked(now, false)
		return
	}
	ctr, ok := s.nextCounter(now)
	if !ok {
		p.initiateLocked(now, false)
		return
	}
	buf := make([]byte, noise.MessageTransportHeaderSize+noise.TagSize)
	msg := noise.SealTransport(s.kp, ctr, buf, 0)
	p.timers.anySent(now)
	p.send([][]byte{msg})
}

// flushStagedLocked sends what waited for the handshake; if nothing did, it
// sends a keepalive so the responder can start using the session.
func (p *Peer) flushStagedLocked(now time.Time) {
	s := p.cur.Load()
	ep := p.Endpoint()
	if s == nil || !ep.IsValid() {
		return
	}
	if len(p.staged) == 0 {
		p.sendKeepaliveLocked(now)
		return
	}
	msgs := make([][]byte, 0, len(p.staged))
	o := p.e.fwd.Overhead()
	for _, pkt := range p.staged {
		ctr, ok := s.nextCounter(now)
		if !ok {
			p.e.Counters.drop(DropKeyExpired)
			continue
		}
		buf := make([]byte, noise.MessageTransportHeaderSize+o+len(pkt)+2*noise.TagSize)
		p.e.fwd.PutHeader(buf[noise.MessageTransportHeaderSize:], len(pkt))
		copy(buf[noise.MessageTransportHeaderSize+o:], pkt)
		padded := noise.PaddedLen(o+len(pkt), int(p.e.inner.Load()))
		msgs = append(msgs, noise.SealTransport(s.kp, ctr, buf, padded))
	}
	p.staged = nil
	p.timers.dataSent(now)
	p.send(msgs)
}

// Stats is a snapshot of a peer for show and the control socket.
type Stats struct {
	PublicKey           noise.PublicKey
	Endpoint            netip.AddrPort
	LastHandshake       time.Time
	RxBytes, TxBytes    uint64
	PersistentKeepalive time.Duration
	HasPresharedKey     bool
	PresharedKey        noise.PresharedKey // for the control socket's get only
}

func (p *Peer) stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := Stats{
		PublicKey:           p.pub,
		Endpoint:            p.Endpoint(),
		RxBytes:             p.rxBytes.Load(),
		TxBytes:             p.txBytes.Load(),
		PersistentKeepalive: p.timers.persistentKeepalive,
		HasPresharedKey:     !p.psk.IsZero(),
		PresharedKey:        p.psk,
	}
	if ns := p.lastHandshake.Load(); ns != 0 {
		st.LastHandshake = time.Unix(0, ns)
	}
	return st
}
