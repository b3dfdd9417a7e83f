//go:build linux

package tun_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/tun"
)

func TestCloseUnblocksRead(t *testing.T) {
	ns := netns.New(t)
	dev := openIn(t, ns, tun.Config{Name: "tc0"})
	errc := make(chan error, 1)
	go func() {
		bufs, sizes := makeBufs(1, 2048), make([]int, 1)
		_, err := dev.Read(bufs, sizes, tun.Headroom)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond) // let Read block in the poller
	start := time.Now()
	if err := dev.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, tun.ErrClosed) {
			t.Fatalf("read after close: %v, want ErrClosed", err)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Fatalf("read returned %v after close, want < 100ms", d)
		}
	case <-time.After(time.Second):
		t.Fatal("read still blocked 1s after close")
	}
}

func TestAfterClose(t *testing.T) {
	ns := netns.New(t)
	dev := openIn(t, ns, tun.Config{Name: "tc1", Queues: 2})
	if err := dev.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := dev.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := dev.Write(makeBufs(1, 64), tun.Headroom); !errors.Is(err, tun.ErrClosed) {
		t.Errorf("write after close: %v, want ErrClosed", err)
	}
	if _, err := dev.Read(makeBufs(1, 64), make([]int, 1), tun.Headroom); !errors.Is(err, tun.ErrClosed) {
		t.Errorf("read after close: %v, want ErrClosed", err)
	}
	for i, q := range dev.Queues() {
		if _, err := q.WritePacket(make([]byte, 40)); !errors.Is(err, tun.ErrClosed) {
			t.Errorf("queue %d: write after close: %v, want ErrClosed", i, err)
		}
	}
	if _, err := dev.AddQueue(); !errors.Is(err, tun.ErrClosed) {
		t.Errorf("add queue after close: %v, want ErrClosed", err)
	}
	// A non-persistent device is gone once its last queue is closed.
	if out, err := ns.Run("ip", "link", "show", "tc1"); err == nil {
		t.Errorf("tc1 still exists after close:\n%s", out)
	}
}

func TestReadDeadline(t *testing.T) {
	ns := netns.New(t)
	q := openIn(t, ns, tun.Config{Name: "td0"}).Queues()[0]
	if err := q.SetReadDeadline(time.Now().Add(30 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := q.ReadPacket(make([]byte, 2048)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	if err := q.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := q.ReadPacket(make([]byte, 2048)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read with a past deadline: %v, want os.ErrDeadlineExceeded", err)
	}
}

func TestBadOffset(t *testing.T) {
	ns := netns.New(t)
	dev := openIn(t, ns, tun.Config{Name: "to0"})
	if _, err := dev.Read(makeBufs(1, 64), make([]int, 1), tun.Headroom-1); err == nil {
		t.Error("read with offset below Headroom succeeded")
	}
	if _, err := dev.Write(makeBufs(1, 64), 0); err == nil {
		t.Error("write with offset 0 succeeded")
	}
	if _, err := dev.Read(makeBufs(2, 64), make([]int, 1), tun.Headroom); err == nil {
		t.Error("read with fewer sizes than buffers succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	ns := netns.New(t)
	openIn(t, ns, tun.Config{Name: "taken0"})
	for _, tc := range []struct {
		name string
		cfg  tun.Config
		want error
	}{
		{"too long", tun.Config{Name: strings.Repeat("x", 16)}, tun.ErrBadName},
		{"slash", tun.Config{Name: "a/b"}, tun.ErrBadName},
		{"colon", tun.Config{Name: "a:b"}, tun.ErrBadName},
		{"space", tun.Config{Name: "a b"}, tun.ErrBadName},
		{"dot", tun.Config{Name: "."}, tun.ErrBadName},
		{"two patterns", tun.Config{Name: "t%d%d"}, tun.ErrBadName},
		{"not a tun", tun.Config{Name: "lo"}, tun.ErrBadName},
		{"tun opened as tap", tun.Config{Name: "taken0", Kind: tun.TAP}, tun.ErrBadName},
		{"single queue in use", tun.Config{Name: "taken0"}, tun.ErrBusy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countFDs(t)
			err := ns.Do(func() error {
				dev, err := tun.Open(tc.cfg)
				if err == nil {
					dev.Close()
				}
				return err
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("open %+v: %v, want %v", tc.cfg, err, tc.want)
			}
			if after := countFDs(t); after > before {
				t.Fatalf("failed open leaked descriptors: %d before, %d after", before, after)
			}
		})
	}
}
