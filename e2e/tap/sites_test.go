//go:build linux

package taptest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/ether"
	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// threeSites is a hub and two spokes, each a namespace with a tap-mode
// tuntap. The spokes reach only the hub's underlay, so everything between
// them goes through the hub's switch (hub forwarding).
type threeSites struct {
	hub, a, b *site
}

const (
	hubMAC   = "02:11:00:00:00:01"
	spokeA   = "02:11:00:00:00:02"
	spokeB   = "02:11:00:00:00:03"
	jumboMTU = 8000
)

func newThreeSites(t *testing.T) *threeSites {
	t.Helper()
	nh, na, nb := netns.New(t), netns.New(t), netns.New(t)
	netns.Veth(t, nh, "ua", na, "eth0")
	netns.Veth(t, nh, "ub", nb, "eth0")
	nh.MustRun(t, "ip", "addr", "add", "10.210.1.1/24", "dev", "ua")
	nh.MustRun(t, "ip", "addr", "add", "10.210.2.1/24", "dev", "ub")
	na.MustRun(t, "ip", "addr", "add", "10.210.1.2/24", "dev", "eth0")
	nb.MustRun(t, "ip", "addr", "add", "10.210.2.2/24", "dev", "eth0")
	for _, ns := range []*netns.NS{nh, na, nb} {
		noDAD(t, ns)
	}
	kh, ka, kb := e2etest.NewKey(t), e2etest.NewKey(t), e2etest.NewKey(t)
	setMAC := func(mac string) []string { return []string{"ip link set dev %i address " + mac} }
	hub := e2etest.Conf{Key: kh, Port: 51820, MTU: jumboMTU, Addrs: []string{"10.211.0.1/24", "fd11::1/64"}, PostUp: setMAC(hubMAC),
		Peers: []e2etest.Peer{{Pub: ka.Pub}, {Pub: kb.Pub, AllowedMACs: []string{spokeB}}}}
	a := e2etest.Conf{Key: ka, Port: 51821, MTU: jumboMTU, Addrs: []string{"10.211.0.2/24", "fd11::2/64"}, PostUp: setMAC(spokeA),
		Peers: []e2etest.Peer{{Pub: kh.Pub, Endpoint: "10.210.1.1:51820", Keepalive: 5}}}
	b := e2etest.Conf{Key: kb, Port: 51822, MTU: jumboMTU, Addrs: []string{"10.211.0.3/24", "fd11::3/64"}, PostUp: setMAC(spokeB),
		Peers: []e2etest.Peer{{Pub: kh.Pub, Endpoint: "10.210.2.1:51820", Keepalive: 5}}}
	s := &threeSites{hub: startSite(t, "hub", nh, hub), a: startSite(t, "spoke-a", na, a), b: startSite(t, "spoke-b", nb, b)}
	for _, x := range []*site{s.hub, s.a, s.b} {
		x.waitUp(t)
	}
	return s
}

// waitUp waits until PostUp has run: the TAP device has the MAC the
// config's hook gives it.
func (s *site) waitUp(t *testing.T) {
	t.Helper()
	want := strings.TrimPrefix(s.cfg.PostUp[0], "ip link set dev %i address ")
	if !e2etest.WaitFor(20*time.Second, func() bool {
		s.mac = linkMAC(t, s.NS, s.Name)
		return s.mac.String() == want
	}) {
		t.Fatalf("%s: %s never got MAC %s (has %s)", s.label, s.Name, want, s.mac)
	}
}

func (x *threeSites) all() []*site { return []*site{x.hub, x.a, x.b} }

func (s *site) v4() string { return strings.TrimSuffix(s.cfg.Addrs[0], "/24") }
func (s *site) v6() string { return strings.TrimSuffix(s.cfg.Addrs[1], "/64") }

func marker(t testing.TB) []byte {
	t.Helper()
	m := make([]byte, 16)
	if _, err := rand.Read(m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mac6(s string) [6]byte {
	var m [6]byte
	fmt.Sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5])
	return m
}

var broadcast = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// frameOf builds a frame from src to dst carrying marker and padding.
func frameOf(src, dst [6]byte, tags []ether.Tag, typ uint16, mark []byte, size int) []byte {
	payload := append([]byte(nil), mark...)
	for i := 0; len(payload) < size; i++ {
		payload = append(payload, byte(i))
	}
	f := ether.Frame{Dst: dst, Src: src, Tags: tags, EtherType: typ, Payload: payload}
	b, _ := f.MarshalBinary()
	return b
}

