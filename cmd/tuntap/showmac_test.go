package main

import (
	"reflect"
	"testing"
)

func TestSplitMACTable(t *testing.T) {
	tests := []struct {
		name     string
		extra    []string
		wantMACs []macJSON
		wantRest []string
	}{
		{"empty", nil, nil, nil},
		{"entries and other lines",
			[]string{"mac=02:00:00:00:00:01 port=local age=12s", "mode=tap", "mac=02:00:00:00:00:02 port=abc= age=1m5s"},
			[]macJSON{{"02:00:00:00:00:01", "local", 12}, {"02:00:00:00:00:02", "abc=", 65}},
			[]string{"mode=tap"}},
		{"no port is not an entry", []string{"mac=02:00:00:00:00:01 age=1s"}, nil, []string{"mac=02:00:00:00:00:01 age=1s"}},
		{"bad age keeps the entry", []string{"mac=02:00:00:00:00:01 port=local age=x"}, []macJSON{{"02:00:00:00:00:01", "local", 0}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			macs, rest := splitMACTable(tt.extra)
			if !reflect.DeepEqual(macs, tt.wantMACs) || !reflect.DeepEqual(rest, tt.wantRest) {
				t.Fatalf("got %+v %q, want %+v %q", macs, rest, tt.wantMACs, tt.wantRest)
			}
		})
	}
}

func FuzzParseMACLine(f *testing.F) {
	f.Add("mac=02:00:00:00:00:01 port=local age=12s")
	f.Add("mac= port= age=")
	f.Add("mac=x port=y age=-9223372036854775808ns")
	f.Fuzz(func(t *testing.T, line string) {
		m, ok := parseMACLine(line)
		if ok && (m.MAC == "" || m.Port == "") {
			t.Fatalf("accepted %q as %+v", line, m)
		}
	})
}
