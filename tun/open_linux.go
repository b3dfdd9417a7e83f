package tun

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

const tunPath = "/dev/net/tun"

// Iface is an open TUN or TAP device with one or more queues. As a Device it
// reads and writes through queue 0; a multi-queue user drives Queues()
// directly, one goroutine per queue.
type Iface struct {
	name  string
	index int
	kind  Kind
	flags uint16
	mtu   atomic.Int64
	q0    *Queue

	mu     sync.Mutex
	queues []*Queue
	closed bool
}

var _ Device = (*Iface)(nil)

// Open creates the device described by cfg, or attaches to an existing
// device of that name (a persistent one, or another queue of a multi-queue
// one). Open and SetMTU act in the calling thread's network namespace.
func Open(cfg Config) (*Iface, error) {
	name := cfg.Name
	if name == "" {
		name = cfg.Kind.pattern()
	}
	if err := validate(cfg, name); err != nil {
		return nil, fmt.Errorf("open %s device: %w", cfg.Kind, err)
	}
	fd, actual, err := openQueueFD(name, flagsFor(cfg))
	if err != nil {
		return nil, err
	}
	ifc := &Iface{name: actual, kind: cfg.Kind, flags: flagsFor(cfg)}
	if err := ifc.setup(fd, cfg); err != nil {
		unix.Close(fd)
		return nil, err
	}
	ifc.q0 = newQueue(fd, ifc)
	ifc.queues = append(ifc.queues, ifc.q0)
	for len(ifc.queues) < max(1, cfg.Queues) {
		if _, err := ifc.AddQueue(); err != nil {
			ifc.Close()
			return nil, err
		}
	}
	if cfg.Persist {
		// Last, so that a failed Open never leaves a persistent device behind.
		if err := ifc.q0.control(unix.TUNSETPERSIST, 1); err != nil {
			ifc.Close()
			return nil, fmt.Errorf("TUNSETPERSIST %s: %w", actual, err)
		}
	}
	return ifc, nil
}

func validate(cfg Config, name string) error {
	if cfg.Kind != TUN && cfg.Kind != TAP {
		return fmt.Errorf("unknown kind %d", int(cfg.Kind))
	}
	if cfg.MTU < 0 || cfg.Queues < 0 {
		return fmt.Errorf("negative MTU (%d) or queue count (%d)", cfg.MTU, cfg.Queues)
	}
	return checkName(name)
}

func flagsFor(cfg Config) uint16 {
	flags := uint16(unix.IFF_NO_PI)
	if cfg.Kind == TAP {
		flags |= unix.IFF_TAP
	} else {
		flags |= unix.IFF_TUN
	}
	if cfg.Queues > 1 {
		flags |= unix.IFF_MULTI_QUEUE
	}
	if cfg.VnetHdr {
		flags |= unix.IFF_VNET_HDR
	}
	return flags
}

// openQueueFD opens /dev/net/tun non-blocking (so that Go's poller drives
// it) and binds it to the device. On failure it closes what it opened.
func openQueueFD(name string, flags uint16) (int, string, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return -1, "", fmt.Errorf("interface name %q: %w (%w)", name, ErrBadName, err)
	}
	ifr.SetUint16(flags)
	fd, err := unix.Open(tunPath, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", openError("open "+tunPath, err, false)
	}
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return -1, "", openError("TUNSETIFF "+name, err, true)
	}
	return fd, ifr.Name(), nil
}

// setup applies the per-device settings through the first descriptor.
func (ifc *Iface) setup(fd int, cfg Config) error {
	if cfg.Persist && cfg.Owner >= 0 {
		if err := unix.IoctlSetInt(fd, unix.TUNSETOWNER, cfg.Owner); err != nil {
			return openError("TUNSETOWNER "+ifc.name, err, false)
		}
	}
	if cfg.Persist && cfg.Group >= 0 {
		if err := unix.IoctlSetInt(fd, unix.TUNSETGROUP, cfg.Group); err != nil {
			return openError("TUNSETGROUP "+ifc.name, err, false)
		}
	}
	if cfg.MTU > 0 {
		if err := setIfMTU(ifc.name, cfg.MTU); err != nil {
			return err
		}
	}
	mtu, err := ifMTU(ifc.name)
	if err != nil {
		return err
	}
	ifc.mtu.Store(int64(mtu))
	ifc.index, err = ifIndex(ifc.name)
	return err
}

// AddQueue attaches one more descriptor to a multi-queue device.
func (ifc *Iface) AddQueue() (*Queue, error) {
	if ifc.flags&unix.IFF_MULTI_QUEUE == 0 {
		return nil, fmt.Errorf("add queue to %s: device is not multi-queue (open it with Queues > 1)", ifc.name)
	}
	ifc.mu.Lock()
	defer ifc.mu.Unlock()
	if ifc.closed {
		return nil, fmt.Errorf("add queue to %s: %w", ifc.name, ErrClosed)
	}
	fd, _, err := openQueueFD(ifc.name, ifc.flags)
	if err != nil {
		return nil, err
	}
	q := newQueue(fd, ifc)
	ifc.queues = append(ifc.queues, q)
	return q, nil
}

// SetMTU changes the device's MTU (through an ioctl in the calling thread's
// network namespace) and what MTU reports.
func (ifc *Iface) SetMTU(mtu int) error {
	if err := setIfMTU(ifc.name, mtu); err != nil {
		return err
	}
	ifc.mtu.Store(int64(mtu))
	return nil
}

// Close closes every queue. The kernel removes the device unless it is
// persistent.
func (ifc *Iface) Close() error {
	ifc.mu.Lock()
	defer ifc.mu.Unlock()
	ifc.closed = true
	var errs []error
	for _, q := range ifc.queues {
		errs = append(errs, q.Close())
	}
	return errors.Join(errs...)
}

// Queues returns the open queues, queue 0 first.
func (ifc *Iface) Queues() []*Queue {
	ifc.mu.Lock()
	defer ifc.mu.Unlock()
	return append([]*Queue(nil), ifc.queues...)
}

func (ifc *Iface) Name() string { return ifc.name }
func (ifc *Iface) Index() int   { return ifc.index }
func (ifc *Iface) Kind() Kind   { return ifc.kind }

// MTU is the MTU at Open, or as last set by SetMTU.
func (ifc *Iface) MTU() int       { return int(ifc.mtu.Load()) }
func (ifc *Iface) BatchSize() int { return DefaultBatchSize }

func (ifc *Iface) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	return ifc.q0.Read(bufs, sizes, offset)
}

func (ifc *Iface) Write(bufs [][]byte, offset int) (int, error) {
	return ifc.q0.Write(bufs, offset)
}
