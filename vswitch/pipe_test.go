package vswitch

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/tuntap/tuntap/tun"
)

func withHeadroom(pkt []byte) []byte { return append(make([]byte, tun.Headroom), pkt...) }

func readOne(t *testing.T, d tun.Device) []byte {
	t.Helper()
	bufs := [][]byte{make([]byte, tun.Headroom+MaxFrame(d.MTU())+1)}
	sizes := []int{0}
	done := make(chan error, 1)
	go func() {
		_, err := d.Read(bufs, sizes, tun.Headroom)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("read %s: %v", d.Name(), err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("read %s: nothing in 5s", d.Name())
	}
	return bufs[0][tun.Headroom : tun.Headroom+sizes[0]]
}

func TestPipeCarriesFramesBothWays(t *testing.T) {
	p, err := NewPipe("a", "b", 1500, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tests := []struct {
		name     string
		from, to *PipeEnd
		frame    []byte
	}{
		{"a to b", p.A(), p.B(), bytes.Repeat([]byte{1}, 60)},
		{"b to a", p.B(), p.A(), bytes.Repeat([]byte{2}, 1522)},
		{"minimum", p.A(), p.B(), bytes.Repeat([]byte{3}, 14)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, err := tt.from.Write([][]byte{withHeadroom(tt.frame)}, tun.Headroom); n != 1 || err != nil {
				t.Fatalf("write = %d, %v", n, err)
			}
			if got := readOne(t, tt.to); !bytes.Equal(got, tt.frame) {
				t.Fatalf("read %d bytes, want the %d written", len(got), len(tt.frame))
			}
		})
	}
}

func TestPipeDropsAndCountsNeverTruncates(t *testing.T) {
	p, err := NewPipe("a", "b", 1500, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a := p.A()
	big := withHeadroom(make([]byte, MaxFrame(1500)+1))
	small := withHeadroom(make([]byte, 100))
	a.Write([][]byte{big, small, small, small}, tun.Headroom)
	if a.TooBig.Load() != 1 || a.Dropped.Load() != 1 {
		t.Fatalf("too big %d, dropped %d; want 1 and 1 (depth 2)", a.TooBig.Load(), a.Dropped.Load())
	}
	bufs := [][]byte{make([]byte, 200), make([]byte, 200), make([]byte, 200)} // 168 usable each
	sizes := make([]int, 3)
	n, err := p.B().Read(bufs, sizes, tun.Headroom)
	if err != nil || n != 2 || sizes[0] != 100 || sizes[1] != 100 {
		t.Fatalf("read = %d %v sizes %v; want two frames of 100", n, err, sizes)
	}
	// A reader with buffers too small loses the frame rather than a part.
	a.Write([][]byte{withHeadroom(make([]byte, 150)), small}, tun.Headroom)
	n, err = p.B().Read([][]byte{make([]byte, tun.Headroom+120), make([]byte, 200)}, sizes, tun.Headroom)
	if err != nil || n != 1 || sizes[0] != 100 || p.B().TooBig.Load() != 1 {
		t.Fatalf("read = %d %v sizes %v too big %d; want the small frame only, one counted", n, err, sizes, p.B().TooBig.Load())
	}
}

func TestPipeCloseUnblocksRead(t *testing.T) {
	p, err := NewPipe("a", "b", 1500, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.B().Read([][]byte{make([]byte, 2000)}, []int{0}, tun.Headroom)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	p.A().Close()
	p.A().Close() // idempotent
	select {
	case err := <-done:
		if !errors.Is(err, tun.ErrClosed) {
			t.Fatalf("read after close: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("blocked read did not return after Close")
	}
	if _, err := p.B().Write([][]byte{withHeadroom(make([]byte, 60))}, tun.Headroom); !errors.Is(err, tun.ErrClosed) {
		t.Fatalf("write after close: %v, want ErrClosed", err)
	}
}

func TestNewPipeRejectsBadMTU(t *testing.T) {
	for _, mtu := range []int{0, 67, 65536} {
		if _, err := NewPipe("a", "b", mtu, 0); err == nil {
			t.Errorf("NewPipe(mtu %d) succeeded", mtu)
		}
	}
}
