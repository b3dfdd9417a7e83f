package transport

import (
	"net/netip"
	"testing"
)

// BenchmarkLoopback1420 pushes batches of 1420-byte datagrams through
// loopback, with the offloads on and off; compare the datagrams/s metrics.
func BenchmarkLoopback1420(b *testing.B) {
	for _, bc := range []struct {
		name string
		off  bool
	}{{"gso+gro", false}, {"plain", true}} {
		b.Run(bc.name, func(b *testing.B) {
			tx := listen(b, Options{DisableGSO: bc.off})
			rx := listen(b, Options{DisableGRO: bc.off})
			if gso, _ := tx.Offloads(); !bc.off && !gso {
				b.Skip("no UDP GSO")
			}
			const batch = 64
			msgs := make([][]byte, batch)
			bufs := make([][]byte, batch)
			for i := range msgs {
				msgs[i], bufs[i] = make([]byte, 1420), make([]byte, 1500)
			}
			sizes, eps := make([]int, batch), make([]netip.AddrPort, batch)
			dst := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), rx.Port())
			b.SetBytes(batch * 1420)
			b.ReportAllocs()
			for b.Loop() {
				if err := tx.Send(msgs, dst); err != nil {
					b.Fatal(err)
				}
				for got := 0; got < batch; {
					n, err := rx.Recv(bufs, sizes, eps)
					if err != nil {
						b.Fatal(err)
					}
					got += n
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "datagrams/s")
		})
	}
}
