package iface

import "testing"

func TestParseTable(t *testing.T) {
	for _, c := range []struct {
		in   string
		want tableMode
		err  bool
	}{
		{"", tableMode{auto: true}, false},
		{"auto", tableMode{auto: true}, false},
		{"off", tableMode{off: true}, false},
		{"main", tableMode{num: 254}, false},
		{"1234", tableMode{num: 1234}, false},
		{"0", tableMode{}, true},
		{"-1", tableMode{}, true},
		{"lots", tableMode{}, true},
	} {
		got, err := parseTable(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("parseTable(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestMTUFromPaths(t *testing.T) {
	for _, c := range []struct {
		name  string
		paths []pathMTU
		want  int
	}{
		{"no endpoint", nil, DefaultMTU},
		{"one IPv6 path of 1400", []pathMTU{{1400, false}}, 1320},
		{"one IPv4 path of 1400", []pathMTU{{1400, true}}, 1340},
		{"IPv4 paths take the smallest", []pathMTU{{1500, true}, {1400, true}}, 1340},
		{"one IPv6 endpoint widens the overhead", []pathMTU{{1500, false}, {1400, true}}, 1320},
		{"ethernet IPv6", []pathMTU{{1500, false}}, 1420},
	} {
		if got := mtuFromPaths(c.paths); got != c.want {
			t.Errorf("%s: mtuFromPaths(%v) = %d, want %d", c.name, c.paths, got, c.want)
		}
	}
}
