// Package engine is the data plane: it joins a packet device (TUN, TAP or the
// user-space stack), a forwarder (allowed IPs or the layer-2 switch) and a
// transport (UDP) with the WireGuard protocol of package noise.
//
// Out: Device.Read(batch) -> Forwarder.Outbound -> peer -> counter -> seal in
// place -> Transport.Send(batch per peer). In: Transport.Recv(batch) ->
// handshake queue (bounded, its own goroutine) or open in place -> replay
// window -> Forwarder.Inbound -> Device.Write(batch). Each direction runs to
// completion in one goroutine per device queue or socket: no hand-off per
// packet, which is where a two-core machine loses the most.
package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/ratelimit"
	"github.com/tuntap/tuntap/transport"
	"github.com/tuntap/tuntap/tun"
)

// Config is what the engine needs to start.
type Config struct {
	PrivateKey noise.PrivateKey
	ListenPort uint16
	// Listen opens the transport; the engine calls it again when the port
	// changes. Nil means transport.ListenUDP.
	Listen func(port uint16) (transport.Transport, error)
	// Devices are the queues of one device; the engine reads each in its own
	// goroutine and owns them from now on (Close closes them).
	Devices []tun.Device
	// Forwarder picks peers for packets; nil means layer 3 (allowed IPs).
	Forwarder Forwarder
	Logger    *slog.Logger
	// Now is the clock; nil means time.Now. Tests pass a fake one.
	Now func() time.Time
	// TickInterval is how often peer timers are evaluated (default 100 ms);
	// negative disables the ticker (tests call Tick themselves).
	TickInterval time.Duration
}

// Engine is one running interface. Its methods are safe for concurrent use.
type Engine struct {
	log    *slog.Logger
	now    func() time.Time
	devs   []tun.Device
	fwd    Forwarder
	listen func(port uint16) (transport.Transport, error)

	// inner is the largest plaintext before padding, from the device MTU;
	// bufSize is the size of a packet buffer for it. Both follow SetMTU
	// (bufSize only grows): each reader compares its buffers with bufSize
	// once per batch and reallocates its own when the MTU went up.
	inner   atomic.Int64
	bufSize atomic.Int64

	// mu guards the configuration: identity, peers, transport swaps.
	mu         sync.RWMutex
	static     *noise.Static
	cookie     *noise.CookieChecker
	peers      map[noise.PublicKey]*Peer
	port       uint16
	fwmark     uint32
	tr         atomic.Pointer[trHolder]
	indexes    indexTable
	limiter    *ratelimit.Limiter
	hs         handshakeQueue
	hsScratch  [noise.MessageInitiationSize]byte
	hsOut      [1][]byte
	underLoad  atomic.Int64 // unix nanos until which we consider ourselves under load
	Counters   Counters
	closed     chan struct{}
	failed     chan error
	closeOnce  sync.Once
	wg         sync.WaitGroup
	modeWarned atomic.Bool
	// cfgMu serialises configuration changes (control socket clients run
	// concurrently), so that one change sees the previous one whole.
	cfgMu sync.Mutex
	// hasKey: a private key was given (a zero key clamps to a valid one,
	// so the static key itself cannot tell).
	hasKey     atomic.Bool
	curStatic  atomic.Pointer[noise.Static]
	loopWarned atomic.Bool
	// tooBigWarned: the too-big warning was logged.
	tooBigWarned atomic.Bool // the routing-loop warning was logged
}

type trHolder struct{ t transport.Transport }

// SetMTU makes the engine follow the device's MTU, set at start and
// whenever the link changes (wg-quick sets it after creating the device;
// users raise it with ip link): packets up to it are carried, padding stays
// within it, and the buffers grow to hold it.
func (e *Engine) SetMTU(mtu int) {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	inner := e.fwd.MaxPayload(mtu)
	if size := int64(tun.Headroom + inner + 2*noise.TagSize); size > e.bufSize.Load() {
		e.bufSize.Store(size)
	}
	e.inner.Store(int64(inner))
	e.tooBigWarned.Store(false)
}

// MTU is the device MTU the engine currently carries.
func (e *Engine) MTU() int { return int(e.inner.Load()) - (e.fwd.MaxPayload(0)) }

