package uapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tuntap/tuntap/engine"
)

// DefaultDir is where wg looks for sockets.
const DefaultDir = "/var/run/wireguard"

// SocketPath is the socket of interface name in dir.
func SocketPath(dir, name string) string { return filepath.Join(dir, name+".sock") }

// Listen creates the control socket of interface name in dir with mode 0600
// (the socket hands out the private key). A stale socket left by a crashed
// process is replaced; a live one is an error.
func Listen(dir, name string) (net.Listener, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("control socket dir %s: %w", dir, err)
	}
	path := SocketPath(dir, name)
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("control socket %s: interface %s is already running", path, name)
	}
	os.Remove(path)
	// The umask makes the socket 0600 from its first moment, with no window
	// in which another user could connect.
	old := umask(0o077)
	ln, err := net.Listen("unix", path)
	umask(old)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return ln, nil
}

// Server answers get and set requests for one engine.
type Server struct {
	Engine *engine.Engine
	Log    *slog.Logger
	// Extra, if set, writes tuntap's own state (drop counters, the MAC
	// table) as key=value lines for get=tuntap; wg never asks for it.
	Extra func(w io.Writer)
	// Ping, if set, answers ping=ADDR (tuntap ping) from the user-space stack.
	Ping func(ctx context.Context, dst netip.Addr, seq int) (time.Duration, error)
}

// Serve accepts connections until ctx ends or ln is closed. Each connection
// is served in its own goroutine, which Serve waits for before returning.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("control socket accept: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			closeOnCancel := context.AfterFunc(ctx, func() { c.Close() })
			defer closeOnCancel()
			s.serveConn(c)
		}()
	}
}

func (s *Server) serveConn(c io.ReadWriter) {
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		var opErr error
		switch strings.TrimSuffix(line, "\n") {
		case "get=1":
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			writeGet(w, s.Engine)
		case "get=tuntap":
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			writeGet(w, s.Engine)
			writeCounters(w, s.Engine)
			if s.Extra != nil {
				s.Extra(w)
			}
		case "ping=1":
			opErr = s.ping(r, w)
		case "set=1":
			var set *Set
			set, opErr = ParseSet(r)
			if opErr == nil {
				opErr = Apply(s.Engine, set)
			}
		default:
			opErr = invalid("unknown operation %q", strings.TrimSpace(line))
		}
		errno := 0
		if opErr != nil {
			errno = errnoProto
			var ue *Error
			if errors.As(opErr, &ue) {
				errno = ue.Errno
			}
			if s.Log != nil {
				s.Log.Warn("control socket request refused", "err", opErr)
			}
		}
		fmt.Fprintf(w, "errno=%d\n\n", errno)
		if w.Flush() != nil || opErr != nil && errno == errnoProto {
			return
		}
	}
}

// ping reads "addr=A" and "seq=N" lines and answers rtt_ns=N.
func (s *Server) ping(r *bufio.Reader, w *bufio.Writer) error {
	var dst netip.Addr
	seq := 1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return &Error{Errno: errnoIO, Err: err}
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "addr":
			if dst, err = netip.ParseAddr(v); err != nil {
				return invalid("ping addr: %v", err)
			}
		case "seq":
			if seq, err = strconv.Atoi(v); err != nil {
				return invalid("ping seq: %v", err)
			}
		default:
			return invalid("unknown ping key %q", k)
		}
	}
	if s.Ping == nil {
		return invalid("this interface uses a kernel device: ping it with the system's ping")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rtt, err := s.Ping(ctx, dst, seq)
	if err != nil {
		return &Error{Errno: 110, Err: err} // ETIMEDOUT
	}
	fmt.Fprintf(w, "rtt_ns=%d\n", rtt.Nanoseconds())
	return nil
}
