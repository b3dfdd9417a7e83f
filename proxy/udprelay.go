package proxy

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

const (
	maxDatagram = 64 << 10
	// replyHeadroom is room before each reply for a SOCKS5 UDP header
	// (RSV FRAG ATYP, an IPv6 address, port), so it is added in place.
	replyHeadroom = 3 + 1 + 16 + 2
)

// udpTable relays datagrams over one connected UDP socket per flow (a client
// address for a forward, a destination for a SOCKS association). It holds at
// most max flows; a flow idle for longer than idle is closed. Datagrams for a
// new flow while the table is full are dropped and counted.
type udpTable struct {
	ctx   context.Context
	o     *Options
	dial  func(ctx context.Context, key string) (net.Conn, error)
	reply func(f *udpFlow, buf []byte, off int) error // payload is buf[off:]

	mu     sync.Mutex
	flows  map[string]*udpFlow
	closed bool
	wg     sync.WaitGroup
}

type udpFlow struct {
	key  string
	peer net.Addr // who gets the replies
	conn net.Conn
	last atomic.Int64 // unix nanoseconds of the last datagram either way
}

func newUDPTable(ctx context.Context, o *Options, dial func(context.Context, string) (net.Conn, error), reply func(*udpFlow, []byte, int) error) *udpTable {
	return &udpTable{ctx: ctx, o: o, dial: dial, reply: reply, flows: make(map[string]*udpFlow)}
}

// send relays payload on the flow for key, opening it if needed. A new flow
// dials synchronously: for a hostname that is one DNS lookup in the tunnel.
func (t *udpTable) send(key string, peer net.Addr, payload []byte) {
	f := t.flow(key, peer)
	if f == nil {
		t.o.Stats.UDPDropped.Add(1)
		return
	}
	f.last.Store(time.Now().UnixNano())
	if _, err := f.conn.Write(payload); err != nil {
		t.o.Stats.UDPDropped.Add(1)
	}
}

func (t *udpTable) flow(key string, peer net.Addr) *udpFlow {
	t.mu.Lock()
	f, ok := t.flows[key]
	full := len(t.flows) >= t.o.MaxUDPSessions
	t.mu.Unlock()
	if ok {
		return f
	}
	if full {
		t.o.Logger.Debug("udp relay: session table full", "key", key)
		return nil
	}
	conn, err := t.dial(t.ctx, key)
	if err != nil {
		t.o.Logger.Debug("udp relay: dial failed", "key", key, "err", err)
		return nil
	}
	f = &udpFlow{key: key, peer: peer, conn: conn}
	f.last.Store(time.Now().UnixNano())
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || t.flows[key] != nil || len(t.flows) >= t.o.MaxUDPSessions {
		conn.Close() // lost a race with close or another sender
		return t.flows[key]
	}
	t.flows[key] = f
	t.wg.Add(1)
	go t.readReplies(f)
	return f
}

// readReplies returns replies to the flow's peer until the flow is idle for
// the timeout (checked only when the read deadline fires) or closed.
func (t *udpTable) readReplies(f *udpFlow) {
	defer t.wg.Done()
	defer t.remove(f)
	buf := make([]byte, replyHeadroom+maxDatagram)
	f.conn.SetReadDeadline(time.Now().Add(t.o.UDPIdleTimeout))
	for {
		n, err := f.conn.Read(buf[replyHeadroom:])
		if err != nil {
			if !isTimeout(err) {
				return
			}
			deadline := time.Unix(0, f.last.Load()).Add(t.o.UDPIdleTimeout)
			if !time.Now().Before(deadline) {
				return
			}
			f.conn.SetReadDeadline(deadline)
			continue
		}
		f.last.Store(time.Now().UnixNano())
		if err := t.reply(f, buf[:replyHeadroom+n], replyHeadroom); err != nil {
			t.o.Logger.Debug("udp relay: reply failed", "key", f.key, "err", err)
		}
	}
}

func (t *udpTable) remove(f *udpFlow) {
	f.conn.Close()
	t.mu.Lock()
	if t.flows[f.key] == f {
		delete(t.flows, f.key)
	}
	t.mu.Unlock()
}

// close ends every flow and waits for their goroutines.
func (t *udpTable) close() {
	t.mu.Lock()
	t.closed = true
	for _, f := range t.flows {
		f.conn.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
}

func (t *udpTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.flows)
}
