package engine

import (
	"fmt"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/tun"
)

// outBatch collects sealed messages for one peer so that they leave in one
// transport call. Its slices are reused batch after batch.
type outBatch struct {
	peer *Peer
	sess *session
	msgs [][]byte
	// extra holds copies of packets that go to more than one peer (layer-2
	// flooding), since each copy is sealed in place with another key.
	extra    [][]byte
	extraUse int
	targets  []*Peer
}

// readDevice is the outbound loop of one device queue: it reads a batch,
// seals each packet in place and sends per peer, all in this goroutine.
func (e *Engine) readDevice(dev tun.Device) {
	defer e.wg.Done()
	bs := dev.BatchSize()
	bufs := make([][]byte, bs)
	sizes := make([]int, bs)
	ob := &outBatch{msgs: make([][]byte, 0, bs)}
	failures := 0
	for {
		if size := int(e.bufSize.Load()); len(bufs[0]) != size {
			for i := range bufs {
				bufs[i] = make([]byte, size)
			}
			ob.extra = ob.extra[:0]
		}
		n, err := dev.Read(bufs, sizes, tun.Headroom)
		if err != nil {
			if isClosedErr(err) || e.isClosed() {
				return
			}
			// A deleted interface fails every read: after a run of failures
			// the owner is told, as wg-quick's "ip link del" expects us to exit.
			if failures++; failures >= maxDeviceFailures {
				e.fail(fmt.Errorf("read from %s: %w", dev.Name(), err))
				return
			}
			e.log.Warn("read from device", "dev", dev.Name(), "err", err)
			select {
			case <-e.closed:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		failures = 0
		now := e.now()
		ob.extraUse = 0
		for i := 0; i < n; i++ {
			e.route(ob, bufs[i], sizes[i], now)
		}
		e.flush(ob, now)
	}
}

// route seals one device packet (at buf[Headroom:Headroom+n]) for each peer
// the forwarder names.
func (e *Engine) route(ob *outBatch, buf []byte, n int, now time.Time) {
	pkt := buf[tun.Headroom : tun.Headroom+n]
	var drop Drop
	ob.targets, drop = e.fwd.Outbound(pkt, now, ob.targets[:0])
	if drop != noDrop {
		e.Counters.drop(drop)
		return
	}
	for i, p := range ob.targets {
		b := buf
		if i < len(ob.targets)-1 {
			b = ob.copyOf(buf, n)
		}
		e.sealFor(ob, p, b, n, now)
	}
}

func (ob *outBatch) copyOf(buf []byte, n int) []byte {
	if ob.extraUse == len(ob.extra) {
		ob.extra = append(ob.extra, make([]byte, len(buf)))
	}
	b := ob.extra[ob.extraUse]
	ob.extraUse++
	copy(b[tun.Headroom:], buf[tun.Headroom:tun.Headroom+n])
	return b
}

// sealFor encrypts the packet in b[Headroom:Headroom+n] for p, in place, and
// queues it in the batch; without a usable session it stages a copy and
// starts a handshake.
func (e *Engine) sealFor(ob *outBatch, p *Peer, b []byte, n int, now time.Time) {
	o := e.fwd.Overhead()
	plain := o + n
	inner := int(e.inner.Load())
	if plain > inner || tun.Headroom+plain+2*noise.TagSize > len(b) {
		// Dropped whole, never cut. A packet that fills the buffer may
		// have been truncated by the device: read into a buffer sized
		// before an MTU raise (transient) or by a device that ignores its
		// MTU; only the latter is worth a warning.
		e.Counters.drop(DropTooBig)
		if plain > inner && e.tooBigWarned.CompareAndSwap(false, true) {
			e.log.Warn("packet larger than the interface MTU: dropped and counted (too_big)",
				"bytes", n, "mtu", inner-o)
		}
		return
	}
	if ob.peer != p {
		e.flush(ob, now)
		ob.peer, ob.sess = p, p.cur.Load()
	}
	s := ob.sess
	var ctr uint64
	ok := s != nil
	if ok {
		ctr, ok = s.nextCounter(now)
	}
	if !ok {
		p.mu.Lock()
		p.stageLocked(b[tun.Headroom : tun.Headroom+n])
		p.initiateLocked(now, false)
		p.mu.Unlock()
		ob.sess = nil
		return
	}
	start := tun.Headroom - o - noise.MessageTransportHeaderSize
	e.fwd.PutHeader(b[tun.Headroom-o:tun.Headroom], n)
	padded := min(noise.PaddedLen(plain, inner), len(b)-tun.Headroom-noise.TagSize)
	clear(b[start+noise.MessageTransportHeaderSize+plain : start+noise.MessageTransportHeaderSize+padded])
	msg := noise.SealTransport(s.kp, ctr, b[start:], padded)
	ob.msgs = append(ob.msgs, msg)
}

// flush sends the batch to its peer and runs the send-side timers once.
func (e *Engine) flush(ob *outBatch, now time.Time) {
	p, s := ob.peer, ob.sess
	if p == nil || len(ob.msgs) == 0 {
		ob.msgs = ob.msgs[:0]
		ob.peer, ob.sess = nil, nil
		return
	}
	p.send(ob.msgs)
	ob.msgs = ob.msgs[:0]
	ob.peer, ob.sess = nil, nil
	p.mu.Lock()
	p.timers.dataSent(now)
	if s != nil && s.needsRekey(now) {
		p.initiateLocked(now, false)
	}
	p.mu.Unlock()
}
