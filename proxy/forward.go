package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
)

// Forward accepts on ln (a local listener) and connects each client to
// target through d (the tunnel): --forward tcp:LOCAL=TUNNEL.
func Forward(ctx context.Context, ln net.Listener, d Dialer, target string, opts *Options) error {
	o := opts.withDefaults()
	return serve(ctx, ln, &o, func(ctx context.Context, c net.Conn) {
		t, err := o.dial(ctx, d, "tcp", target)
		if err != nil {
			o.Logger.Debug("forward: dial failed", "client", c.RemoteAddr(), "err", err)
			return
		}
		defer t.Close()
		pipe(ctx, c, t)
	})
}

// Expose accepts on ln (a listener on the stack, reachable from the tunnel)
// and connects each client to localTarget on this host: --expose tcp:PORT=LOCAL.
func Expose(ctx context.Context, ln net.Listener, localTarget string, opts *Options) error {
	return Forward(ctx, ln, &net.Dialer{}, localTarget, opts)
}

// ForwardUDP relays datagrams arriving on pc to target through d, one flow
// per client address, and the replies back. It returns when ctx is done (or
// pc fails), having closed pc and every flow.
func ForwardUDP(ctx context.Context, pc net.PacketConn, d Dialer, target string, opts *Options) error {
	o := opts.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { pc.Close() })
	defer stop()
	defer pc.Close()

	table := newUDPTable(ctx, &o,
		func(ctx context.Context, _ string) (net.Conn, error) { return o.dial(ctx, d, "udp", target) },
		func(f *udpFlow, buf []byte, off int) error {
			_, err := pc.WriteTo(buf[off:], f.peer)
			return err
		})
	defer table.close()

	buf := make([]byte, maxDatagram)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("forward udp: read: %w", err)
		}
		table.send(from.String(), from, buf[:n])
	}
}

// ExposeUDP relays datagrams arriving on pc (a stack socket) to localTarget
// on this host: --expose udp:PORT=LOCAL.
func ExposeUDP(ctx context.Context, pc net.PacketConn, localTarget string, opts *Options) error {
	return ForwardUDP(ctx, pc, &net.Dialer{}, localTarget, opts)
}

// Group runs servers that share a lifetime: the first error cancels all.
// Wait returns that error once every server has returned.
type Group struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

// NewGroup returns a Group whose servers stop when ctx is done.
func NewGroup(ctx context.Context) *Group {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{ctx: ctx, cancel: cancel}
}

// Go runs fn(ctx) in a goroutine owned by the group.
func (g *Group) Go(fn func(ctx context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := fn(g.ctx); err != nil {
			g.once.Do(func() { g.err = err; g.cancel() })
		}
	}()
}

// Stop cancels every server; Wait then returns.
func (g *Group) Stop() { g.cancel() }

// Wait waits for every server and returns the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
