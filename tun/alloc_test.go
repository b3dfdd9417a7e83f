//go:build linux

package tun_test

import (
	"testing"

	"github.com/tuntap/tuntap/tun"
)

// Steady-state packet I/O allocates nothing: not per packet, not per batch.
func TestZeroAllocs(t *testing.T) {
	dev, req := echoDevice(t, 1)
	q := dev.Queues()[0]
	buf := make([]byte, 2048)
	if err := roundTrip(q, req, buf); err != nil {
		t.Fatalf("echo round trip: %v", err)
	}
	var err error
	allocs := testing.AllocsPerRun(200, func() {
		if e := roundTrip(q, req, buf); e != nil {
			err = e
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("WritePacket+ReadPacket: %v allocations, want 0", allocs)
	}

	const batch = 8
	out := makeBufs(batch, 2048)
	for _, b := range out {
		copy(b[tun.Headroom:], req)
	}
	for i := range out {
		out[i] = out[i][:tun.Headroom+len(req)]
	}
	in, sizes := makeBufs(batch, 2048), make([]int, batch)
	allocs = testing.AllocsPerRun(100, func() {
		if _, e := dev.Write(out, tun.Headroom); e != nil {
			err = e
		}
		for got := 0; got < batch && err == nil; {
			n, e := dev.Read(in, sizes, tun.Headroom)
			got, err = got+n, e
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("batch Write+Read: %v allocations, want 0", allocs)
	}
}
