// Package tun opens and drives the kernel's TUN and TAP devices, and defines
// Device, the batch-first packet interface that the engine drives. TUN, TAP and
// the user-space stack (tun/netstack) all implement Device, so the engine never
// asks which one it has.
package tun

import (
	"errors"
	"net"
)

// Kind says what a device carries.
type Kind int

const (
	// TUN devices carry IP packets (layer 3).
	TUN Kind = iota
	// TAP devices carry Ethernet frames (layer 2).
	TAP
)

func (k Kind) String() string {
	if k == TAP {
		return "tap"
	}
	return "tun"
}

// Headroom is the least offset a caller of Device.Read and Device.Write must
// leave before each packet. Devices may use those bytes as scratch (for example
// for a virtio-net header), and the engine uses them for the WireGuard data
// header, so that packets are encrypted in place without a copy.
const Headroom = 32

// Device is a packet device: a TUN or TAP queue, or the user-space stack.
//
// Read reads at least one and at most len(bufs) packets. Packet i is written to
// bufs[i][offset:] and its length to sizes[i]. It returns the number of packets.
// A device with offloads may turn one kernel super-packet into many packets in
// one call. It blocks until a packet arrives or the device is closed.
//
// Write writes the packets bufs[i][offset:] and returns how many were written.
// The bytes of bufs[i] before offset may be overwritten. offset must be at
// least Headroom for both calls.
//
// Close contract: Close makes blocked Read and Write calls return promptly with
// an error that matches ErrClosed (errors.Is). Close is idempotent. Read and
// Write after Close return ErrClosed. Read and Write may be called from
// different goroutines at the same time; two concurrent Reads are not allowed.
type Device interface {
	Kind() Kind
	Name() string
	// MTU is the largest packet (TUN: IP packet; TAP: Ethernet payload) the
	// device accepts, as configured.
	MTU() int
	// BatchSize is the most packets one Read can return; callers size bufs to it.
	BatchSize() int
	Read(bufs [][]byte, sizes []int, offset int) (int, error)
	Write(bufs [][]byte, offset int) (int, error)
	Close() error
}

// ErrClosed is returned by operations on a closed device.
var ErrClosed = net.ErrClosed

// Typed causes for a failed open, matched with errors.Is. tuntap check and the
// fallback to the user-space stack rely on them to say why and what to do.
var (
	ErrNoNode       = errors.New("/dev/net/tun does not exist")
	ErrNoDriver     = errors.New("tun driver not available (ENODEV)")
	ErrNotPermitted = errors.New("not permitted to create TUN/TAP devices (EPERM)")
	ErrBusy         = errors.New("device busy (EBUSY)")
	ErrBadName      = errors.New("invalid or taken interface name")
	ErrNotSupported = errors.New("TUN/TAP devices are not supported on this OS")
)

// DropReporter is implemented by devices that drop packets themselves (too
// big for the caller's buffers, malformed from the kernel): the engine adds
// these counts to its own drop counters of the same names.
type DropReporter interface {
	Drops() map[string]uint64
}

// Coalescing is implemented by devices whose Write merges consecutive
// packets of one flow into the first one's buffer (GRO towards the kernel).
// Callers that want the merge give Write buffers of at least WriteCapacity
// bytes; with smaller ones packets are written one by one.
type Coalescing interface {
	WriteCapacity() int
}
