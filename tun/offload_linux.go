package tun

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/tuntap/tuntap/gso"
)

// Offload is a queue of a VnetHdr device with the kernel's segmentation
// offloads on: the kernel hands it TCP (and UDP) super-packets of up to 64 KB,
// which Read splits into MTU-sized packets, and Write merges runs of TCP
// segments back into super-packets, so the kernel's stack sees one packet
// where it would have seen dozens. Offload implements Device and Coalescing.
type Offload struct {
	q       *Queue
	l2      bool
	flags   int
	scratch []byte

	wmu  sync.Mutex
	coal *gso.Coalescer

	// Malformed counts super-packets the kernel sent that could not be split;
	// TooBig packets larger than the caller's buffers, dropped whole.
	Malformed, TooBig atomic.Uint64
}

// offloadBatch covers a 64 KB super-packet of the smallest IPv4 MSS (536).
const offloadBatch = 128

const maxSuperPacket = 65535 + 14 + 8 // IP packet plus Ethernet and two VLAN tags

// NewOffload turns on segmentation offloads for q, whose device must have
// been opened with VnetHdr. UDP offload is asked for and dropped if this
// kernel lacks it.
func NewOffload(q *Queue) (*Offload, error) {
	if q.iface.flags&unix.IFF_VNET_HDR == 0 {
		return nil, fmt.Errorf("offload on %s: device not opened with VnetHdr", q.iface.name)
	}
	flags := OffloadCsum | OffloadTSO4 | OffloadTSO6 | OffloadUSO4 | OffloadUSO6
	if err := q.SetOffloads(flags); err != nil {
		flags = OffloadCsum | OffloadTSO4 | OffloadTSO6
		if err := q.SetOffloads(flags); err != nil {
			return nil, err
		}
	}
	return &Offload{
		q:       q,
		l2:      q.iface.kind == TAP,
		flags:   flags,
		scratch: make([]byte, VnetHdrLen+maxSuperPacket),
		coal:    gso.NewCoalescer(offloadBatch),
	}, nil
}

// UDPOffload reports whether the kernel took USO.
func (o *Offload) UDPOffload() bool { return o.flags&OffloadUSO4 != 0 }

func (o *Offload) Kind() Kind         { return o.q.Kind() }
func (o *Offload) Name() string       { return o.q.Name() }
func (o *Offload) MTU() int           { return o.q.MTU() }
func (o *Offload) BatchSize() int     { return offloadBatch }
func (o *Offload) Close() error       { return o.q.Close() }
func (o *Offload) WriteCapacity() int { return Headroom + maxSuperPacket }
func (o *Offload) Queue() *Queue      { return o.q }
func (o *Offload) String() string     { return "offload(" + o.q.Name() + ")" }

// Read reads one packet from the kernel and splits it into bufs. A packet
// that cannot be split (malformed, or more segments than bufs) is dropped and
// counted, and Read waits for the next one.
func (o *Offload) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	for {
		n, err := o.q.ReadPacket(o.scratch)
		if err != nil {
			return 0, err
		}
		var h gso.VirtioNetHdr
		if n < VnetHdrLen || h.Decode(o.scratch[:VnetHdrLen]) != nil {
			o.Malformed.Add(1)
			continue
		}
		cnt, err := gso.Split(o.scratch[VnetHdrLen:n], h, o.l2, bufs, sizes, offset)
		if err != nil {
			switch {
			case errors.Is(err, gso.ErrTooFewBuffers) && h.GSOType == gso.GSONone:
				o.TooBig.Add(1) // one packet larger than a whole buffer
				continue
			case errors.Is(err, gso.ErrTooFewBuffers) || errors.Is(err, gso.ErrMalformed):
				o.Malformed.Add(1)
				continue
			}
			return 0, err
		}
		return cnt, nil
	}
}

// TrustChecksums lets Write merge TCP segments without verifying their
// checksums (gso.Coalescer.TrustChecksums): for a writer whose packets were
// authenticated end to end, such as a tunnel's decrypted packets.
func (o *Offload) TrustChecksums(on bool) {
	o.wmu.Lock()
	o.coal.TrustChecksums(on)
	o.wmu.Unlock()
}

// Write merges what it can of bufs and writes the result, each packet with
// its virtio-net header in the bytes before offset.
func (o *Offload) Write(bufs [][]byte, offset int) (int, error) {
	if offset < Headroom {
		return 0, errOffset
	}
	o.wmu.Lock()
	defer o.wmu.Unlock()
	for _, b := range o.coal.Coalesce(bufs, offset, o.l2) {
		if _, err := o.q.WritePacket(b[offset-VnetHdrLen:]); err != nil {
			return 0, err
		}
	}
	return len(bufs), nil
}

// Drops reports what Read dropped, for the engine's counters.
func (o *Offload) Drops() map[string]uint64 {
	return map[string]uint64{"too_big": o.TooBig.Load(), "malformed": o.Malformed.Load()}
}
