// Package l2switch is the learning switch behind tuntap's TAP mode and its
// stand-alone virtual switch: MAC learning with ageing, per-port and total
// caps, anti-spoofing lists, split-horizon flooding. It is pure code with no
// I/O; the caller passes the clock.
//
// It is generic over the port type so that it knows nothing of the engine: a
// port may be the local TAP device, a peer, or a tap of the stand-alone
// switch. A port returned by Forward other than the local device means hub
// forwarding: the engine sends the frame straight on to that peer.
//
// Per frame received on port p the caller does:
//
//	if r := sw.Learn(p, hdr.Src, now); r.Drop() { count r; drop }
//	out, flooded := sw.Forward(p, hdr.Dst, now, out[:0])
//
// Learn and Forward may run from many goroutines at once and allocate nothing
// when the source is already known. The table is sharded by MAC with a
// read-write lock per shard; a known source is refreshed under the read lock
// with an atomic store, so steady-state traffic only ever takes read locks.
// Every learned MAC costs one bounded allocation, and the table is bounded
// by Config.MaxMACs and per port by Config.MaxMACsPerPort, so no stream of
// frames makes it grow without limit. Stale entries are ignored at once and
// freed by Expire, which the caller runs periodically (every few seconds).
package l2switch

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults used for zero or negative Config fields.
const (
	DefaultAgeing         = 300 * time.Second // IEEE 802.1D default ageing time
	DefaultMaxMACsPerPort = 256
	DefaultMaxMACs        = 65536
)

// ErrUnknownPort is returned for a port that was never added, or was removed.
var ErrUnknownPort = errors.New("l2switch: unknown port")

// Config bounds the switch. The zero value takes every default.
type Config struct {
	// Ageing is how long a MAC stays learned without being seen as a source.
	Ageing time.Duration
	// MaxMACsPerPort caps what one port can make the switch learn, so a peer
	// flooding random source MACs cannot evict everyone else's entries.
	// SetPortLimit overrides it per port (a local bridge may front a LAN).
	MaxMACsPerPort int
	// MaxMACs bounds the whole table, and so the memory it holds.
	MaxMACs int
}

func (c Config) withDefaults() Config {
	if c.Ageing <= 0 {
		c.Ageing = DefaultAgeing
	}
	if c.MaxMACsPerPort <= 0 {
		c.MaxMACsPerPort = DefaultMaxMACsPerPort
	}
	if c.MaxMACs <= 0 {
		c.MaxMACs = DefaultMaxMACs
	}
	return c
}

const shardBits = 4

// Switch is a learning switch over ports of type P. Use New.
type Switch[P comparable] struct {
	cfg          Config
	ageing       int64 // nanoseconds
	refreshEvery int64 // nanoseconds between stores of a known source's last-seen time
	total        atomic.Int64
	shards       [1 << shardBits]shard[P]

	portsMu sync.Mutex // serialises changes to ports; readers use the snapshot
	ports   atomic.Pointer[portSet[P]]

	c counters
}

type shard[P comparable] struct {
	mu sync.RWMutex
	m  map[[6]byte]*entry[P]
	_  [32]byte // keep neighbouring shard locks off one cache line
}

type entry[P comparable] struct {
	port P
	ps   *portState // identifies the port's lifetime: a re-added port is a new one
	seen atomic.Int64
}

type portState struct {
	macs    atomic.Int64
	limit   atomic.Int64
	removed atomic.Bool
	allowed atomic.Pointer[map[[6]byte]struct{}] // nil: any source
}

// portSet is an immutable snapshot: flooding reads list without a lock.
type portSet[P comparable] struct {
	byPort map[P]*portState
	list   []P
}

// New returns an empty switch with no ports.
func New[P comparable](cfg Config) *Switch[P] {
	cfg = cfg.withDefaults()
	s := &Switch[P]{cfg: cfg, ageing: int64(cfg.Ageing)}
	s.refreshEvery = min(int64(time.Second), s.ageing/64)
	for i := range s.shards {
		s.shards[i].m = make(map[[6]byte]*entry[P])
	}
	s.ports.Store(&portSet[P]{byPort: map[P]*portState{}})
	return s
}

// Config returns the configuration in force, defaults filled in.
func (s *Switch[P]) Config() Config { return s.cfg }

