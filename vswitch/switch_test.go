package vswitch

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/tuntap/tuntap/ether"
	"github.com/tuntap/tuntap/tun"
)

// station is a machine behind one port: it sends into the switch through
// its end of a pipe and receives from it.
type station struct {
	mac  [6]byte
	end  *PipeEnd // the machine's side
	port *Port
}

func newRig(t testing.TB, n int, mtus ...int) (*Switch, []*station) {
	t.Helper()
	s := New(Config{})
	t.Cleanup(func() { s.Close() })
	var st []*station
	for i := range n {
		mtu := 1500
		if i < len(mtus) {
			mtu = mtus[i]
		}
		p, err := NewPipe(fmt.Sprintf("port%d", i), fmt.Sprintf("vm%d", i), mtu, 64)
		if err != nil {
			t.Fatal(err)
		}
		port, err := s.AddPort(p.A())
		if err != nil {
			t.Fatal(err)
		}
		st = append(st, &station{mac: [6]byte{0x02, 0, 0, 0, 0, byte(i + 1)}, end: p.B(), port: port})
	}
	return s, st
}

func (st *station) frame(dst [6]byte, payload string) []byte {
	f := ether.Frame{Dst: dst, Src: st.mac, EtherType: 0x88B5, Payload: []byte(payload)}
	b, _ := f.MarshalBinary()
	return b
}

func (st *station) send(t testing.TB, frame []byte) {
	t.Helper()
	if _, err := st.end.Write([][]byte{withHeadroom(frame)}, tun.Headroom); err != nil {
		t.Fatal(err)
	}
}

// expect reads one frame at st and checks it, or checks that none comes.
func (st *station) expect(t *testing.T, want []byte) {
	t.Helper()
	bufs := [][]byte{make([]byte, 2000)}
	sizes := []int{0}
	got := make(chan []byte, 1)
	go func() {
		if n, err := st.end.Read(bufs, sizes, tun.Headroom); err == nil && n == 1 {
			got <- bufs[0][tun.Headroom : tun.Headroom+sizes[0]]
		}
	}()
	wait := 3 * time.Second
	if want == nil {
		wait = 200 * time.Millisecond
	}
	select {
	case g := <-got:
		if !bytes.Equal(g, want) {
			t.Fatalf("%s got %x, want %x", st.end.Name(), g, want)
		}
	case <-time.After(wait):
		if want != nil {
			t.Fatalf("%s got nothing, want %x", st.end.Name(), want)
		}
		// Leave the pending read: the rig's Close ends it.
	}
}

var bcast = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

func TestSwitchFloodsThenLearns(t *testing.T) {
	s, st := newRig(t, 3)
	// Unknown destination: flooded to every port but the source.
	f := st[0].frame(st[1].mac, "hello")
	st[0].send(t, f)
	st[1].expect(t, f)
	st[2].expect(t, f)
	// The reply goes to port 0 alone: its source was learned.
	r := st[1].frame(st[0].mac, "reply")
	st[1].send(t, r)
	st[0].expect(t, r)
	st[2].expect(t, nil)
	// Now both are known: unicast reaches exactly one port.
	f2 := st[0].frame(st[1].mac, "again")
	st[0].send(t, f2)
	st[1].expect(t, f2)
	st[2].expect(t, nil)
	c := s.Counters()
	if c.Learned != 2 || c.Flooded != 1 || c.MACs != 2 {
		t.Fatalf("counters %+v: want 2 learned, 1 flooded, 2 MACs", c)
	}
	tbl := s.Table()
	if len(tbl) != 2 || tbl[0].Port != "port0" || tbl[1].Port != "port1" {
		t.Fatalf("table %+v", tbl)
	}
}

func TestSwitchBroadcastNeverReturnsToSource(t *testing.T) {
	_, st := newRig(t, 3)
	b := st[2].frame(bcast, "who has")
	st[2].send(t, b)
	st[0].expect(t, b)
	st[1].expect(t, b)
	st[2].expect(t, nil)
}

func TestSwitchDropsAndCounts(t *testing.T) {
	s, st := newRig(t, 2, 1500, 1000)
	tests := []struct {
		name  string
		frame []byte
		check func(Counters) bool
	}{
		{"short", []byte{1, 2, 3}, func(c Counters) bool { return c.Malformed == 1 }},
		{"group source", (&station{mac: bcast}).frame(st[1].mac, "x"), func(c Counters) bool { return c.Refused == 1 }},
		{"zero source", (&station{}).frame(st[1].mac, "x"), func(c Counters) bool { return c.Refused == 2 }},
		{"too big for the other port", st[0].frame(bcast, string(make([]byte, 1200))), func(c Counters) bool { return c.TooBig == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st[0].send(t, tt.frame)
			st[1].expect(t, nil)
			if c := s.Counters(); !tt.check(c) {
				t.Fatalf("counters %+v", c)
			}
		})
	}
}

func TestSwitchRemovesClosedPort(t *testing.T) {
	s, st := newRig(t, 3)
	st[2].end.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Ports()) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("closed port still there: %d ports", len(s.Ports()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	f := st[0].frame(bcast, "still works")
	st[0].send(t, f)
	st[1].expect(t, f)
}

func TestAddPortRefusesTUN(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	if _, err := s.AddPort(&tunDev{}); err == nil {
		t.Fatal("a TUN device became a switch port")
	}
}

type tunDev struct{ PipeEnd }

func (*tunDev) Kind() tun.Kind { return tun.TUN }
func (*tunDev) Name() string   { return "tun0" }

// TestForwardAllocatesNothing pins the steady state: a batch of known
// unicast and flooded frames costs no allocation.
func TestForwardAllocatesNothing(t *testing.T) {
	s, st := newRig(t, 3)
	now := time.Now()
	s.sw.Learn(st[1].port, st[1].mac, now)
	frames := [][]byte{
		withHeadroom(st[0].frame(st[1].mac, "unicast")),
		withHeadroom(st[0].frame(bcast, "flood")),
	}
	sizes := []int{len(frames[0]) - tun.Headroom, len(frames[1]) - tun.Headroom}
	var b batch
	drain := func() {
		bufs := [][]byte{make([]byte, 2000), make([]byte, 2000)}
		sz := make([]int, 2)
		for _, x := range st[1:] {
			x.end.Read(bufs, sz, tun.Headroom)
		}
	}
	s.forward(st[0].port, &b, frames, sizes, now)
	drain()
	rbufs := [][]byte{make([]byte, 2000), make([]byte, 2000)}
	rsizes := make([]int, 2)
	allocs := testing.AllocsPerRun(100, func() {
		s.forward(st[0].port, &b, frames, sizes, now)
		for _, x := range st[1:] {
			x.end.Read(rbufs, rsizes, tun.Headroom)
		}
	})
	if allocs != 0 {
		t.Fatalf("forward: %.1f allocations per batch, want 0", allocs)
	}
}

func BenchmarkForward(b *testing.B) {
	s, st := newRig(b, 2)
	now := time.Now()
	s.sw.Learn(st[1].port, st[1].mac, now)
	frame := withHeadroom(st[0].frame(st[1].mac, string(make([]byte, 1400))))
	frames, sizes := [][]byte{frame}, []int{len(frame) - tun.Headroom}
	rbufs, rsizes := [][]byte{make([]byte, 2000)}, []int{0}
	var bt batch
	b.SetBytes(int64(sizes[0]))
	for b.Loop() {
		s.forward(st[0].port, &bt, frames, sizes, now)
		st[1].end.Read(rbufs, rsizes, tun.Headroom)
	}
}
