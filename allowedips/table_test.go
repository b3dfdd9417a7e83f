package allowedips

import (
	"net/netip"
	"slices"
	"testing"
)

func mustPrefix(t testing.TB, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLookup(t *testing.T) {
	routes := map[string]int{
		"0.0.0.0/0":         1,
		"10.0.0.0/8":        2,
		"10.1.0.0/16":       3,
		"10.1.2.3/32":       4,
		"192.168.77.0/24":   5,
		"::/0":              6,
		"fd00::/8":          7,
		"fd00:1::/32":       8,
		"fd00:1::1/128":     9,
		"10.128.0.0/9":      10,
		"::ffff:0.0.0.0/96": 11,
	}
	var tb Table[int]
	for s, v := range routes {
		tb.Insert(mustPrefix(t, s), v)
	}
	tests := []struct {
		addr string
		want int // 0: no match
	}{
		{"1.2.3.4", 1},
		{"10.0.0.1", 2},
		{"10.1.0.1", 3},
		{"10.1.2.3", 4},
		{"10.1.2.4", 3},
		{"10.127.255.255", 2},
		{"10.128.0.0", 10},
		{"192.168.77.255", 5},
		{"192.168.78.0", 1},
		{"2001:db8::1", 6},
		{"fd00::1", 7},
		{"fd00:1::1", 9},
		{"fd00:1::2", 8},
		{"fd00:1::1%eth0", 9},
		{"::ffff:10.1.2.3", 11}, // a v4-mapped address is IPv6, as in WireGuard
	}
	for _, tt := range tests {
		got, ok := tb.Lookup(netip.MustParseAddr(tt.addr))
		if ok != (tt.want != 0) || got != tt.want {
			t.Errorf("Lookup(%s) = %d, %v; want %d", tt.addr, got, ok, tt.want)
		}
	}
	if _, ok := tb.Lookup(netip.Addr{}); ok {
		t.Error("Lookup(invalid address) matched")
	}
	if got := tb.Len(); got != len(routes) {
		t.Errorf("Len = %d, want %d", got, len(routes))
	}
}

func TestZeroTable(t *testing.T) {
	var tb Table[string]
	if _, ok := tb.Lookup(netip.MustParseAddr("1.1.1.1")); ok {
		t.Error("empty table matched")
	}
	if _, ok := tb.LookupPacket(v4Packet("1.1.1.1", "2.2.2.2"), true); ok {
		t.Error("empty table matched a packet")
	}
	tb.Remove(mustPrefix(t, "1.0.0.0/8"))
	tb.RemoveValue("x")
	tb.Insert(netip.Prefix{}, "invalid")
	if tb.Len() != 0 || len(tb.Prefixes("x")) != 0 {
		t.Error("empty table is not empty")
	}
}

func TestInsertReplaceRemove(t *testing.T) {
	var tb Table[string]
	a := netip.MustParseAddr("10.9.8.7")
	tb.Insert(mustPrefix(t, "10.9.8.1/24"), "alice") // host bits are masked
	tb.Insert(mustPrefix(t, "10.9.0.0/16"), "bob")
	if got, _ := tb.Lookup(a); got != "alice" {
		t.Fatalf("got %q, want alice", got)
	}
	tb.Insert(mustPrefix(t, "10.9.8.0/24"), "carol") // same prefix: new owner
	if got, _ := tb.Lookup(a); got != "carol" {
		t.Fatalf("after replace got %q, want carol", got)
	}
	if ps := tb.Prefixes("alice"); len(ps) != 0 {
		t.Errorf("alice still owns %v", ps)
	}
	if tb.Len() != 2 {
		t.Errorf("Len = %d, want 2", tb.Len())
	}
	tb.Remove(mustPrefix(t, "10.9.8.99/24"))
	if got, _ := tb.Lookup(a); got != "bob" {
		t.Fatalf("after remove got %q, want bob", got)
	}
	tb.Remove(mustPrefix(t, "10.9.8.0/24")) // absent: no effect
	tb.Remove(mustPrefix(t, "10.0.0.0/8"))  // absent but covering: no effect
	if tb.Len() != 1 {
		t.Errorf("Len = %d, want 1", tb.Len())
	}
}

func TestRemoveValueAndPrefixes(t *testing.T) {
	var tb Table[int]
	ins := []struct {
		p string
		v int
	}{
		{"fd00::/64", 1}, {"10.0.0.0/24", 1}, {"10.0.0.0/16", 1}, {"1.0.0.0/8", 1},
		{"10.0.1.0/24", 2}, {"::/0", 2}, {"10.0.0.128/25", 2},
	}
	for _, in := range ins {
		tb.Insert(mustPrefix(t, in.p), in.v)
	}
	want := []netip.Prefix{
		mustPrefix(t, "1.0.0.0/8"), mustPrefix(t, "10.0.0.0/16"),
		mustPrefix(t, "10.0.0.0/24"), mustPrefix(t, "fd00::/64"),
	}
	if got := tb.Prefixes(1); !slices.Equal(got, want) {
		t.Errorf("Prefixes(1) = %v, want %v", got, want)
	}
	tb.RemoveValue(1)
	if got := tb.Prefixes(1); len(got) != 0 {
		t.Errorf("after RemoveValue Prefixes(1) = %v", got)
	}
	if tb.Len() != 3 {
		t.Errorf("Len = %d, want 3", tb.Len())
	}
	checks := map[string]int{"10.0.0.1": 0, "10.0.0.200": 2, "10.0.1.1": 2, "fd00::1": 2, "1.2.3.4": 0}
	for s, want := range checks {
		got, ok := tb.Lookup(netip.MustParseAddr(s))
		if ok != (want != 0) || got != want {
			t.Errorf("Lookup(%s) = %d, %v; want %d", s, got, ok, want)
		}
	}
	checkTrie(t, &tb)
}

func v4Packet(src, dst string) []byte {
	p := make([]byte, 28)
	p[0] = 0x45
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	return p
}

func v6Packet(src, dst string) []byte {
	p := make([]byte, 48)
	p[0] = 0x60
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	copy(p[8:], s[:])
	copy(p[24:], d[:])
	return p
}

func TestLookupPacket(t *testing.T) {
	var tb Table[int]
	tb.Insert(mustPrefix(t, "10.0.0.0/8"), 1)
	tb.Insert(mustPrefix(t, "192.168.0.0/16"), 2)
	tb.Insert(mustPrefix(t, "fd00::/16"), 3)
	tb.Insert(mustPrefix(t, "2001:db8::/32"), 4)
	ihl6 := v4Packet("10.1.1.1", "192.168.1.1")
	ihl6[0] = 0x46
	badIHL := v4Packet("10.1.1.1", "192.168.1.1")
	badIHL[0] = 0x44
	tests := []struct {
		name string
		pkt  []byte
		dst  bool
		want int
	}{
		{"v4 dst", v4Packet("10.1.1.1", "192.168.1.1"), true, 2},
		{"v4 src", v4Packet("10.1.1.1", "192.168.1.1"), false, 1},
		{"v4 options", ihl6, true, 2},
		{"v4 no match", v4Packet("11.1.1.1", "8.8.8.8"), true, 0},
		{"v6 dst", v6Packet("fd00::1", "2001:db8::1"), true, 4},
		{"v6 src", v6Packet("fd00::1", "2001:db8::1"), false, 3},
		{"v4 short", v4Packet("10.1.1.1", "192.168.1.1")[:19], true, 0},
		{"v4 IHL below 5", badIHL, true, 0},
		{"v6 short", v6Packet("fd00::1", "2001:db8::1")[:39], true, 0},
		{"empty", nil, true, 0},
		{"version 5", append([]byte{0x55}, make([]byte, 60)...), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tb.LookupPacket(tt.pkt, tt.dst)
			if ok != (tt.want != 0) || got != tt.want {
				t.Errorf("got %d, %v; want %d", got, ok, tt.want)
			}
		})
	}
}

