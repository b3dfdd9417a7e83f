//go:build linux

package tun_test

import (
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/tun"
)

// BenchmarkEcho measures packets written into a queue and read back out:
// the test writes ICMP echo requests, the kernel answers. One op is one
// request written plus one reply read.
func BenchmarkEcho(b *testing.B) {
	b.Run("packet", func(b *testing.B) {
		dev, req := echoDevice(b, 1)
		q, buf := dev.Queues()[0], make([]byte, 2048)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := roundTrip(q, req, buf); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, b.N)
	})
	b.Run("batch64", func(b *testing.B) {
		dev, req := echoDevice(b, 1)
		const batch = 64
		out := makeBufs(batch, len(req))
		for _, p := range out {
			copy(p[tun.Headroom:], req)
		}
		in, sizes := makeBufs(batch, 2048), make([]int, batch)
		b.ReportAllocs()
		b.ResetTimer()
		for done := 0; done < b.N; done += batch {
			k := min(batch, b.N-done)
			if _, err := dev.Write(out[:k], tun.Headroom); err != nil {
				b.Fatal(err)
			}
			for got := 0; got < k; {
				n, err := dev.Read(in, sizes, tun.Headroom)
				if err != nil {
					b.Fatal(err)
				}
				got += n
			}
		}
		reportRate(b, b.N)
	})
}

// BenchmarkUDPToQueues measures packets read from the device when UDP
// sockets in the namespace send into it over 16 flows: through one queue,
// and through four queues read in parallel. One op is one packet. A window
// of packets in flight keeps the kernel's per-queue ring from overflowing,
// so nothing is dropped and every packet sent is read.
func BenchmarkUDPToQueues(b *testing.B) {
	for _, queues := range []int{1, 4} {
		b.Run(map[int]string{1: "queues=1", 4: "queues=4"}[queues], func(b *testing.B) {
			benchUDP(b, queues)
		})
	}
}

func benchUDP(b *testing.B, queues int) {
	ns := netns.New(b)
	dev := openIn(b, ns, tun.Config{Name: "tb0", Queues: queues})
	upWith(b, ns, dev.Name(), "10.95.0.1/24")
	dst := netip.MustParseAddr("10.95.0.2")
	conns := flowSockets(b, ns, dst, 16)
	window := make(chan struct{}, 256)
	var read atomic.Int64
	wait := drain(dev.Queues(), dst, func(int) { read.Add(1); <-window })
	msg := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	stall := time.NewTimer(time.Hour)
	for i := range b.N {
		select {
		case window <- struct{}{}:
		default:
			stall.Reset(2 * time.Second)
			select {
			case window <- struct{}{}:
			case <-stall.C:
				b.Fatalf("no progress for 2s: %d of %d read", read.Load(), i)
			}
		}
		if _, err := conns[i%len(conns)].Write(msg); err != nil {
			b.Fatal(err)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); read.Load() < int64(b.N) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	reportRate(b, int(read.Load()))
	dev.Close()
	wait()
	if got := read.Load(); got != int64(b.N) {
		b.Fatalf("read %d packets, sent %d", got, b.N)
	}
}

func reportRate(b *testing.B, packets int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(packets)/s, "pkts/s")
	}
}
