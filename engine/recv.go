package engine

import (
	"net/netip"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/replay"
	"github.com/tuntap/tuntap/transport"
	"github.com/tuntap/tuntap/tun"
)

// inBatch is the scratch space of the inbound loop, reused batch after batch.
type inBatch struct {
	write   [][]byte // packets for the device, each with Headroom before it
	targets []*Peer
	lastIdx uint32
	lastEnt indexEntry
	// Hub forwarding (tap mode) seals a copy per other peer; the buffer and
	// batch are reused, since each copy leaves before the next is made.
	fwdBuf []byte
	fwdOut outBatch
}

// readTransport is the inbound loop of one transport: it reads a batch,
// opens transport messages in place and writes them to the device in one
// call; handshake messages go to the handshake queue.
func (e *Engine) readTransport(t transport.Transport) {
	defer e.wg.Done()
	bs := t.BatchSize()
	// Datagrams land at off so that the plaintext's device packet starts at
	// Headroom: the device writes it in place.
	off := tun.Headroom - e.fwd.Overhead() - noise.MessageTransportHeaderSize
	coalesce := 0
	if c, ok := e.devs[0].(tun.Coalescing); ok {
		// Room for the device to merge a flow's packets into one.
		coalesce = c.WriteCapacity()
	}
	bufs := make([][]byte, bs)
	views := make([][]byte, bs)
	sizes := make([]int, bs)
	eps := make([]netip.AddrPort, bs)
	locals := make([]netip.Addr, bs)
	sticky, _ := t.(transport.Sticky)
	trustChecksums(e.devs)
	ib := &inBatch{write: make([][]byte, 0, bs)}
	for {
		if size := max(int(e.bufSize.Load()), coalesce); len(bufs[0]) != size {
			for i := range bufs {
				bufs[i] = make([]byte, size)
				views[i] = bufs[i][off:]
			}
		}
		var n int
		var err error
		if sticky != nil {
			n, err = sticky.RecvLocal(views, sizes, eps, locals)
		} else {
			n, err = t.Recv(views, sizes, eps)
		}
		if err != nil {
			if isClosedErr(err) || e.isClosed() {
				return
			}
			// Transient (ICMP errors surface here); back off so a persistent
			// one cannot spin a core or flood the log.
			e.log.Debug("receive", "err", err)
			select {
			case <-e.closed:
				return
			case <-time.After(time.Millisecond):
			}
			continue
		}
		now := e.now()
		ib.lastIdx, ib.lastEnt = 0, indexEntry{}
		for i := 0; i < n; i++ {
			msg := views[i][:sizes[i]]
			typ, ok := noise.MessageType(msg)
			if !ok {
				e.Counters.drop(DropMalformed)
				continue
			}
			if typ != noise.MessageTransportType {
				e.hs.push(&e.Counters, msg, eps[i], locals[i])
				continue
			}
			e.receiveData(ib, bufs[i][:off+sizes[i]], off, eps[i], locals[i], now)
		}
		if len(ib.write) > 0 {
			if _, err := e.devs[0].Write(ib.write, tun.Headroom); err != nil && !isClosedErr(err) {
				e.Counters.drops[DropDeviceWrite].Add(uint64(len(ib.write)))
				e.log.Debug("write to device", "err", err)
			}
			ib.write = ib.write[:0]
		}
	}
}

// checksumTruster is a device that can skip verifying the TCP checksums of
// the segments it merges (tun.Offload).
type checksumTruster interface{ TrustChecksums(on bool) }

// trustChecksums tells the devices that what the engine writes passed the
// AEAD: its bytes are the ones the peer sent, so re-checking their
// checksums on the way to the kernel buys nothing (kernel WireGuard marks
// them CHECKSUM_UNNECESSARY for the same reason).
func trustChecksums(devs []tun.Device) {
	for _, d := range devs {
		if t, ok := d.(checksumTruster); ok {
			t.TrustChecksums(true)
		}
	}
}

