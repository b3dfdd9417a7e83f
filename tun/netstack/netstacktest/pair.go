// Package netstacktest connects two user-space stacks back to back in one
// process, the netstack analogue of a veth pair, so tests of anything built
// on a tunnel (proxies, forwards, DNS) run without root or a kernel device.
package netstacktest

import (
	"errors"
	"net/netip"
	"sync"
	"testing"

	"github.com/tuntap/tuntap/tun"
	"github.com/tuntap/tuntap/tun/netstack"
)

// Addresses of the two ends of a Pair.
var (
	Near4 = netip.MustParseAddr("10.99.0.1")
	Far4  = netip.MustParseAddr("10.99.0.2")
	Near6 = netip.MustParseAddr("fd99::1")
	Far6  = netip.MustParseAddr("fd99::2")
)

// Pair returns two stacks whose outbound packets are pumped into each other.
// near uses far as its DNS server. Both are closed, and the pumps stopped,
// when the test ends.
func Pair(tb testing.TB) (near, far *netstack.Stack) {
	tb.Helper()
	var err error
	near, err = netstack.New(netstack.Config{
		Addresses: []netip.Prefix{netip.PrefixFrom(Near4, 24), netip.PrefixFrom(Near6, 64)},
		DNS:       []netip.Addr{Far4},
	})
	if err != nil {
		tb.Fatal(err)
	}
	far, err = netstack.New(netstack.Config{
		Addresses: []netip.Prefix{netip.PrefixFrom(Far4, 24), netip.PrefixFrom(Far6, 64)},
	})
	if err != nil {
		near.Close()
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); Pump(tb, near, far) }()
	go func() { defer wg.Done(); Pump(tb, far, near) }()
	tb.Cleanup(func() {
		near.Close()
		far.Close()
		wg.Wait()
	})
	return near, far
}

// Pump copies packets from src to dst in batches until either is closed.
func Pump(tb testing.TB, src, dst tun.Device) {
	n := src.BatchSize()
	bufs := make([][]byte, n)
	sizes := make([]int, n)
	for i := range bufs {
		bufs[i] = make([]byte, tun.Headroom+src.MTU())
	}
	out := make([][]byte, n)
	for {
		k, err := src.Read(bufs, sizes, tun.Headroom)
		if err != nil {
			if !errors.Is(err, tun.ErrClosed) {
				tb.Errorf("pump read: %v", err)
			}
			return
		}
		for i := range k {
			out[i] = bufs[i][:tun.Headroom+sizes[i]]
		}
		if _, err := dst.Write(out[:k], tun.Headroom); err != nil {
			if !errors.Is(err, tun.ErrClosed) {
				tb.Errorf("pump write: %v", err)
			}
			return
		}
	}
}
