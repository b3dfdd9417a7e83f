package netstack

import (
	"net/netip"
	"testing"

	"github.com/tuntap/tuntap/tun"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// TestReadAllocs pins the outbound hot path: taking a queued packet and
// copying it into the caller's buffer allocates nothing.
func TestReadAllocs(t *testing.T) {
	s, err := New(Config{Addresses: []netip.Prefix{netip.MustParsePrefix("10.97.0.1/24")}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const runs = 200
	payload := make([]byte, 1400)
	for range runs + 1 {
		pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{
			ReserveHeaderBytes: 20,
			Payload:            buffer.MakeWithData(payload),
		})
		pkt.NetworkHeader().Push(20)[0] = 0x45
		s.link.queue <- pkt
	}
	bufs := [][]byte{make([]byte, tun.Headroom+s.MTU())}
	sizes := []int{0}
	allocs := testing.AllocsPerRun(runs, func() {
		if n, err := s.Read(bufs, sizes, tun.Headroom); n != 1 || err != nil || sizes[0] != 1420 {
			t.Fatalf("Read = %d, %v, size %d", n, err, sizes[0])
		}
	})
	if allocs != 0 {
		t.Fatalf("Read allocates %.1f times per packet, want 0", allocs)
	}
}
