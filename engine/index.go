package engine

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
)

// indexTable maps our local session indexes (the receiver index of incoming
// messages) to a pending handshake or a live session.
type indexTable struct {
	mu sync.RWMutex
	m  map[uint32]indexEntry
}

type indexEntry struct {
	peer *Peer
	sess *session // nil while the handshake is pending
}

func (t *indexTable) init() { t.m = make(map[uint32]indexEntry) }

// add reserves a fresh random index for peer.
func (t *indexTable) add(p *Peer) uint32 {
	var b [4]byte
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		rand.Read(b[:])
		idx := binary.LittleEndian.Uint32(b[:])
		if _, taken := t.m[idx]; !taken && idx != 0 {
			t.m[idx] = indexEntry{peer: p}
			return idx
		}
	}
}

func (t *indexTable) setSession(idx uint32, s *session) {
	t.mu.Lock()
	t.m[idx] = indexEntry{peer: s.peer, sess: s}
	t.mu.Unlock()
}

func (t *indexTable) remove(idx uint32) {
	t.mu.Lock()
	delete(t.m, idx)
	t.mu.Unlock()
}

func (t *indexTable) get(idx uint32) indexEntry {
	t.mu.RLock()
	e := t.m[idx]
	t.mu.RUnlock()
	return e
}
