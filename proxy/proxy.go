// Package proxy lets local programs use a tunnel that has no kernel interface
// (the user-space stack): a SOCKS5 server, an HTTP CONNECT proxy, and TCP/UDP
// port forwards in both directions. Everything takes a Dialer, so the same code
// serves the stack (tun/netstack) and plain sockets (net.Dialer), and tests run
// on loopback.
//
// Every Serve/Forward function owns the listener it is given: it closes it,
// and every connection and goroutine it started, when ctx is cancelled, and
// only then returns.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Dialer opens connections: *net.Dialer, *netstack.Stack, or anything alike.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Options bound what one server may hold; the zero value (or nil) means the
// defaults below.
type Options struct {
	MaxConns         int           // concurrent client connections (default 1024)
	MaxUDPSessions   int           // UDP flows per forward or SOCKS association (default 128)
	UDPIdleTimeout   time.Duration // a UDP flow with no traffic this long is closed (default 2m)
	HandshakeTimeout time.Duration // SOCKS/HTTP request must arrive within (default 30s)
	DialTimeout      time.Duration // per outbound dial (default 30s)
	Logger           *slog.Logger  // per-connection failures at Debug (default slog.Default())
	Stats            *Stats        // optional counters, updated atomically
}

// Stats counts what servers did, one counter per reason a request failed.
type Stats struct {
	Accepted   atomic.Uint64 // client connections accepted
	BadRequest atomic.Uint64 // malformed SOCKS5/HTTP requests (answered with an error)
	AuthFailed atomic.Uint64 // wrong or missing SOCKS5 credentials
	DialFailed atomic.Uint64 // the Dialer could not reach the target
	UDPDropped atomic.Uint64 // datagrams dropped: malformed, foreign source, or session table full
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&r.MaxConns, 1024)
	def(&r.MaxUDPSessions, 128)
	defDur(&r.UDPIdleTimeout, 2*time.Minute)
	defDur(&r.HandshakeTimeout, 30*time.Second)
	defDur(&r.DialTimeout, 30*time.Second)
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.Stats == nil {
		r.Stats = new(Stats)
	}
	return r
}

func (o *Options) dial(ctx context.Context, d Dialer, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, o.DialTimeout)
	defer cancel()
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		o.Stats.DialFailed.Add(1)
		return nil, fmt.Errorf("dial %s %s: %w", network, addr, err)
	}
	return c, nil
}

// serve accepts until ctx is done, running handle for each connection with at
// most o.MaxConns at once; further clients wait in the listen backlog. It
// closes ln, cancels handlers and waits for them before returning.
func serve(ctx context.Context, ln net.Listener, o *Options, handle func(context.Context, net.Conn)) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		ln.Close()
		wg.Wait()
	}()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	slots := make(chan struct{}, o.MaxConns)
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		c, err := ln.Accept()
		if err != nil {
			<-slots
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accept on %v: %w", ln.Addr(), err)
		}
		o.Stats.Accepted.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			defer c.Close()
			stop := context.AfterFunc(ctx, func() { c.Close() })
			defer stop()
			handle(ctx, c)
		}()
	}
}

// pipe copies both ways until both directions end, passing half-closes on.
// An error in either direction, or ctx, tears down both connections.
func pipe(ctx context.Context, a, b net.Conn) {
	stop := context.AfterFunc(ctx, func() { a.Close(); b.Close() })
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		copyHalf(a, b)
	}()
	copyHalf(b, a)
	<-done
}

type closeWriter interface{ CloseWrite() error }

func copyHalf(dst, src net.Conn) {
	bp := bufPool.Get().(*[]byte)
	// Hiding ReadFrom/WriteTo makes the copy use the pooled buffer: one side
	// is a user-space socket, so the kernel's splice never applies anyway.
	_, err := io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, *bp)
	bufPool.Put(bp)
	if cw, ok := dst.(closeWriter); ok && err == nil {
		cw.CloseWrite()
		return
	}
	dst.Close()
	src.Close()
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// isTimeout reports a net.Error timeout (deadline or dial timeout).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