func TestLookupAllocs(t *testing.T) {
	var tb Table[*int]
	one := new(int)
	tb.Insert(mustPrefix(t, "10.0.0.0/8"), one)
	tb.Insert(mustPrefix(t, "fd00::/8"), one)
	a4, a6 := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("fd00::1")
	p4, p6 := v4Packet("1.1.1.1", "10.1.2.3"), v6Packet("::1", "fd00::1")
	allocs := testing.AllocsPerRun(1000, func() {
		tb.Lookup(a4)
		tb.Lookup(a6)
		tb.LookupPacket(p4, true)
		tb.LookupPacket(p6, true)
	})
	if allocs != 0 {
		t.Errorf("Lookup/LookupPacket allocate %.1f times per run, want 0", allocs)
	}
}

// checkTrie verifies the structure: children extend their parent's prefix at
// the right bit, and path compression holds (a node with no value has two
// children).
func checkTrie[T comparable](t *testing.T, tb *Table[T]) {
	t.Helper()
	r := tb.load()
	var check func(n *node[T], max uint8)
	check = func(n *node[T], max uint8) {
		if n == nil {
			return
		}
		if n.bits > max || n.mask != maskOf(n.bits) || n.k.and(n.mask) != n.k {
			t.Fatalf("bad node %+v", *n)
		}
		if !n.has && (n.child[0] == nil || n.child[1] == nil) {
			t.Fatalf("valueless node with fewer than two children at /%d", n.bits)
		}
		for b, c := range n.child {
			if c == nil {
				continue
			}
			if c.bits <= n.bits || common(c.k, n.k, n.bits) != n.bits || c.k.bit(n.bits) != b {
				t.Fatalf("child /%d does not extend parent /%d on side %d", c.bits, n.bits, b)
			}
			check(c, max)
		}
	}
	check(r.v4, 32)
	check(r.v6, 128)
}
