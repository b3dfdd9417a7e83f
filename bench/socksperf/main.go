// Command socksperf measures TCP throughput and round-trip time through a
// SOCKS5 proxy, for the benchmark case where tuntap's user-space network
// stack is reached through its proxy instead of a TUN device: iperf3 and
// ping cannot go through a proxy, so this stands in for both.
//
//	socksperf sink -listen :5202 -max 120s
//	socksperf send -socks5 127.0.0.1:1080 -to 10.78.6.2:5202 -t 10s -P 4
//	socksperf rtt  -socks5 127.0.0.1:1080 -to 10.78.6.2:5202 -n 200
//
// send prints "bytes=N seconds=S"; rtt prints one "time=X ms" line per round
// trip, like ping. Every run is bounded in time.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: socksperf sink|send|rtt [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	listen := fs.String("listen", ":5202", "sink: address to listen on")
	maxLife := fs.Duration("max", 10*time.Minute, "sink: exit after this long")
	proxy := fs.String("socks5", "127.0.0.1:1080", "SOCKS5 proxy address")
	to := fs.String("to", "", "target host:port behind the proxy")
	dur := fs.Duration("t", 10*time.Second, "send: how long to send")
	streams := fs.Int("P", 1, "send: parallel connections")
	n := fs.Int("n", 200, "rtt: round trips")
	_ = fs.Parse(os.Args[2:]) // ExitOnError: Parse exits on a bad flag
	var err error
	switch os.Args[1] {
	case "sink":
		err = sink(*listen, *maxLife)
	case "send":
		err = send(*proxy, *to, *dur, *streams)
	case "rtt":
		err = rtt(*proxy, *to, *n)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "socksperf:", err)
		os.Exit(1)
	}
}

// sink discards connections that start with 'D' and echoes those that
// start with 'E'.
func sink(addr string, maxLife time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	time.AfterFunc(maxLife, func() { ln.Close() })
	for {
		c, err := ln.Accept()
		if err != nil {
			return nil // closed by the lifetime timer
		}
		go serve(c)
	}
}

func serve(c net.Conn) {
	defer c.Close()
	mode := make([]byte, 1)
	if _, err := io.ReadFull(c, mode); err != nil {
		return
	}
	if mode[0] == 'E' {
		_, _ = io.Copy(c, c) // ends when the client closes
		return
	}
	_, _ = io.Copy(io.Discard, c)
}

func send(proxy, to string, d time.Duration, streams int) error {
	if streams < 1 || streams > 64 {
		return fmt.Errorf("-P %d: want 1..64", streams)
	}
	var total atomic.Int64
	errs := make(chan error, streams)
	var wg sync.WaitGroup
	start := time.Now()
	for range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := sendOne(proxy, to, start.Add(d))
			total.Add(n)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Printf("bytes=%d seconds=%.3f\n", total.Load(), time.Since(start).Seconds())
	return nil
}

func sendOne(proxy, to string, end time.Time) (int64, error) {
	c, err := dialSOCKS5(proxy, to)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	buf := make([]byte, 128<<10)
	buf[0] = 'D'
	var n int64
	for time.Now().Before(end) {
		_ = c.SetWriteDeadline(end.Add(5 * time.Second))
		m, err := c.Write(buf)
		n += int64(m)
		if err != nil {
			return n, fmt.Errorf("send: %w", err)
		}
	}
	return n, nil
}

func rtt(proxy, to string, n int) error {
	c, err := dialSOCKS5(proxy, to)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write([]byte{'E'}); err != nil {
		return fmt.Errorf("rtt: %w", err)
	}
	b := make([]byte, 1)
	for i := 0; i < n; i++ {
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		t := time.Now()
		if _, err := c.Write(b); err != nil {
			return fmt.Errorf("rtt: %w", err)
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return fmt.Errorf("rtt: %w", err)
		}
		fmt.Printf("seq=%d time=%.3f ms\n", i, float64(time.Since(t).Microseconds())/1000)
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}
