package l2switch

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// t0 is the fake clock's epoch; tests pass t0.Add(d) as now.
var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func mac(b byte) [6]byte { return [6]byte{0x02, 0, 0, 0, 0, b} }

var (
	bcast = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	mcast = [6]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}
)

func newSwitch(t testing.TB, cfg Config, ports ...string) *Switch[string] {
	t.Helper()
	s := New[string](cfg)
	for _, p := range ports {
		s.AddPort(p)
	}
	return s
}

func fwd(s *Switch[string], from string, dst [6]byte, now time.Time) ([]string, bool) {
	return s.Forward(from, dst, now, nil)
}

func TestLearnResults(t *testing.T) {
	tests := []struct {
		name string
		port string
		src  [6]byte
		want LearnResult
		drop bool
	}{
		{"new unicast", "a", mac(1), Learned, false},
		{"seen again", "a", mac(1), Refreshed, false},
		{"moves to b", "b", mac(1), Moved, false},
		{"broadcast source", "a", bcast, RefusedGroup, true},
		{"multicast source", "a", mcast, RefusedGroup, true},
		{"zero source", "a", [6]byte{}, RefusedZero, true},
		{"unknown port", "nope", mac(2), RefusedUnknownPort, true},
	}
	s := newSwitch(t, Config{}, "a", "b")
	for _, tt := range tests {
		got := s.Learn(tt.port, tt.src, t0)
		if got != tt.want || got.Drop() != tt.drop {
			t.Errorf("%s: Learn = %v (drop %v), want %v (drop %v)", tt.name, got, got.Drop(), tt.want, tt.drop)
		}
	}
	if tab := s.Table(t0); len(tab) != 1 || tab[0].MAC != mac(1) || tab[0].Port != "b" {
		t.Fatalf("Table = %+v, want only %v on b", tab, mac(1))
	}
	c := s.Counters()
	if c.Learned != 1 || c.Moved != 1 || c.RefusedGroup != 2 || c.RefusedZero != 1 ||
		c.RefusedUnknownPort != 1 || c.MACs != 1 || c.Ports != 2 {
		t.Fatalf("Counters = %+v", c)
	}
}

func TestDropResults(t *testing.T) {
	drop := map[LearnResult]bool{RefusedGroup: true, RefusedZero: true,
		RefusedNotAllowed: true, RefusedUnknownPort: true}
	for r := range numResults {
		if r.Drop() != drop[r] {
			t.Errorf("%v.Drop() = %v", r, r.Drop())
		}
		if r.String() == "invalid" {
			t.Errorf("result %d has no name", r)
		}
	}
}

func TestForward(t *testing.T) {
	s := newSwitch(t, Config{}, "tap", "p1", "p2", "p3")
	s.Learn("p1", mac(1), t0)
	s.Learn("p2", mac(2), t0)
	tests := []struct {
		name    string
		from    string
		dst     [6]byte
		want    []string
		flooded bool
	}{
		{"known unicast", "tap", mac(1), []string{"p1"}, false},
		{"hub forwarding between peers", "p1", mac(2), []string{"p2"}, false},
		{"known unicast back to its own port", "p1", mac(1), nil, false},
		{"unknown unicast floods but not back", "p2", mac(9), []string{"tap", "p1", "p3"}, true},
		{"broadcast floods but not back", "tap", bcast, []string{"p1", "p2", "p3"}, true},
		{"multicast floods even if learned-looking", "p3", mcast, []string{"tap", "p1", "p2"}, true},
		{"zero destination is unknown unicast", "p1", [6]byte{}, []string{"tap", "p2", "p3"}, true},
		{"from a non-port floods everywhere", "x", bcast, []string{"tap", "p1", "p2", "p3"}, true},
	}
	for _, tt := range tests {
		got, flooded := fwd(s, tt.from, tt.dst, t0)
		if !slices.Equal(got, tt.want) || flooded != tt.flooded {
			t.Errorf("%s: Forward = %v, %v; want %v, %v", tt.name, got, flooded, tt.want, tt.flooded)
		}
		if slices.Contains(got, tt.from) {
			t.Errorf("%s: frame sent back to %s", tt.name, tt.from)
		}
	}
	if c := s.Counters(); c.Flooded != 5 || c.Filtered != 1 {
		t.Fatalf("Flooded %d Filtered %d, want 5 and 1", c.Flooded, c.Filtered)
	}
}

