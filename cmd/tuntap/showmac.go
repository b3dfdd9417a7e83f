package main

import (
	"strings"
	"time"
)

// macJSON is one learned MAC of a tap-mode interface: its port is a peer's
// public key or "local" (the interface's own TAP device).
type macJSON struct {
	MAC        string `json:"mac"`
	Port       string `json:"port"`
	AgeSeconds int64  `json:"age_seconds"`
}

// splitMACTable takes the "mac=MAC port=PORT age=AGE" lines of a get=tuntap
// answer out of the other extra lines.
func splitMACTable(extra []string) (macs []macJSON, rest []string) {
	for _, l := range extra {
		m, ok := parseMACLine(l)
		if ok {
			macs = append(macs, m)
		} else {
			rest = append(rest, l)
		}
	}
	return macs, rest
}

func parseMACLine(l string) (macJSON, bool) {
	var m macJSON
	if !strings.HasPrefix(l, "mac=") {
		return m, false
	}
	for _, f := range strings.Fields(l) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "mac":
			m.MAC = v
		case "port":
			m.Port = v
		case "age":
			if d, err := time.ParseDuration(v); err == nil {
				m.AgeSeconds = int64(d / time.Second)
			}
		}
	}
	return m, m.MAC != "" && m.Port != ""
}
