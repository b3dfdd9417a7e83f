package vswitch

import (
	"errors"
	"time"

	"github.com/tuntap/tuntap/ether"
	"github.com/tuntap/tuntap/tun"
)

// maxReadFailures is how many reads in a row may fail before a port is
// given up (its device was deleted).
const maxReadFailures = 10

// batch is the scratch space of one port's loop, reused batch after batch:
// after the first batches have seen every port it allocates nothing.
type batch struct {
	dests   []dest
	targets []*Port
}

// dest collects the frames of one batch for one destination port, so that
// each port gets one Write per batch.
type dest struct {
	port *Port
	bufs [][]byte
}

func (b *batch) add(to *Port, buf []byte) {
	for i := range b.dests {
		if b.dests[i].port == to {
			b.dests[i].bufs = append(b.dests[i].bufs, buf)
			return
		}
	}
	b.dests = append(b.dests, dest{port: to, bufs: append(make([][]byte, 0, 64), buf)})
}

func (s *Switch) readLoop(p *Port) {
	defer s.wg.Done()
	defer s.removePort(p)
	bs := max(1, p.dev.BatchSize())
	// One spare byte beyond the largest frame: a read that fills it was
	// oversized or cut short by the kernel, and is dropped, not forwarded.
	size := tun.Headroom + p.maxFrame + 1
	bufs := make([][]byte, bs)
	for i := range bufs {
		bufs[i] = make([]byte, size)
	}
	sizes := make([]int, bs)
	var b batch
	failures := 0
	for {
		n, err := p.dev.Read(bufs, sizes, tun.Headroom)
		if err != nil {
			if errors.Is(err, tun.ErrClosed) || s.isClosed() {
				return
			}
			if failures++; failures >= maxReadFailures {
				s.log.Error("port failed: removed from the switch", "port", p.name, "err", err)
				return
			}
			s.log.Warn("read from port", "port", p.name, "err", err)
			select {
			case <-s.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		failures = 0
		s.forward(p, &b, bufs[:n], sizes, s.now())
	}
}

func (s *Switch) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// forward learns and forwards one batch read from port from. Frame i is at
// bufs[i][Headroom:Headroom+sizes[i]].
func (s *Switch) forward(from *Port, b *batch, bufs [][]byte, sizes []int, now time.Time) {
	from.RxFrames.Add(uint64(len(bufs)))
	for i, buf := range bufs {
		n := sizes[i]
		if n > from.maxFrame {
			s.c.tooBig.Add(1)
			continue
		}
		h, err := ether.Parse(buf[tun.Headroom : tun.Headroom+n])
		if err != nil {
			s.c.malformed.Add(1)
			continue
		}
		if r := s.sw.Learn(from, h.Src, now); r.Drop() {
			s.c.refused.Add(1)
			continue
		}
		b.targets, _ = s.sw.Forward(from, h.Dst, now, b.targets[:0])
		for _, to := range b.targets {
			if n > to.maxFrame {
				s.c.tooBig.Add(1)
				continue
			}
			b.add(to, buf[:tun.Headroom+n])
		}
	}
	s.flush(b)
}

// flush writes each destination's frames in one call and forgets ports
// that have gone.
func (s *Switch) flush(b *batch) {
	for i := 0; i < len(b.dests); i++ {
		d := &b.dests[i]
		if d.port.removed.Load() {
			b.dests[i] = b.dests[len(b.dests)-1]
			b.dests = b.dests[:len(b.dests)-1]
			i--
			continue
		}
		if len(d.bufs) == 0 {
			continue
		}
		w, err := d.port.dev.Write(d.bufs, tun.Headroom)
		d.port.TxFrames.Add(uint64(w))
		if err != nil {
			lost := uint64(len(d.bufs) - w)
			d.port.TxErrors.Add(lost)
			s.c.txErrors.Add(lost)
			if d.port.TxErrors.Load() == lost { // the first refusal only: a down port fails every frame
				s.log.Warn("port refuses frames (is it up?)", "port", d.port.name, "err", err)
			}
		}
		clear(d.bufs) // no references to the read buffers between batches
		d.bufs = d.bufs[:0]
	}
}
