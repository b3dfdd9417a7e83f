package vswitch

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tuntap/tuntap/ether"
	"github.com/tuntap/tuntap/tun"
)

// Pipe joins two in-memory TAP devices: a frame written to one end is read
// from the other. It makes a tap-mode VPN engine one more port of the
// switch: the switch drives one end, the engine the other, with no kernel
// device between them.
//
// Each direction holds at most Depth frames in buffers allocated once; a
// Write finding the queue full drops the frame and counts it (Dropped), as a
// kernel queue would, so a fast sender never blocks the switch and no burst
// makes the pipe grow. A frame larger than the pipe's MTU allows is dropped
// and counted (TooBig), never truncated.
type Pipe struct {
	a, b PipeEnd

	closeOnce sync.Once
	closed    chan struct{}
}

// PipeEnd is one end of a Pipe. It implements tun.Device (Kind TAP).
type PipeEnd struct {
	p    *Pipe
	name string
	mtu  int
	in   *lane // frames written by the other end, read here
	out  *lane // frames written here

	// TooBig and Dropped count frames this end refused to send: larger than
	// MTU plus an Ethernet header and two VLAN tags, or queue full.
	TooBig  atomic.Uint64
	Dropped atomic.Uint64
}

// lane is one direction: a bounded queue of frames and the free buffers.
type lane struct {
	data chan frame
	free chan []byte
}

type frame struct {
	buf []byte
	n   int
}

// DefaultPipeDepth is the frames each direction of a Pipe holds.
const DefaultPipeDepth = 256

// MaxFrame is the largest frame a device of this MTU carries: the Ethernet
// header and two VLAN tags (Q-in-Q) on top of the MTU.
func MaxFrame(mtu int) int { return mtu + ether.HeaderLen + 2*ether.TagLen }

// NewPipe returns a pipe whose ends are named nameA and nameB, carry frames
// for an MTU of mtu, and queue up to depth frames each way (0: the default).
func NewPipe(nameA, nameB string, mtu, depth int) (*Pipe, error) {
	if mtu < 68 || mtu > 65535 {
		return nil, fmt.Errorf("pipe %s-%s: MTU %d outside 68..65535", nameA, nameB, mtu)
	}
	if depth <= 0 {
		depth = DefaultPipeDepth
	}
	p := &Pipe{closed: make(chan struct{})}
	ab, ba := newLane(depth, MaxFrame(mtu)), newLane(depth, MaxFrame(mtu))
	p.a = PipeEnd{p: p, name: nameA, mtu: mtu, in: ba, out: ab}
	p.b = PipeEnd{p: p, name: nameB, mtu: mtu, in: ab, out: ba}
	return p, nil
}

func newLane(depth, size int) *lane {
	l := &lane{data: make(chan frame, depth), free: make(chan []byte, depth)}
	for range depth {
		l.free <- make([]byte, size)
	}
	return l
}

// A and B are the two ends.
func (p *Pipe) A() *PipeEnd { return &p.a }
func (p *Pipe) B() *PipeEnd { return &p.b }

// Close closes both ends: blocked Reads on either end return tun.ErrClosed.
// It is idempotent.
func (p *Pipe) Close() error {
	p.closeOnce.Do(func() { close(p.closed) })
	return nil
}

var _ tun.Device = (*PipeEnd)(nil)

func (e *PipeEnd) Kind() tun.Kind { return tun.TAP }
func (e *PipeEnd) Name() string   { return e.name }
func (e *PipeEnd) MTU() int       { return e.mtu }
func (e *PipeEnd) BatchSize() int { return 64 }

// Close closes the whole pipe: an end alone is of no use.
func (e *PipeEnd) Close() error { return e.p.Close() }

func (e *PipeEnd) isClosed() bool {
	select {
	case <-e.p.closed:
		return true
	default:
		return false
	}
}

// Read blocks for one frame, then takes whatever else is queued up to
// len(bufs). A queued frame that does not fit its buffer is dropped, not
// truncated.
func (e *PipeEnd) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	if offset < tun.Headroom || len(sizes) < len(bufs) {
		return 0, fmt.Errorf("read %s: offset below tun.Headroom or too few sizes", e.name)
	}
	n := 0
	for n == 0 {
		select {
		case <-e.p.closed:
			return 0, fmt.Errorf("read %s: %w", e.name, tun.ErrClosed)
		case f := <-e.in.data:
			n = e.take(f, bufs, sizes, offset, n)
		}
	}
	for n < len(bufs) {
		select {
		case f := <-e.in.data:
			n = e.take(f, bufs, sizes, offset, n)
		default:
			return n, nil
		}
	}
	return n, nil
}

// take copies f into bufs[n] and returns the new count.
func (e *PipeEnd) take(f frame, bufs [][]byte, sizes []int, offset, n int) int {
	ok := len(bufs[n]) >= offset+f.n
	if ok {
		sizes[n] = copy(bufs[n][offset:], f.buf[:f.n])
	} else {
		e.TooBig.Add(1)
	}
	e.in.free <- f.buf // never blocks: free has room for every buffer
	if ok {
		return n + 1
	}
	return n
}

// Write queues copies of bufs[i][offset:]; it never blocks. It returns
// len(bufs) unless the pipe is closed: frames dropped as too big or for a
// full queue are counted, as a kernel device counts its drops.
func (e *PipeEnd) Write(bufs [][]byte, offset int) (int, error) {
	for i, b := range bufs {
		if e.isClosed() {
			return i, fmt.Errorf("write %s: %w", e.name, tun.ErrClosed)
		}
		if len(b) < offset {
			return i, fmt.Errorf("write %s: buffer shorter than offset", e.name)
		}
		pkt := b[offset:]
		var buf []byte
		select {
		case buf = <-e.out.free:
		default:
			e.Dropped.Add(1)
			continue
		}
		if len(pkt) > len(buf) {
			e.out.free <- buf
			e.TooBig.Add(1)
			continue
		}
		e.out.data <- frame{buf: buf, n: copy(buf, pkt)}
	}
	return len(bufs), nil
}
