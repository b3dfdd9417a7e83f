package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/tuntap/tuntap/iface"
	"github.com/tuntap/tuntap/uapi"
)

func init() {
	register("show", "show interfaces, peers, handshakes, transfer and drop counters (like wg show)", runShow)
}

func runShow(args []string) int {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	sockDir := fs.String("socket-dir", iface.DefaultSocketDir(), "directory of the control sockets")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tuntap show [--json] [NAME]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	names := fs.Args()
	if len(names) == 0 {
		var err error
		if names, err = uapi.Sockets(*sockDir); err != nil {
			fmt.Fprintln(os.Stderr, "tuntap show:", err)
			return 1
		}
	}
	var states []*uapi.State
	rc := 0
	for _, n := range names {
		st, err := uapi.Get(*sockDir, n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tuntap show:", err)
			rc = 1
			continue
		}
		states = append(states, st)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(showJSON(states)); err != nil {
			return 1
		}
		return rc
	}
	for i, st := range states {
		if i > 0 {
			fmt.Println()
		}
		printState(os.Stdout, st, time.Now())
	}
	return rc
}

func printState(w io.Writer, st *uapi.State, now time.Time) {
	fmt.Fprintf(w, "interface: %s\n", st.Name)
	if !st.PublicKey.IsZero() {
		fmt.Fprintf(w, "  public key: %s\n", st.PublicKey)
	}
	fmt.Fprintf(w, "  private key: (hidden)\n  listening port: %d\n", st.ListenPort)
	for _, p := range st.Peers {
		fmt.Fprintf(w, "\npeer: %s\n", p.PublicKey)
		if p.HasPresharedKey {
			fmt.Fprintf(w, "  preshared key: (hidden)\n")
		}
		if p.Endpoint.IsValid() {
			fmt.Fprintf(w, "  endpoint: %s\n", p.Endpoint)
		}
		ips := make([]string, len(p.AllowedIPs))
		for i, a := range p.AllowedIPs {
			ips[i] = a.String()
		}
		if len(ips) == 0 {
			ips = []string{"(none)"}
		}
		fmt.Fprintf(w, "  allowed ips: %s\n", strings.Join(ips, ", "))
		if !p.LastHandshake.IsZero() {
			fmt.Fprintf(w, "  latest handshake: %s ago\n", now.Sub(p.LastHandshake).Round(time.Second))
		}
		if p.RxBytes+p.TxBytes > 0 {
			fmt.Fprintf(w, "  transfer: %s received, %s sent\n", bytesStr(p.RxBytes), bytesStr(p.TxBytes))
		}
		if p.PersistentKeepalive > 0 {
			fmt.Fprintf(w, "  persistent keepalive: every %s\n", p.PersistentKeepalive)
		}
	}
	if len(st.Counters) > 0 {
		keys := make([]string, 0, len(st.Counters))
		for k := range st.Counters {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(w, "\ncounters:\n")
		for _, k := range keys {
			fmt.Fprintf(w, "  %s: %d\n", k, st.Counters[k])
		}
	}
	macs, rest := splitMACTable(st.Extra)
	if len(macs) > 0 {
		fmt.Fprintf(w, "\nmac table:\n")
		for _, m := range macs {
			fmt.Fprintf(w, "  %s  %-44s  %s\n", m.MAC, m.Port, time.Duration(m.AgeSeconds)*time.Second)
		}
	}
	for _, l := range rest {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

func bytesStr(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.2f %s", f, units[i])
}

type peerJSON struct {
	PublicKey           string   `json:"public_key"`
	Endpoint            string   `json:"endpoint,omitempty"`
	AllowedIPs          []string `json:"allowed_ips"`
	LatestHandshake     int64    `json:"latest_handshake"` // unix seconds, 0 = never
	RxBytes             uint64   `json:"rx_bytes"`
	TxBytes             uint64   `json:"tx_bytes"`
	PersistentKeepalive int      `json:"persistent_keepalive"`
}

type ifaceJSON struct {
	Name       string            `json:"name"`
	PublicKey  string            `json:"public_key"`
	ListenPort int               `json:"listen_port"`
	Peers      []peerJSON        `json:"peers"`
	Counters   map[string]uint64 `json:"counters"`
	MACTable   []macJSON         `json:"mac_table,omitempty"`
	Extra      []string          `json:"extra,omitempty"`
}

func showJSON(states []*uapi.State) []ifaceJSON {
	out := []ifaceJSON{}
	for _, st := range states {
		j := ifaceJSON{Name: st.Name, PublicKey: st.PublicKey.String(), ListenPort: st.ListenPort, Counters: st.Counters, Peers: []peerJSON{}}
		j.MACTable, j.Extra = splitMACTable(st.Extra)
		for _, p := range st.Peers {
			pj := peerJSON{PublicKey: p.PublicKey.String(), RxBytes: p.RxBytes, TxBytes: p.TxBytes,
				PersistentKeepalive: int(p.PersistentKeepalive / time.Second), AllowedIPs: []string{}}
			if p.Endpoint.IsValid() {
				pj.Endpoint = p.Endpoint.String()
			}
			if !p.LastHandshake.IsZero() {
				pj.LatestHandshake = p.LastHandshake.Unix()
			}
			for _, a := range p.AllowedIPs {
				pj.AllowedIPs = append(pj.AllowedIPs, a.String())
			}
			j.Peers = append(j.Peers, pj)
		}
		out = append(out, j)
	}
	return out
}