func TestForwardAppends(t *testing.T) {
	s := newSwitch(t, Config{}, "a", "b", "c")
	buf := make([]string, 1, 8)
	buf[0] = "keep"
	out, _ := s.Forward("a", bcast, t0, buf)
	if !slices.Equal(out, []string{"keep", "b", "c"}) || &out[0] != &buf[0] {
		t.Fatalf("Forward did not append in place: %v", out)
	}
}

func TestAgeing(t *testing.T) {
	const age = 300 * time.Second
	s := newSwitch(t, Config{Ageing: age}, "a", "b")
	s.Learn("a", mac(1), t0)
	s.Learn("a", mac(2), t0)
	s.Learn("a", mac(2), t0.Add(200*time.Second)) // refreshed

	if got, _ := fwd(s, "b", mac(1), t0.Add(age)); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("entry gone at exactly Ageing: %v", got)
	}
	late := t0.Add(age + time.Nanosecond)
	if got, flooded := fwd(s, "b", mac(1), late); !flooded || !slices.Equal(got, []string{"a"}) {
		t.Fatalf("stale entry still used: %v flooded=%v", got, flooded)
	}
	if _, ok := s.Lookup(mac(2), late); !ok {
		t.Fatal("refreshed entry aged out")
	}
	if tab := s.Table(late); len(tab) != 1 || tab[0].MAC != mac(2) || tab[0].Age != 100*time.Second+time.Nanosecond {
		t.Fatalf("Table = %+v", tab)
	}
	if n := s.Expire(late); n != 1 {
		t.Fatalf("Expire = %d, want 1", n)
	}
	if n := s.Expire(t0.Add(200*time.Second + age + 1)); n != 1 {
		t.Fatalf("second Expire = %d, want 1", n)
	}
	if c := s.Counters(); c.MACs != 0 || c.Expired != 2 {
		t.Fatalf("after expiry: %+v", c)
	}
	if r := s.Learn("a", mac(1), late); r != Learned {
		t.Fatalf("relearn after expiry = %v", r)
	}
}

func TestStaleEntryFreesQuota(t *testing.T) {
	s := newSwitch(t, Config{Ageing: time.Minute, MaxMACsPerPort: 1}, "a", "b")
	s.Learn("a", mac(1), t0)
	if r := s.Learn("a", mac(2), t0); r != RefusedCap {
		t.Fatalf("second MAC = %v, want RefusedCap", r)
	}
	later := t0.Add(2 * time.Minute)
	if r := s.Learn("b", mac(1), later); r != Learned {
		t.Fatalf("stale MAC seen on another port = %v, want Learned (not Moved)", r)
	}
	if r := s.Learn("a", mac(2), later); r != Learned {
		t.Fatalf("after the stale entry left, = %v, want Learned", r)
	}
}

func TestMove(t *testing.T) {
	s := newSwitch(t, Config{MaxMACsPerPort: 1}, "a", "b", "c")
	s.Learn("a", mac(1), t0)
	if r := s.Learn("b", mac(1), t0); r != Moved {
		t.Fatalf("Learn = %v, want Moved", r)
	}
	if got, _ := fwd(s, "c", mac(1), t0); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("after move Forward = %v, want [b]", got)
	}
	// a gave up its only slot when the MAC left, so it can learn again.
	if r := s.Learn("a", mac(2), t0); r != Learned {
		t.Fatalf("old owner's quota not released: %v", r)
	}
	// c is full; a MAC moving to it is forgotten rather than left pointing
	// at the port it has left.
	s.Learn("c", mac(3), t0)
	if r := s.Learn("c", mac(1), t0); r != RefusedCap {
		t.Fatalf("move into a full port = %v, want RefusedCap", r)
	}
	if got, flooded := fwd(s, "c", mac(1), t0); !flooded || !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("Forward = %v flooded=%v, want flood", got, flooded)
	}
}

