// Package vswitch is tuntap's stand-alone user-space Ethernet switch: it
// joins local TAP devices (the network cards of virtual machines) with the
// same learning switch (package l2switch) that tap-mode VPN interfaces use,
// and through a Pipe it makes a tap-mode VPN interface one more port, so
// that machines on two hosts share one segment.
//
// Each port has one goroutine that reads a batch of frames, learns their
// sources, and writes them on to their destination ports, grouped per port,
// in the same goroutine: no queue sits between ports, so a flood costs one
// write per port and frame and nothing piles up. TAP writes never block, and
// a Pipe drops when its bounded queue is full.
package vswitch

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuntap/tuntap/l2switch"
	"github.com/tuntap/tuntap/tun"
)

// Config sets up a Switch. The zero value takes every default.
type Config struct {
	// Ageing, MaxMACsPerPort and MaxMACs bound the MAC table as in
	// l2switch.Config.
	Ageing         time.Duration
	MaxMACsPerPort int
	MaxMACs        int
	Log            *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ExpireEvery is how often aged entries are freed (default 5 s).
	ExpireEvery time.Duration
}

// Port is one device of the switch.
type Port struct {
	dev      tun.Device
	name     string
	maxFrame int
	removed  atomic.Bool

	// RxFrames counts frames read from the device, TxFrames frames written
	// to it, TxErrors frames the device refused (for example while down).
	RxFrames, TxFrames, TxErrors atomic.Uint64
}

// Name is the device's name.
func (p *Port) Name() string { return p.name }

// Switch forwards frames between its ports. Its methods are safe for
// concurrent use.
type Switch struct {
	sw  *l2switch.Switch[*Port]
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	ports  []*Port
	closed bool

	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
	c    counters
}

type counters struct {
	malformed, refused, tooBig, txErrors atomic.Uint64
}

// Counters are the switch's own drop counts next to the table's.
type Counters struct {
	l2switch.Counters
	Malformed uint64 // shorter than an Ethernet header
	Refused   uint64 // refused by Learn: group, zero or not-allowed source
	TooBig    uint64 // larger than the destination port carries, or truncated on read
	TxErrors  uint64 // a destination device refused the frame
}

// New returns a switch with no ports; it starts ageing entries at once.
func New(cfg Config) *Switch {
	s := &Switch{
		sw:   l2switch.New[*Port](l2switch.Config{Ageing: cfg.Ageing, MaxMACsPerPort: cfg.MaxMACsPerPort, MaxMACs: cfg.MaxMACs}),
		log:  cfg.Log,
		now:  cfg.Now,
		done: make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	every := cfg.ExpireEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	s.wg.Add(1)
	go s.expireLoop(every)
	return s
}

// ErrClosed is returned by AddPort after Close.
var ErrClosed = errors.New("vswitch: switch closed")

// AddPort makes dev a port and starts reading it. The switch owns dev from
// now on: it closes it when the port fails or the switch closes.
func (s *Switch) AddPort(dev tun.Device) (*Port, error) {
	if dev.Kind() != tun.TAP {
		return nil, fmt.Errorf("add port %s: a %s device carries no Ethernet frames; the switch needs TAP devices", dev.Name(), dev.Kind())
	}
	mtu := dev.MTU()
	if mtu <= 0 {
		mtu = 1500
	}
	p := &Port{dev: dev, name: dev.Name(), maxFrame: MaxFrame(mtu)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("add port %s: %w", p.name, ErrClosed)
	}
	for _, q := range s.ports {
		if q.name == p.name {
			return nil, fmt.Errorf("add port %s: already a port of this switch", p.name)
		}
	}
	s.ports = append(s.ports, p)
	s.sw.AddPort(p)
	s.wg.Add(1)
	go s.readLoop(p)
	s.log.Info("port added", "port", p.name, "mtu", mtu)
	return p, nil
}

// Ports returns the current ports in the order they were added.
func (s *Switch) Ports() []*Port {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Port(nil), s.ports...)
}

// removePort forgets p and closes its device.
func (s *Switch) removePort(p *Port) {
	if !p.removed.CompareAndSwap(false, true) {
		return
	}
	s.sw.RemovePort(p)
	s.mu.Lock()
	for i, q := range s.ports {
		if q == p {
			s.ports = append(s.ports[:i:i], s.ports[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	p.dev.Close()
}

// Close stops every port and closes its device. It is idempotent and
// returns when every goroutine has ended.
func (s *Switch) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		ports := append([]*Port(nil), s.ports...)
		s.mu.Unlock()
		close(s.done)
		for _, p := range ports {
			p.dev.Close()
		}
		s.wg.Wait()
	})
	return nil
}

// Counters returns the counts so far.
func (s *Switch) Counters() Counters {
	return Counters{
		Counters:  s.sw.Counters(),
		Malformed: s.c.malformed.Load(),
		Refused:   s.c.refused.Load(),
		TooBig:    s.c.tooBig.Load(),
		TxErrors:  s.c.txErrors.Load(),
	}
}

// Entry is one learned MAC and the name of its port.
type Entry struct {
	MAC  [6]byte
	Port string
	Age  time.Duration
}

// Table returns the fresh entries, sorted by MAC.
func (s *Switch) Table() []Entry {
	t := s.sw.Table(s.now())
	out := make([]Entry, len(t))
	for i, e := range t {
		out[i] = Entry{MAC: e.MAC, Port: e.Port.name, Age: e.Age}
	}
	return out
}

func (s *Switch) expireLoop(every time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			if n := s.sw.Expire(s.now()); n > 0 {
				s.log.Debug("MACs aged out", "count", n)
			}
		}
	}
}
