// Package chandev is an in-memory tun.Device for tests of the engine without
// root: packets written by the engine appear on Out, packets sent on In are
// read by the engine.
package chandev

import (
	"sync"

	"github.com/tuntap/tuntap/tun"
)

// Device is a channel-backed tun.Device.
type Device struct {
	In   chan []byte // packets the "kernel" sends into the tunnel
	Out  chan []byte // packets the engine delivered
	kind tun.Kind
	mtu  int
	name string

	once   sync.Once
	closed chan struct{}
}

// New returns a device with buffered channels.
func New(name string, kind tun.Kind, mtu int) *Device {
	return &Device{In: make(chan []byte, 1024), Out: make(chan []byte, 1024), kind: kind, mtu: mtu, name: name, closed: make(chan struct{})}
}

func (d *Device) Kind() tun.Kind { return d.kind }
func (d *Device) Name() string   { return d.name }
func (d *Device) MTU() int       { return d.mtu }
func (d *Device) BatchSize() int { return 16 }

func (d *Device) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	select {
	case <-d.closed:
		return 0, tun.ErrClosed
	case p := <-d.In:
		n := 0
		for {
			sizes[n] = copy(bufs[n][offset:], p)
			n++
			if n == len(bufs) {
				return n, nil
			}
			select {
			case p = <-d.In:
			default:
				return n, nil
			}
		}
	}
}

func (d *Device) Write(bufs [][]byte, offset int) (int, error) {
	for i, b := range bufs {
		select {
		case <-d.closed:
			return i, tun.ErrClosed
		default:
		}
		select {
		case d.Out <- append([]byte(nil), b[offset:]...):
		default: // a full "kernel queue" drops, as a real one does
		}
	}
	return len(bufs), nil
}

func (d *Device) Close() error {
	d.once.Do(func() { close(d.closed) })
	return nil
}
