package probe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// ServeTCP accepts one connection at a time on ln, drains it and answers
// with the byte count it received, until ctx ends.
func ServeTCP(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	buf := make([]byte, 256<<10)
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		n, _ := io.CopyBuffer(io.Discard, readerOnly{c}, buf)
		var ans [8]byte
		binary.BigEndian.PutUint64(ans[:], uint64(n))
		c.Write(ans[:])
		c.Close()
	}
}

type readerOnly struct{ io.Reader }

// SendTCP sends as fast as it can to addr for d and returns the bytes the
// server confirms it received and the time taken, so the rate counts only
// what really crossed.
func SendTCP(ctx context.Context, addr string, d time.Duration) (int64, time.Duration, error) {
	var dialer net.Dialer
	c, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, 0, fmt.Errorf("connect %s: %w", addr, err)
	}
	defer c.Close()
	buf := make([]byte, 128<<10)
	start := time.Now()
	end := start.Add(d)
	c.SetWriteDeadline(end)
	for time.Now().Before(end) && ctx.Err() == nil {
		if _, err := c.Write(buf); err != nil {
			if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
				break
			}
			return 0, 0, fmt.Errorf("send to %s: %w", addr, err)
		}
	}
	c.(*net.TCPConn).CloseWrite()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ans [8]byte
	if _, err := io.ReadFull(c, ans[:]); err != nil {
		return 0, 0, fmt.Errorf("read byte count from %s: %w", addr, err)
	}
	return int64(binary.BigEndian.Uint64(ans[:])), time.Since(start), nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
