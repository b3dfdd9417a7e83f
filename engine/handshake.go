package engine

import (
	"net/netip"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// hsMsg is a handshake message copied out of the receive batch. A fixed pool
// of them bounds the memory unauthenticated senders can make us use.
type hsMsg struct {
	buf   [noise.MessageInitiationSize]byte
	n     int
	src   netip.AddrPort
	local netip.Addr // our address it was sent to
}

// handshakeQueue hands handshake messages from the receive loop to the
// handshake goroutine without ever blocking the receive loop.
type handshakeQueue struct {
	queue chan *hsMsg
	free  chan *hsMsg
	done  chan struct{}
}

func (q *handshakeQueue) init(n int) {
	q.queue = make(chan *hsMsg, n)
	q.free = make(chan *hsMsg, n)
	q.done = make(chan struct{})
	for i := 0; i < n; i++ {
		q.free <- new(hsMsg)
	}
}

func (q *handshakeQueue) close() { close(q.done) }

func (q *handshakeQueue) push(c *Counters, msg []byte, src netip.AddrPort, local netip.Addr) {
	select {
	case m := <-q.free:
		m.n = copy(m.buf[:], msg)
		m.src, m.local = src, local
		q.queue <- m
	default:
		c.drop(DropHandshakeQueue)
	}
}

// loaded reports whether the queue is deep enough that we ask for cookies.
func (q *handshakeQueue) loaded() bool { return len(q.queue) >= cap(q.queue)/8 }

func (e *Engine) handshakeLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.hs.done:
			return
		case m := <-e.hs.queue:
			e.handleHandshake(m.buf[:m.n], m.src, m.local)
			e.hs.free <- m
		}
	}
}

// underLoad is sticky for a second, so an attacker cannot toggle it.
func (e *Engine) isUnderLoad(now time.Time) bool {
	if e.hs.loaded() {
		e.underLoad.Store(now.Add(time.Second).UnixNano())
		return true
	}
	return now.UnixNano() < e.underLoad.Load()
}

func (e *Engine) handleHandshake(msg []byte, src netip.AddrPort, local netip.Addr) {
	now := e.now()
	typ, _ := noise.MessageType(msg)
	e.mu.RLock()
	cookie, keyless := e.cookie, !e.hasKey.Load()
	e.mu.RUnlock()
	if keyless {
		// No private key yet (wireguard-go mode before wg setconf).
		e.Counters.drop(DropHandshakeFailed)
		return
	}
	if typ == noise.MessageCookieReplyType {
		e.handleCookieReply(msg, now)
		return
	}
	if !cookie.CheckMAC1(msg) {
		e.Counters.drop(DropBadMAC1)
		return
	}
	if e.isUnderLoad(now) {
		if !cookie.CheckMAC2(msg, src, now) {
			// Scratch owned by this goroutine: an unauthenticated sender must
			// not make us allocate.
			reply, err := cookie.CreateReply(msg, senderIndex(msg), src, now, e.hsScratch[:0])
			e.hsOut[0] = reply
			if err == nil && e.sendFrom(e.hsOut[:], src, local) == nil {
				e.Counters.CookieReplies.Add(1)
			}
			return
		}
		if !e.limiter.Allow(src.Addr(), now) {
			e.Counters.drop(DropRateLimited)
			return
		}
	}
	switch typ {
	case noise.MessageInitiationType:
		e.handleInitiation(msg, src, local, now)
	case noise.MessageResponseType:
		e.handleResponse(msg, src, local, now)
	}
}

// senderIndex is the sender field of an initiation or response, which a
// cookie reply is addressed to.
func senderIndex(msg []byte) uint32 {
	return uint32(msg[4]) | uint32(msg[5])<<8 | uint32(msg[6])<<16 | uint32(msg[7])<<24
}

func (e *Engine) handleInitiation(msg []byte, src netip.AddrPort, local netip.Addr, now time.Time) {
	e.mu.RLock()
	static := e.static
	e.mu.RUnlock()
	in, err := static.ConsumeInitiation(msg)
	if err != nil {
		e.Counters.drop(DropHandshakeFailed)
		return
	}
	e.mu.RLock()
	p := e.peers[in.RemoteStatic]
	e.mu.RUnlock()
	if p == nil {
		e.Counters.drop(DropHandshakeFailed)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// The key may have changed while the initiation was being decrypted.
	if e.curStatic.Load() != static || p.hs == nil || p.hs.AcceptInitiation(in, now) != nil {
		e.Counters.drop(DropHandshakeFailed)
		return
	}
	idx := e.indexes.add(p)
	resp, kp, err := p.hs.CreateResponse(idx, now, make([]byte, 0, noise.MessageResponseSize))
	if err != nil {
		e.indexes.remove(idx)
		e.Counters.drop(DropHandshakeFailed)
		return
	}
	p.cookieGen.AddMACs(resp, now)
	s := newSession(p, kp)
	if p.next != nil {
		p.next.retire(&e.indexes)
	}
	p.next = s
	e.indexes.setSession(idx, s)
	if p.hsIndex != 0 {
		// Accepting their initiation replaced our own outstanding one.
		e.indexes.remove(p.hsIndex)
		p.hsIndex = 0
	}
	p.lastHandshake.Store(now.UnixNano())
	p.timers.handshakeDone(now)
	p.setEndpoint(src, local)
	p.rxBytes.Add(uint64(len(msg)))
	p.timers.anySent(now)
	p.send([][]byte{resp})
	e.log.Debug("handshake answered", "peer", p.pub, "endpoint", src)
}

func (e *Engine) handleResponse(msg []byte, src netip.AddrPort, local netip.Addr, now time.Time) {
	ent := e.indexes.get(noise.ReceiverIndex(msg))
	p := ent.peer
	if p == nil || ent.sess != nil {
		e.Counters.drop(DropUnknownIndex)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hs == nil {
		return
	}
	kp, err := p.hs.ConsumeResponse(msg, now)
	if err != nil {
		e.Counters.drop(DropHandshakeFailed)
		return
	}
	s := newSession(p, kp)
	p.hsIndex = 0
	e.indexes.setSession(kp.LocalIndex, s)
	p.installSessionLocked(s)
	if p.next != nil {
		// An unconfirmed responder session from crossed handshakes would
		// later push this newer one aside: drop it.
		p.next.retire(&e.indexes)
		p.next = nil
	}
	p.lastHandshake.Store(now.UnixNano())
	p.timers.handshakeDone(now)
	p.setEndpoint(src, local)
	p.rxBytes.Add(uint64(len(msg)))
	p.timers.anyReceived()
	e.log.Debug("handshake complete", "peer", p.pub, "endpoint", src)
	p.flushStagedLocked(now)
}

func (e *Engine) handleCookieReply(msg []byte, now time.Time) {
	ent := e.indexes.get(noise.ReceiverIndex(msg))
	p := ent.peer
	if p == nil {
		e.Counters.drop(DropUnknownIndex)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.cookieGen.ConsumeReply(msg, now); err != nil {
		e.Counters.drop(DropHandshakeFailed)
	}
}
