package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMeasured(t *testing.T) {
	for _, tc := range []struct {
		status string
		ok     bool
		note   string
	}{
		{"ok", true, ""},
		{"ok 2/3", true, "2/3 rounds ok"},
		{"FAIL", false, ""},
		{"SKIP", false, ""},
		{"ok ", false, ""},
		{"", false, ""},
		{"okay", false, ""},
	} {
		ok, note := measured(tc.status)
		if ok != tc.ok || note != tc.note {
			t.Errorf("measured(%q) = %v, %q; want %v, %q", tc.status, ok, note, tc.ok, tc.note)
		}
	}
}

func TestWhisker(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sp     *span
		ok     bool
		lo, hi float64
	}{
		{"missing", nil, false, 0, 0},
		{"one round", &span{Min: 1, Max: 2, N: 1}, false, 0, 0},
		{"rounds agree", &span{Min: 2, Max: 2, N: 3}, false, 0, 0},
		{"spread", &span{Min: 1.5, Max: 2.5, N: 3}, true, 1.5, 2.5},
		{"inverted", &span{Min: 3, Max: 2, N: 2}, false, 0, 0},
	} {
		lo, hi, ok := whisker(tc.sp)
		if ok != tc.ok || lo != tc.lo || hi != tc.hi {
			t.Errorf("%s: whisker = %v, %v, %v; want %v, %v, %v", tc.name, lo, hi, ok, tc.lo, tc.hi, tc.ok)
		}
	}
}

// TestRun draws a results file as run.sh writes it (with and without
// rounds) and checks what a reader would see in the chart.
func TestRun(t *testing.T) {
	const withRounds = `{"machine": {"nproc": 2}, "settings": {"duration_s": 2, "rounds": 3}, "cases": [
	  {"name": "wireguard-go", "status": "ok", "tcp_1stream_gbps": 2.0, "gbit_per_cpu_second": 1.0,
	   "range": {"tcp_1stream_gbps": {"median": 2.0, "min": 1.5, "max": 9.5, "n": 3},
	             "gbit_per_cpu_second": {"median": 1.0, "min": 1.0, "max": 1.0, "n": 3}}},
	  {"name": "tuntap-tun", "status": "ok 2/3", "tcp_1stream_gbps": 3.0, "gbit_per_cpu_second": null,
	   "range": {"tcp_1stream_gbps": {"median": 3.0, "min": 2.9, "max": 3.1, "n": 2}, "gbit_per_cpu_second": null}},
	  {"name": "bogus", "status": "FAIL", "tcp_1stream_gbps": null, "gbit_per_cpu_second": null}]}`
	const oneSample = `{"machine": {"nproc": 2}, "settings": {"duration_s": 2}, "cases": [
	  {"name": "veth", "status": "ok", "tcp_1stream_gbps": 20.0, "gbit_per_cpu_second": null}]}`
	for _, tc := range []struct {
		name, in string
		want     []string
		notWant  []string
	}{
		{"rounds", withRounds,
			[]string{"median of 3 rounds", "2/3 rounds ok", "FAIL", "whiskers", "<path", ">10<"},
			nil},
		{"one sample", oneSample,
			[]string{"1 round", "veth", "n/a"},
			[]string{"<path", "whiskers", "rounds ok"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "results.json"), filepath.Join(dir, "chart.svg")
			if err := os.WriteFile(in, []byte(tc.in), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := run(in, out); err != nil {
				t.Fatalf("run: %v", err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if err := xml.Unmarshal(b, new(struct{})); err != nil {
				t.Errorf("chart is not well-formed XML: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("chart lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("chart has %q", w)
				}
			}
		})
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, in string }{
		{"not json", "{"},
		{"no cases", `{"cases": []}`},
	} {
		in := filepath.Join(dir, "r.json")
		if err := os.WriteFile(in, []byte(tc.in), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := run(in, filepath.Join(dir, "c.svg")); err == nil {
			t.Errorf("%s: run succeeded", tc.name)
		}
	}
}