// receiveData authenticates one transport message (at buf[off:]) and queues
// its packet for the device.
func (e *Engine) receiveData(ib *inBatch, buf []byte, off int, src netip.AddrPort, local netip.Addr, now time.Time) {
	msg := buf[off:]
	idx, ctr, ok := noise.ParseTransportHeader(msg)
	if !ok {
		e.Counters.drop(DropMalformed)
		return
	}
	ent := ib.lastEnt
	if idx != ib.lastIdx || ent.sess == nil {
		ent = e.indexes.get(idx)
		ib.lastIdx, ib.lastEnt = idx, ent
	}
	s := ent.sess
	if s == nil {
		e.Counters.drop(DropUnknownIndex)
		return
	}
	if s.expired(now) {
		e.Counters.drop(DropKeyExpired)
		return
	}
	// Cheap refusal before the crypto; the window moves only after it.
	s.mu.Lock()
	res := s.replay.Check(ctr)
	s.mu.Unlock()
	if res != replay.OK {
		e.Counters.drop(replayDrop(res))
		return
	}
	plain, err := noise.OpenTransport(s.kp, ctr, msg)
	if err != nil {
		e.Counters.drop(DropDecrypt)
		return
	}
	s.mu.Lock()
	res = s.replay.Accept(ctr, noise.RejectAfterMessages)
	s.mu.Unlock()
	if res != replay.OK {
		e.Counters.drop(replayDrop(res))
		return
	}
	p := s.peer
	p.received(s, src, local, len(msg), len(plain) == 0, now)
	if len(plain) == 0 {
		e.Counters.Keepalives.Add(1)
		return
	}
	pkt, deliver, out, drop := e.fwd.Inbound(p, plain, now, ib.targets[:0])
	ib.targets = out
	if drop != noDrop {
		e.Counters.drop(drop)
		return
	}
	for _, q := range out {
		e.forwardTo(ib, q, pkt, now)
	}
	if deliver {
		ib.write = append(ib.write, buf[:tun.Headroom+len(pkt)])
	}
}

// replayDrop names the counter for what the replay window refused.
func replayDrop(r replay.Result) Drop {
	switch r {
	case replay.TooOld:
		return DropTooOld
	case replay.Limit:
		return DropKeyExpired
	}
	return DropReplay
}

// received runs the receive side of an authenticated message: roaming,
// timers, byte counts, and confirming the responder's new session.
func (p *Peer) received(s *session, src netip.AddrPort, local netip.Addr, n int, keepalive bool, now time.Time) {
	p.setEndpoint(src, local)
	p.rxBytes.Add(uint64(n))
	p.mu.Lock()
	if p.next == s {
		// The initiator used the session: it is confirmed, and what waited
		// for it can go.
		p.next = nil
		p.installSessionLocked(s)
		if len(p.staged) > 0 {
			p.flushStagedLocked(now)
		}
	}
	if keepalive {
		p.timers.anyReceived()
	} else {
		p.timers.dataReceived(now)
	}
	if p.cur.Load() == s && s.needsRekeyOnReceive(now) {
		p.initiateLocked(now, false)
	}
	p.mu.Unlock()
}

// forwardTo seals a copy of a packet for another peer (hub forwarding of
// the layer-2 switch) and sends it at once.
func (e *Engine) forwardTo(ib *inBatch, p *Peer, pkt []byte, now time.Time) {
	if size := int(e.bufSize.Load()); len(ib.fwdBuf) != size {
		ib.fwdBuf = make([]byte, size)
		ib.fwdOut.msgs = make([][]byte, 0, 1)
	}
	copy(ib.fwdBuf[tun.Headroom:], pkt)
	e.sealFor(&ib.fwdOut, p, ib.fwdBuf, len(pkt), now)
	e.flush(&ib.fwdOut, now)
}
