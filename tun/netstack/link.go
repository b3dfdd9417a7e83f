package netstack

import (
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// link is the stack's only NIC. Outbound packets are queued by reference
// (no clone, no copy) and copied once, straight into the caller's buffer, by
// Stack.Read. The queue is bounded: when the engine falls behind, the sender
// waits for room, as a kernel socket waits on a full qdisc. Dropping at once
// instead made parallel TCP flows starve each other: whichever flow had to
// retransmit found the queue refilled by the others, lost the retransmission
// too, and backed its RTO off for seconds. Only a queue stuck past
// maxQueueWait drops (and counts) packets.
type link struct {
	mtu    uint32
	queue  chan *stack.PacketBuffer
	closed <-chan struct{}

	mu         sync.RWMutex
	dispatcher stack.NetworkDispatcher

	dropQueueFull atomic.Uint64
}

var _ stack.LinkEndpoint = (*link)(nil)

// maxQueueWait bounds how long a sender waits for room. It only matters when
// nothing drains the queue for that long: two stacks pumped into each other
// (netstacktest.Pair) could otherwise wait on each other forever.
const maxQueueWait = 500 * time.Millisecond

func newLink(mtu, queueLen int, closed <-chan struct{}) *link {
	return &link{mtu: uint32(mtu), queue: make(chan *stack.PacketBuffer, queueLen), closed: closed}
}

// WritePackets waits while the queue is full (see link), never past close.
func (l *link) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	n := 0
	var timer *time.Timer
	for _, pkt := range pkts.AsSlice() {
		select {
		case l.queue <- pkt.IncRef():
			n++
			continue
		default:
		}
		if timer == nil { // a timer only once the queue is full
			timer = time.NewTimer(maxQueueWait)
			defer timer.Stop()
		}
		if l.wait(pkt, timer) {
			n++
			continue
		}
		pkt.DecRef()
		l.dropQueueFull.Add(1)
	}
	if n == 0 {
		return 0, &tcpip.ErrNoBufferSpace{}
	}
	return n, nil
}

// wait queues pkt once there is room. It reports false if the stack closed
// or the timer fired; a fired timer is re-armed to fire at once, so the rest
// of a stuck batch does not wait maxQueueWait again.
func (l *link) wait(pkt *stack.PacketBuffer, timer *time.Timer) bool {
	select {
	case l.queue <- pkt:
		return true
	case <-l.closed:
		return false
	case <-timer.C:
		timer.Reset(0)
		return false
	}
}

// inject hands one inbound IP packet to the stack. The bytes are copied into
// gVisor's pooled chunks, so the caller may reuse pkt at once.
func (l *link) inject(proto tcpip.NetworkProtocolNumber, pkt []byte) {
	l.mu.RLock()
	d := l.dispatcher
	l.mu.RUnlock()
	if d == nil {
		return
	}
	pb := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(pkt)})
	d.DeliverNetworkPacket(proto, pb)
	pb.DecRef()
}

// copyPacket copies the whole packet into dst without allocating; it reports
// false when dst is too small.
func copyPacket(dst []byte, pkt *stack.PacketBuffer) (int, bool) {
	size := pkt.Size()
	if size > len(dst) {
		return 0, false
	}
	views, skip := pkt.AsViewList()
	n := 0
	for v := views.Front(); v != nil && n < size; v = v.Next() {
		b := v.AsSlice()
		if skip >= len(b) {
			skip -= len(b)
			continue
		}
		n += copy(dst[n:size], b[skip:])
		skip = 0
	}
	return n, n == size
}

// drain releases queued packets once the device is closed.
func (l *link) drain() {
	for {
		select {
		case pkt := <-l.queue:
			pkt.DecRef()
		default:
			return
		}
	}
}

func (l *link) MTU() uint32                      { return l.mtu }
func (l *link) SetMTU(mtu uint32)                {}
func (l *link) MaxHeaderLength() uint16          { return 0 }
func (l *link) LinkAddress() tcpip.LinkAddress   { return "" }
func (l *link) SetLinkAddress(tcpip.LinkAddress) {}

// Capabilities: received checksums are not verified again. Every packet
// the engine hands over was authenticated by the peer's AEAD, as in kernel
// mode (gso.TrustChecksums) and kernel WireGuard.
func (l *link) Capabilities() stack.LinkEndpointCapabilities {
	return stack.CapabilityRXChecksumOffload
}
func (l *link) Wait()                                   {}
func (l *link) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareNone }
func (l *link) AddHeader(*stack.PacketBuffer)           {}
func (l *link) ParseHeader(*stack.PacketBuffer) bool    { return true }
func (l *link) Close()                                  {}
func (l *link) SetOnCloseAction(func())                 {}

func (l *link) Attach(d stack.NetworkDispatcher) {
	l.mu.Lock()
	l.dispatcher = d
	l.mu.Unlock()
}

func (l *link) IsAttached() bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.dispatcher != nil
}