// New starts an engine: it opens the transport and the goroutines that read
// the device queues, the transport, handshakes and timers.
func New(cfg Config) (*Engine, error) {
	if len(cfg.Devices) == 0 {
		return nil, errors.New("engine: no device")
	}
	e := &Engine{
		log:    cfg.Logger,
		now:    cfg.Now,
		devs:   cfg.Devices,
		fwd:    cfg.Forwarder,
		listen: cfg.Listen,
		peers:  make(map[noise.PublicKey]*Peer),
		closed: make(chan struct{}),
		failed: make(chan error, 1),
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.listen == nil {
		e.listen = func(port uint16) (transport.Transport, error) { return transport.ListenUDP(port) }
	}
	if e.fwd == nil {
		e.fwd = NewRouted()
	}
	e.SetMTU(cfg.Devices[0].MTU())
	e.indexes.init()
	e.limiter = ratelimit.New(handshakesPerSecond, handshakeBurst, rateLimitEntries)
	e.hs.init(handshakeQueueLen)
	e.setIdentity(cfg.PrivateKey)
	if err := e.bind(cfg.ListenPort); err != nil {
		return nil, err
	}
	for _, d := range e.devs {
		e.wg.Add(1)
		go e.readDevice(d)
	}
	e.wg.Add(1)
	go e.handshakeLoop()
	if cfg.TickInterval >= 0 {
		iv := cfg.TickInterval
		if iv == 0 {
			iv = 100 * time.Millisecond
		}
		e.wg.Add(1)
		go e.tickLoop(iv)
	}
	return e, nil
}

const (
	handshakeQueueLen   = 1024
	handshakesPerSecond = 20
	handshakeBurst      = 5
	rateLimitEntries    = 8192
	stagedMax           = 128
)

func (e *Engine) transport() transport.Transport { return e.tr.Load().t }

// bind opens the transport on port and starts its reader. The old transport,
// if any, is closed: its reader ends on the closed error.
func (e *Engine) bind(port uint16) error {
	t, err := e.listen(port)
	if err != nil {
		return fmt.Errorf("listen on UDP port %d: %w", port, err)
	}
	if e.fwmark != 0 {
		if err := markTransport(t, e.fwmark); err != nil {
			t.Close()
			return err
		}
	}
	if e.isClosed() {
		t.Close()
		return net.ErrClosed
	}
	old := e.tr.Swap(&trHolder{t})
	e.port = t.Port()
	if old != nil {
		old.t.Close()
	}
	e.wg.Add(1)
	go e.readTransport(t)
	return nil
}

// Port is the UDP port the engine listens on.
func (e *Engine) Port() uint16 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.port
}

// Close stops every goroutine, closes the transport and the devices, and
// zeroes all keys. It is idempotent and returns when everything has stopped.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		close(e.closed)
		e.transport().Close()
		for _, d := range e.devs {
			d.Close()
		}
		e.hs.close()
		e.wg.Wait()
		e.mu.Lock()
		for _, p := range e.peers {
			p.zeroKeys()
		}
		e.mu.Unlock()
	})
	return nil
}

const maxDeviceFailures = 10

// Failed delivers the error that stopped the engine on its own (the device
// went away); the owner then closes it.
func (e *Engine) Failed() <-chan error { return e.failed }

func (e *Engine) fail(err error) {
	select {
	case e.failed <- err:
	default:
	}
}

func (e *Engine) isClosed() bool {
	select {
	case <-e.closed:
		return true
	default:
		return false
	}
}

func isClosedErr(err error) bool { return errors.Is(err, net.ErrClosed) }

func (e *Engine) tickLoop(iv time.Duration) {
	defer e.wg.Done()
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-e.closed:
			return
		case <-t.C:
			e.Tick()
		}
	}
}

// Tick runs every peer's timers once at the engine's clock.
func (e *Engine) Tick() {
	now := e.now()
	e.mu.RLock()
	peers := make([]*Peer, 0, len(e.peers))
	for _, p := range e.peers {
		peers = append(peers, p)
	}
	e.mu.RUnlock()
	for _, p := range peers {
		p.tick(now)
	}
	e.fwd.Tick(now)
}

func jitter() time.Duration { return time.Duration(rand.Int64N(int64(333 * time.Millisecond))) }

// sendFrom sends datagrams to ep on the current transport, from local
// address src when it is valid and the transport can choose. If src has
// gone (the address was removed), the kernel chooses instead.
func (e *Engine) sendFrom(msgs [][]byte, ep netip.AddrPort, src netip.Addr) error {
	t := e.transport()
	var err error
	if st, ok := t.(transport.Sticky); ok && src.IsValid() {
		if err = st.SendFrom(msgs, ep, src); err == nil {
			return nil
		}
	}
	if err = t.Send(msgs, ep); err != nil {
		e.Counters.drops[DropSendFailed].Add(uint64(len(msgs)))
	}
	return err
}
