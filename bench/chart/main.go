// Command chart draws bench/out/chart.svg from bench/out/results.json: per
// case, one-stream throughput next to throughput per CPU-second, because a
// tunnel that is fast only by burning both cores is not the same as one that
// is fast and cheap. Bars are medians over the run's rounds, whiskers the
// spread, because one sample on a shared machine says little. Standard library only, so the benchmark needs nothing
// beyond the Go toolchain.
//
// Usage: chart results.json chart.svg
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type results struct {
	Machine struct {
		Nproc    int    `json:"nproc"`
		CPUModel string `json:"cpu_model"`
		Kernel   string `json:"kernel"`
		Date     string `json:"date"`
	} `json:"machine"`
	Settings struct {
		DurationS int `json:"duration_s"`
		Rounds    int `json:"rounds"` // absent (0) in files from before rounds: one
	} `json:"settings"`
	Cases []benchCase `json:"cases"`
}

// benchCase holds the two charted figures (medians over the rounds) and
// their spread; nil means not measured (a failed or skipped case, or CPU for
// the plain veth).
type benchCase struct {
	Name       string           `json:"name"`
	Status     string           `json:"status"`
	Gbps1      *float64         `json:"tcp_1stream_gbps"`
	GbitPerCPU *float64         `json:"gbit_per_cpu_second"`
	Range      map[string]*span `json:"range"`
}

// span is one figure's spread over the rounds that were ok.
type span struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	N   int     `json:"n"`
}

// measured reports whether a case has figures to draw, and a note for a
// case that was ok in only some rounds: run.sh writes "ok" when every round
// was ok and "ok K/N" when only K of N were.
func measured(status string) (ok bool, note string) {
	if status == "ok" {
		return true, ""
	}
	if rest, found := strings.CutPrefix(status, "ok "); found && rest != "" {
		return true, rest + " rounds ok"
	}
	return false, ""
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: chart results.json chart.svg")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "chart:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read results: %w", err)
	}
	var r results
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("parse %s: %w", in, err)
	}
	if len(r.Cases) == 0 {
		return fmt.Errorf("%s has no cases", in)
	}
	if err := os.WriteFile(out, []byte(draw(&r)), 0o644); err != nil {
		return fmt.Errorf("write chart: %w", err)
	}
	return nil
}
