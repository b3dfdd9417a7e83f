package transport

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"
)

func listen(t testing.TB, opts Options) *UDP {
	t.Helper()
	u, err := Listen(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	return u
}

func datagrams(sizes ...int) [][]byte {
	out := make([][]byte, len(sizes))
	for i, n := range sizes {
		out[i] = make([]byte, n)
		for j := range out[i] {
			out[i][j] = byte(i*31 + j)
		}
	}
	return out
}

type received struct {
	data  [][]byte
	eps   []netip.AddrPort
	local []netip.Addr
}

// recvN reads until n datagrams arrived; a watchdog closes the socket after
// 5 s so that a lost datagram fails the test instead of hanging it.
func recvN(t testing.TB, u *UDP, n, bufSize, perCall int) received {
	t.Helper()
	watchdog := time.AfterFunc(5*time.Second, func() { u.Close() })
	defer watchdog.Stop()
	bufs := make([][]byte, perCall)
	for i := range bufs {
		bufs[i] = make([]byte, bufSize)
	}
	sizes, eps, locals := make([]int, perCall), make([]netip.AddrPort, perCall), make([]netip.Addr, perCall)
	var r received
	for len(r.data) < n {
		k, err := u.RecvLocal(bufs, sizes, eps, locals)
		if err != nil {
			t.Fatalf("after %d of %d datagrams: %v", len(r.data), n, err)
		}
		for i := 0; i < k; i++ {
			r.data = append(r.data, bytes.Clone(bufs[i][:sizes[i]]))
			r.eps = append(r.eps, eps[i])
			r.local = append(r.local, locals[i])
		}
	}
	return r
}

func equalBatches(t testing.TB, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d datagrams, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("datagram %d: got %d bytes, want %d (or content differs)", i, len(got[i]), len(want[i]))
		}
	}
}

func TestSendRecvBatch(t *testing.T) {
	for _, loop := range []string{"127.0.0.1", "::1"} {
		for _, off := range []struct{ gso, gro bool }{{true, true}, {false, false}, {true, false}, {false, true}} {
			name := fmt.Sprintf("%s/gso=%v/gro=%v", loop, off.gso, off.gro)
			t.Run(name, func(t *testing.T) {
				a := listen(t, Options{DisableGSO: !off.gso})
				b := listen(t, Options{DisableGRO: !off.gro})
				want := datagrams(1420, 1420, 1420, 1420, 700, 1, 1420, 1420, 0, 9000, 1200, 1200, 1200)
				dst := netip.AddrPortFrom(netip.MustParseAddr(loop), b.Port())
				if err := a.Send(want, dst); err != nil {
					t.Fatal(err)
				}
				r := recvN(t, b, len(want), 9100, 8)
				equalBatches(t, r.data, want)
				from := netip.AddrPortFrom(netip.MustParseAddr(loop), a.Port())
				for i := range r.eps {
					if r.eps[i] != from || r.local[i] != from.Addr() {
						t.Fatalf("datagram %d from %v to %v, want from %v to %v", i, r.eps[i], r.local[i], from, from.Addr())
					}
				}
			})
		}
	}
}

func TestGSOOnOffIdentical(t *testing.T) {
	want := datagrams(1420, 1420, 1420, 1420, 1420, 1420, 1000, 1420, 1420, 300, 300, 300, 64)
	var got [2][][]byte
	for i, disable := range []bool{false, true} {
		a := listen(t, Options{DisableGSO: disable})
		b := listen(t, Options{DisableGRO: true})
		if err := a.Send(want, netip.MustParseAddrPort(fmt.Sprintf("127.0.0.1:%d", b.Port()))); err != nil {
			t.Fatal(err)
		}
		got[i] = recvN(t, b, len(want), 2000, 64).data
	}
	equalBatches(t, got[0], want)
	equalBatches(t, got[1], got[0])
}

func TestCloseUnblocksRecv(t *testing.T) {
	for _, gro := range []bool{true, false} {
		u, err := Listen(Options{DisableGRO: !gro})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := u.Recv([][]byte{make([]byte, 1500)}, []int{0}, []netip.AddrPort{{}})
			done <- err
		}()
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		if err := u.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("blocked Recv returned %v, want net.ErrClosed", err)
			}
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Fatalf("Recv returned %v after Close", d)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Recv still blocked 2 s after Close")
		}
		if err := u.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if err := u.Send(datagrams(1), netip.MustParseAddrPort("127.0.0.1:9")); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Send after Close: %v", err)
		}
		if _, err := u.Recv([][]byte{make([]byte, 1)}, []int{0}, []netip.AddrPort{{}}); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Recv after Close: %v", err)
		}
	}
}

func TestDualStackUnmapsIPv4(t *testing.T) {
	b := listen(t, Options{})
	if c, err := net.ListenPacket("udp6", "[::1]:0"); err != nil {
		t.Skip("no IPv6 on this host")
	} else {
		c.Close()
	}
	c, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: int(b.Port())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	r := recvN(t, b, 1, 100, 1)
	if want := c.LocalAddr().(*net.UDPAddr).AddrPort(); r.eps[0] != want || !r.eps[0].Addr().Is4() {
		t.Fatalf("source %v, want plain IPv4 %v", r.eps[0], want)
	}
}

func TestBadEndpoint(t *testing.T) {
	u := listen(t, Options{})
	if err := u.Send(datagrams(1), netip.AddrPort{}); err == nil {
		t.Fatal("send to the zero endpoint succeeded")
	}
	if _, err := u.Recv(nil, nil, nil); err == nil {
		t.Fatal("Recv with no buffers succeeded")
	}
}