func TestThreeSites(t *testing.T) {
	x := newThreeSites(t)
	pairs := [][2]*site{{x.hub, x.a}, {x.hub, x.b}, {x.a, x.b}, {x.b, x.a}}

	t.Run("ping every pair", func(t *testing.T) {
		for _, p := range pairs {
			ping(t, p[0].NS, p[1].v4())
			ping(t, p[0].NS, p[1].v6())
		}
		// ARP resolved the peers' real MACs.
		out := x.a.NS.MustRun(t, "ip", "neigh", "show", "dev", ifName)
		for _, want := range []string{hubMAC, spokeB} {
			if !strings.Contains(out, want) {
				t.Errorf("spoke A's neighbour table lacks %s:\n%s", want, out)
			}
		}
	})

	t.Run("broadcast reaches every site once", func(t *testing.T) {
		for _, from := range x.all() {
			mark := marker(t)
			socks := map[*site]*rawSock{}
			for _, s := range x.all() {
				socks[s] = openRaw(t, s.NS, ifName)
			}
			socks[from].send(t, frameOf(mac6(from.mac.String()), broadcast, nil, 0x88B5, mark, 100))
			for _, s := range x.all() {
				got := socks[s].collect(1500*time.Millisecond, containing(mark))
				want := 1
				if s == from {
					want = 0 // split horizon: never back to its source
				}
				if len(got) != want {
					t.Errorf("broadcast from %s: %s received it %d times, want %d", from.label, s.label, len(got), want)
				}
			}
		}
	})

	t.Run("tagged and non-IP frames arrive byte-exact", func(t *testing.T) {
		vlan := []ether.Tag{{TPID: ether.TypeVLAN, TCI: 0x2064}}
		qinq := []ether.Tag{{TPID: ether.TypeQinQ, TCI: 0x0123}, {TPID: ether.TypeVLAN, TCI: 0x0456}}
		tests := []struct {
			name     string
			from, to *site
			dst      string
			tags     []ether.Tag
			typ      uint16
		}{
			{"802.1Q spoke to spoke", x.a, x.b, spokeB, vlan, 0x0800},
			{"Q-in-Q spoke to spoke", x.a, x.b, spokeB, qinq, 0x86DD},
			{"0x88B5 spoke to spoke", x.b, x.a, spokeA, nil, 0x88B5},
			{"802.1Q hub to spoke", x.hub, x.a, spokeA, vlan, 0x88B5},
			{"Q-in-Q spoke to hub", x.b, x.hub, hubMAC, qinq, 0x88B5},
			{"802.1Q broadcast", x.a, x.hub, "ff:ff:ff:ff:ff:ff", vlan, 0x88B5},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mark := marker(t)
				in := openRaw(t, tt.to.NS, ifName)
				out := openRaw(t, tt.from.NS, ifName)
				f := frameOf(mac6(tt.from.mac.String()), mac6(tt.dst), tt.tags, tt.typ, mark, 200)
				out.send(t, f)
				got := in.collect(1500*time.Millisecond, containing(mark))
				if len(got) != 1 {
					t.Fatalf("%s received %d copies, want 1", tt.to.label, len(got))
				}
				if !bytes.Equal(got[0], f) {
					t.Fatalf("frame changed on the way:\nsent %x\ngot  %x", f, got[0])
				}
			})
		}
	})

	t.Run("jumbo frames fragment outside, not inside", func(t *testing.T) {
		for _, p := range [][2]*site{{x.a, x.b}, {x.hub, x.a}} {
			ping(t, p[0].NS, p[1].v4(), "-s", "7000", "-M", "do")
			ping(t, p[0].NS, p[1].v6(), "-s", "7000", "-M", "do")
		}
	})

	t.Run("mac table and counters in tuntap show", func(t *testing.T) {
		st := x.hub.Show(t)
		want := map[string]string{hubMAC: "local", spokeA: x.a.cfg.Key.Pub.String(), spokeB: x.b.cfg.Key.Pub.String()}
		for _, e := range st.MACTable {
			if p, ok := want[e.MAC]; ok {
				if e.Port != p {
					t.Errorf("MAC %s on port %s, want %s", e.MAC, e.Port, p)
				}
				delete(want, e.MAC)
			}
		}
		if len(want) > 0 {
			t.Errorf("hub's MAC table lacks %v: %+v", want, st.MACTable)
		}
		if st.Counters["switch_learned"] < 3 || st.Counters["switch_flooded"] < 1 || st.Counters["switch_macs"] < 3 {
			t.Errorf("hub's switch counters: %v", st.Counters)
		}
		text := x.hub.showText(t)
		if !strings.Contains(text, "mac table:") || !strings.Contains(text, spokeA) {
			t.Errorf("tuntap show has no MAC table:\n%s", text)
		}
		t.Logf("tuntap show (hub):\n%s", text)
	})

	t.Run("spoofed source MAC is refused and counted", func(t *testing.T) {
		before := x.hub.Show(t).Counters
		mark := marker(t)
		inA, inHub := openRaw(t, x.a.NS, ifName), openRaw(t, x.hub.NS, ifName)
		out := openRaw(t, x.b.NS, ifName)
		const n = 5
		for range n {
			out.send(t, frameOf(mac6("02:11:00:00:00:99"), broadcast, nil, 0x88B5, mark, 100))
		}
		if got := len(inA.collect(time.Second, containing(mark))) + len(inHub.collect(100*time.Millisecond, containing(mark))); got != 0 {
			t.Errorf("%d spoofed frames were forwarded", got)
		}
		after := x.hub.Show(t).Counters
		for _, k := range []string{"switch_refused_not_allowed", "drop_switch_refused"} {
			if after[k]-before[k] < n {
				t.Errorf("%s rose from %d to %d, want +%d", k, before[k], after[k], n)
			}
		}
		// The same frame from B's own MAC passes.
		legit := frameOf(mac6(spokeB), broadcast, nil, 0x88B5, mark, 100)
		out.send(t, legit)
		if got := inA.collect(1500*time.Millisecond, containing(mark)); len(got) != 1 {
			t.Errorf("B's frame from its own MAC arrived %d times at A, want 1", len(got))
		}
	})

}
