package transport

import (
	"net/netip"
	"testing"
)

func TestGROSplitsMixedSizes(t *testing.T) {
	a := listen(t, Options{})
	b := listen(t, Options{})
	if gso, _ := a.Offloads(); !gso {
		t.Skip("kernel has no UDP GSO")
	}
	if _, gro := b.Offloads(); !gro {
		t.Skip("kernel has no UDP GRO")
	}
	dst := netip.AddrPortFrom(netip.IPv6Loopback(), b.Port())
	var want [][]byte
	for _, run := range [][]int{{1000, 1000, 1000, 1000, 400}, {1200, 1200, 1200}, {50}, {1420, 1420, 1420, 1420, 1420, 1420, 1420, 1}} {
		d := datagrams(run...)
		if err := a.Send(d, dst); err != nil {
			t.Fatal(err)
		}
		want = append(want, d...)
	}
	// Three buffers per call: super-datagrams must be held over between calls.
	r := recvN(t, b, len(want), 1500, 3)
	equalBatches(t, r.data, want)
	if b.r.segs[0] == 0 && b.r.segs[1] == 0 && b.r.segs[2] == 0 && b.r.segs[3] == 0 {
		t.Error("no message carried a UDP_GRO segment size: GRO path not exercised")
	}
}

func TestTooSmallBufferIsDropped(t *testing.T) {
	for _, gro := range []bool{true, false} {
		a := listen(t, Options{})
		b := listen(t, Options{DisableGRO: !gro})
		want := datagrams(100, 2000, 100)
		if err := a.Send(want, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), b.Port())); err != nil {
			t.Fatal(err)
		}
		r := recvN(t, b, 2, 1500, 4)
		equalBatches(t, r.data, [][]byte{want[0], want[2]})
		if got := b.Stats().Truncated; got != 1 {
			t.Fatalf("gro=%v: truncated counter %d, want 1", gro, got)
		}
	}
}

func TestSendFromChoosesSource(t *testing.T) {
	a := listen(t, Options{})
	b := listen(t, Options{})
	for _, src := range []string{"127.0.0.2", "127.0.0.3"} {
		dst := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.4"), b.Port())
		if err := a.SendFrom(datagrams(10, 10), dst, netip.MustParseAddr(src)); err != nil {
			t.Fatal(err)
		}
		r := recvN(t, b, 2, 100, 4)
		for i := range r.eps {
			if r.eps[i].Addr().String() != src || r.local[i] != dst.Addr() {
				t.Fatalf("from %v to %v, want from %s to %v", r.eps[i], r.local[i], src, dst.Addr())
			}
		}
	}
	if err := a.SendFrom(datagrams(10), netip.MustParseAddrPort("127.0.0.1:9"), netip.MustParseAddr("192.0.2.1")); err == nil {
		t.Fatal("sending from an address this host does not have succeeded")
	}
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	for _, off := range []bool{false, true} {
		a := listen(t, Options{DisableGSO: off})
		b := listen(t, Options{DisableGRO: off})
		msgs := datagrams(1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 1420, 200)
		dst := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), b.Port())
		bufs := datagrams(1500, 1500, 1500, 1500, 1500, 1500, 1500, 1500)
		sizes, eps := make([]int, len(bufs)), make([]netip.AddrPort, len(bufs))
		allocs := testing.AllocsPerRun(50, func() {
			if err := a.Send(msgs, dst); err != nil {
				panic(err)
			}
			for got := 0; got < len(msgs); {
				n, err := b.Recv(bufs, sizes, eps)
				if err != nil {
					panic(err)
				}
				got += n
			}
		})
		if allocs != 0 {
			t.Fatalf("offloads disabled=%v: %v allocations per batch", off, allocs)
		}
	}
}
