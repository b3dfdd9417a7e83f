package e2etest

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/noise"
)

// ShowPeer, MACEntry and Iface mirror `tuntap show --json`.
type ShowPeer struct {
	PublicKey       string   `json:"public_key"`
	Endpoint        string   `json:"endpoint"`
	AllowedIPs      []string `json:"allowed_ips"`
	LatestHandshake int64    `json:"latest_handshake"`
	RxBytes         uint64   `json:"rx_bytes"`
	TxBytes         uint64   `json:"tx_bytes"`
}

type MACEntry struct {
	MAC        string `json:"mac"`
	Port       string `json:"port"`
	AgeSeconds int64  `json:"age_seconds"`
}

type Iface struct {
	Name       string            `json:"name"`
	PublicKey  string            `json:"public_key"`
	ListenPort int               `json:"listen_port"`
	Peers      []ShowPeer        `json:"peers"`
	Counters   map[string]uint64 `json:"counters"`
	MACTable   []MACEntry        `json:"mac_table"`
}

// Peer finds the peer with public key pub.
func (s Iface) Peer(pub noise.PublicKey) (ShowPeer, bool) {
	for _, p := range s.Peers {
		if p.PublicKey == pub.String() {
			return p, true
		}
	}
	return ShowPeer{}, false
}

// Show runs `bin show --json --socket-dir sockDir name` and returns the one
// interface it lists, failing the test on any error or another interface.
func Show(t testing.TB, bin, sockDir, name string) Iface {
	t.Helper()
	out, err := exec.Command(bin, "show", "--json", "--socket-dir", sockDir, name).Output()
	if err != nil {
		var stderr string
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = strings.TrimSpace(string(ee.Stderr))
		}
		t.Fatalf("tuntap show --json %s: %v (%s)", name, err, stderr)
	}
	var all []Iface
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatalf("tuntap show --json: %v\n%s", err, out)
	}
	if len(all) != 1 || all[0].Name != name {
		t.Fatalf("tuntap show --json %s: want one interface %s, got %s", name, name, out)
	}
	return all[0]
}