// AddPort makes p a port: frames are flooded to it and MACs learned on it.
// Adding a port twice is a no-op.
func (s *Switch[P]) AddPort(p P) {
	s.portsMu.Lock()
	defer s.portsMu.Unlock()
	old := s.ports.Load()
	if old.byPort[p] != nil {
		return
	}
	ps := &portState{}
	ps.limit.Store(int64(s.cfg.MaxMACsPerPort))
	next := &portSet[P]{byPort: make(map[P]*portState, len(old.byPort)+1), list: append(old.list[:len(old.list):len(old.list)], p)}
	for k, v := range old.byPort {
		next.byPort[k] = v
	}
	next.byPort[p] = ps
	s.ports.Store(next)
}

// RemovePort removes p and forgets every MAC learned on it. A Forward that
// raced with it may still name p once; the caller drops frames for a port it
// no longer has.
func (s *Switch[P]) RemovePort(p P) {
	s.portsMu.Lock()
	old := s.ports.Load()
	ps := old.byPort[p]
	if ps == nil {
		s.portsMu.Unlock()
		return
	}
	next := &portSet[P]{byPort: make(map[P]*portState, len(old.byPort))}
	for _, k := range old.list { // keep the flooding order stable
		if k != p {
			next.byPort[k] = old.byPort[k]
			next.list = append(next.list, k)
		}
	}
	// Mark before sweeping: a Learn that inserts after the sweep of its
	// shard sees the mark under that shard's lock and refuses.
	ps.removed.Store(true)
	s.ports.Store(next)
	s.portsMu.Unlock()
	s.sweep(func(e *entry[P], _ [6]byte) bool { return e.ps == ps })
}

// SetAllowedMACs restricts the source MACs that port p may use: Learn then
// returns RefusedNotAllowed for any other source, and the caller drops the
// frame. Entries already learned on p outside the list are forgotten. An
// empty list lifts the restriction.
func (s *Switch[P]) SetAllowedMACs(p P, macs [][6]byte) error {
	ps := s.ports.Load().byPort[p]
	if ps == nil {
		return fmt.Errorf("set allowed MACs: %w", ErrUnknownPort)
	}
	if len(macs) == 0 {
		ps.allowed.Store(nil)
		return nil
	}
	set := make(map[[6]byte]struct{}, len(macs))
	for _, m := range macs {
		set[m] = struct{}{}
	}
	ps.allowed.Store(&set)
	s.sweep(func(e *entry[P], mac [6]byte) bool {
		_, ok := set[mac]
		return e.ps == ps && !ok
	})
	return nil
}

// SetPortLimit sets how many MACs port p may have learned at once (limit <= 0
// restores the default), in place
// of Config.MaxMACsPerPort; the local TAP port of a bridged LAN needs more
// than a single peer. Entries already over a lowered limit stay until they
// age out.
func (s *Switch[P]) SetPortLimit(p P, limit int) error {
	ps := s.ports.Load().byPort[p]
	if ps == nil {
		return fmt.Errorf("set port limit: %w", ErrUnknownPort)
	}
	if limit <= 0 {
		limit = s.cfg.MaxMACsPerPort
	}
	ps.limit.Store(int64(limit))
	return nil
}

// Ports returns the current ports in the order they were added.
func (s *Switch[P]) Ports() []P {
	return append([]P(nil), s.ports.Load().list...)
}

// sweep deletes the entries for which drop is true, one shard at a time,
// and returns how many it deleted.
func (s *Switch[P]) sweep(drop func(e *entry[P], mac [6]byte) bool) int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for mac, e := range sh.m {
			if drop(e, mac) {
				s.deleteLocked(sh, mac, e)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

func (s *Switch[P]) deleteLocked(sh *shard[P], mac [6]byte, e *entry[P]) {
	delete(sh.m, mac)
	e.ps.macs.Add(-1)
	s.total.Add(-1)
}

func (s *Switch[P]) shardOf(m [6]byte) *shard[P] {
	x := uint64(m[0]) | uint64(m[1])<<8 | uint64(m[2])<<16 |
		uint64(m[3])<<24 | uint64(m[4])<<32 | uint64(m[5])<<40
	x *= 0x9E3779B97F4A7C15 // Fibonacci hashing: the top bits mix every byte
	return &s.shards[x>>(64-shardBits)]
}

func (s *Switch[P]) fresh(e *entry[P], now int64) bool {
	return now-e.seen.Load() <= s.ageing
}

// tryInc adds one to n unless that would pass limit.
func tryInc(n *atomic.Int64, limit int64) bool {
	for {
		c := n.Load()
		if c >= limit {
			return false
		}
		if n.CompareAndSwap(c, c+1) {
			return true
		}
	}
}
