package proxy_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuntap/tuntap/proxy"
	"github.com/tuntap/tuntap/tun"
	"github.com/tuntap/tuntap/tun/netstack"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
	xproxy "golang.org/x/net/proxy"
)

// slowPair is nt.Pair with the near stack's outbound direction limited to
// rate bytes per second and stopped for pause five times a second: an engine
// slower than the stack and descheduled now and then, so the stack's
// outbound queue fills, as in the tuntap-userspace bench case on a busy host.
func slowPair(t *testing.T, rate float64, pause time.Duration) (near, far *netstack.Stack) {
	var err error
	near, err = netstack.New(netstack.Config{Addresses: []netip.Prefix{netip.PrefixFrom(nt.Near4, 24)}})
	if err != nil {
		t.Fatal(err)
	}
	far, err = netstack.New(netstack.Config{Addresses: []netip.Prefix{netip.PrefixFrom(nt.Far4, 24)}})
	if err != nil {
		near.Close()
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pumpAt(near, far, rate, pause) }()
	go func() { defer wg.Done(); nt.Pump(t, far, near) }()
	t.Cleanup(func() {
		near.Close()
		far.Close()
		wg.Wait()
	})
	return near, far
}

func pumpAt(src, dst *netstack.Stack, rate float64, pause time.Duration) {
	bufs := make([][]byte, src.BatchSize())
	sizes := make([]int, len(bufs))
	for i := range bufs {
		bufs[i] = make([]byte, tun.Headroom+src.MTU())
	}
	out := make([][]byte, len(bufs))
	start, sent, lastPause := time.Now(), 0, time.Now()
	for {
		k, err := src.Read(bufs, sizes, tun.Headroom)
		if err != nil {
			return
		}
		for i := range k {
			out[i] = bufs[i][:tun.Headroom+sizes[i]]
			sent += sizes[i]
		}
		if d := time.Duration(float64(sent)/rate*float64(time.Second)) - time.Since(start); d > 0 {
			time.Sleep(d)
		}
		if time.Since(lastPause) > 200*time.Millisecond { // descheduled engine
			time.Sleep(pause)
			lastPause = time.Now()
		}
		if _, err := dst.Write(out[:k], tun.Headroom); err != nil && !errors.Is(err, tun.ErrClosed) {
			return
		}
	}
}

// TestSOCKS5ParallelStreamsAllProgress sends four bulk streams through the
// proxy into a tunnel slower than the stack. Every stream must keep moving:
// the bench's socksperf fails a stream that stalls for 5 s.
func TestSOCKS5ParallelStreamsAllProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("sends for several seconds")
	}
	if raceEnabled {
		t.Skip("under -race the stack is slower than the tunnel: its queue never fills")
	}
	// maxStall is socksperf's limit: a few RTOs in a row (200 ms, 400 ms,
	// ...) reach it, where a stream that is merely slow, as under -race on
	// a busy host, does not.
	const streams, dur, maxStall = 4, 6 * time.Second, 5 * time.Second
	near, far := slowPair(t, 100e6, 100*time.Millisecond)
	target := discardServer(t, far)
	sln := localListener(t)
	run(t, func(ctx context.Context) error { return proxy.ServeSOCKS5(ctx, sln, near, nil, quiet()) })
	d, err := xproxy.SOCKS5("tcp", sln.Addr().String(), nil, &net.Dialer{})
	if err != nil {
		t.Fatal(err)
	}
	var progress [streams]atomic.Int64 // unix nanos of each stream's last write
	var wg sync.WaitGroup
	end := time.Now().Add(dur)
	for i := range streams {
		c, err := d.Dial("tcp", target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		progress[i].Store(time.Now().UnixNano())
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 32<<10)
			for time.Now().Before(end) {
				c.SetWriteDeadline(end.Add(maxStall))
				if _, err := c.Write(buf); err != nil {
					return
				}
				progress[i].Store(time.Now().UnixNano())
			}
		}()
	}
	worst := make([]time.Duration, streams)
	for now := range time.Tick(50 * time.Millisecond) {
		if now.After(end) {
			break
		}
		for i := range streams {
			worst[i] = max(worst[i], now.Sub(time.Unix(0, progress[i].Load())))
		}
	}
	wg.Wait()
	st := near.Stats()
	t.Logf("longest stall per stream %v; stack drops %+v", worst, st)
	if st.DropQueueFull != 0 {
		t.Errorf("stack dropped %d packets on a full queue: a retransmission dropped there backs its stream off for seconds", st.DropQueueFull)
	}
	for i, w := range worst {
		if w > maxStall {
			t.Errorf("stream %d made no progress for %v (limit %v)", i, w.Round(time.Millisecond), maxStall)
		}
	}
}