func TestAllowedMACs(t *testing.T) {
	s := newSwitch(t, Config{}, "tap", "peer")
	s.Learn("peer", mac(1), t0)
	s.Learn("peer", mac(2), t0)
	if err := s.SetAllowedMACs("peer", [][6]byte{mac(1), mac(3)}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(mac(2), t0); ok {
		t.Fatal("entry outside the new allowed list survived")
	}
	tests := []struct {
		src  [6]byte
		want LearnResult
	}{{mac(1), Refreshed}, {mac(2), RefusedNotAllowed}, {mac(3), Learned}, {mac(4), RefusedNotAllowed}}
	for _, tt := range tests {
		if r := s.Learn("peer", tt.src, t0); r != tt.want || r.Drop() != (tt.want == RefusedNotAllowed) {
			t.Errorf("Learn(%v) = %v, want %v", tt.src, r, tt.want)
		}
	}
	if r := s.Learn("tap", mac(4), t0); r != Learned {
		t.Fatalf("other port restricted too: %v", r)
	}
	if err := s.SetAllowedMACs("peer", nil); err != nil {
		t.Fatal(err)
	}
	if r := s.Learn("peer", mac(5), t0); r != Learned {
		t.Fatalf("after lifting the list: %v", r)
	}
	if err := s.SetAllowedMACs("ghost", nil); !errors.Is(err, ErrUnknownPort) {
		t.Fatalf("unknown port: %v", err)
	}
	if c := s.Counters(); c.RefusedNotAllowed != 2 {
		t.Fatalf("RefusedNotAllowed = %d", c.RefusedNotAllowed)
	}
}

func TestRemovePort(t *testing.T) {
	s := newSwitch(t, Config{}, "a", "b", "c")
	s.Learn("b", mac(1), t0)
	s.Learn("b", mac(2), t0)
	s.Learn("c", mac(3), t0)
	s.RemovePort("b")
	s.RemovePort("b") // idempotent
	if got, flooded := fwd(s, "a", mac(1), t0); !flooded || !slices.Equal(got, []string{"c"}) {
		t.Fatalf("Forward = %v flooded=%v, want flood to [c]", got, flooded)
	}
	if r := s.Learn("b", mac(9), t0); r != RefusedUnknownPort || !r.Drop() {
		t.Fatalf("Learn on removed port = %v", r)
	}
	if c := s.Counters(); c.MACs != 1 || c.Ports != 2 {
		t.Fatalf("Counters = %+v", c)
	}
	s.AddPort("b") // back with a fresh quota and no entries
	if r := s.Learn("b", mac(1), t0); r != Learned {
		t.Fatalf("re-added port: %v", r)
	}
	if got := s.Ports(); !slices.Equal(got, []string{"a", "c", "b"}) {
		t.Fatalf("Ports = %v", got)
	}
}

func TestSetPortLimit(t *testing.T) {
	s := newSwitch(t, Config{MaxMACsPerPort: 2}, "lan", "peer")
	if err := s.SetPortLimit("lan", 5); err != nil {
		t.Fatal(err)
	}
	learned := func(p string) int {
		n := 0
		for i := range byte(10) {
			if s.Learn(p, [6]byte{0x02, 1, 0, 0, p[0], i}, t0) == Learned {
				n++
			}
		}
		return n
	}
	if a, b := learned("lan"), learned("peer"); a != 5 || b != 2 {
		t.Fatalf("learned %d on lan and %d on peer, want 5 and 2", a, b)
	}
	if err := s.SetPortLimit("ghost", 1); !errors.Is(err, ErrUnknownPort) {
		t.Fatalf("unknown port: %v", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	got := New[int](Config{Ageing: -1}).Config()
	want := Config{Ageing: DefaultAgeing, MaxMACsPerPort: DefaultMaxMACsPerPort, MaxMACs: DefaultMaxMACs}
	if got != want {
		t.Fatalf("Config = %+v, want %+v", got, want)
	}
}
