package uapi

import (
	"bufio"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// State is what get returns, parsed: for tuntap show.
type State struct {
	Name       string
	PublicKey  noise.PublicKey
	ListenPort int
	Fwmark     uint32
	Peers      []PeerState
	Counters   map[string]uint64 // drop_* and other counters (get=tuntap)
	Extra      []string          // other tuntap lines, e.g. mac=
}

// PeerState is one peer in a get answer.
type PeerState struct {
	PublicKey           noise.PublicKey
	HasPresharedKey     bool
	Endpoint            netip.AddrPort
	LastHandshake       time.Time
	RxBytes, TxBytes    uint64
	PersistentKeepalive time.Duration
	AllowedIPs          []netip.Prefix
}

// Sockets lists the interface names with a socket in dir.
func Sockets(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "*.sock"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range m {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".sock"))
	}
	sort.Strings(names)
	return names, nil
}

// Get asks the interface's socket for its state, tuntap's extra lines included.
func Get(dir, name string) (*State, error) {
	path := SocketPath(dir, name)
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("interface %s: no control socket at %s (is it up?)", name, path)
		}
		return nil, fmt.Errorf("interface %s: %w", name, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprint(c, "get=tuntap\n\n"); err != nil {
		return nil, fmt.Errorf("interface %s: %w", name, err)
	}
	st := &State{Name: name, Counters: map[string]uint64{}}
	var peer *PeerState
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "errno":
			if v != "0" {
				return nil, fmt.Errorf("interface %s: get failed with errno %s", name, v)
			}
		case "private_key":
			if priv, err := noise.ParsePrivateKeyHex(v); err == nil {
				st.PublicKey = priv.Public()
			}
		case "listen_port":
			st.ListenPort, _ = strconv.Atoi(v)
		case "fwmark":
			n, _ := strconv.ParseUint(v, 10, 32)
			st.Fwmark = uint32(n)
		case "public_key":
			pub, err := noise.ParsePublicKeyHex(v)
			if err != nil {
				return nil, fmt.Errorf("interface %s: bad public_key in answer", name)
			}
			st.Peers = append(st.Peers, PeerState{PublicKey: pub})
			peer = &st.Peers[len(st.Peers)-1]
		default:
			if peer != nil && peer.set(k, v) {
				continue
			}
			if n, err := strconv.ParseUint(v, 10, 64); err == nil && k != "protocol_version" {
				st.Counters[k] = n
			} else if k != "protocol_version" {
				st.Extra = append(st.Extra, line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("interface %s: %w", name, err)
	}
	return st, nil
}

func (p *PeerState) set(k, v string) bool {
	switch k {
	case "preshared_key":
		p.HasPresharedKey = strings.Trim(v, "0") != ""
	case "endpoint":
		p.Endpoint, _ = netip.ParseAddrPort(v)
	case "last_handshake_time_sec":
		s, _ := strconv.ParseInt(v, 10, 64)
		if s != 0 {
			p.LastHandshake = time.Unix(s, int64(p.LastHandshake.Nanosecond()))
		}
	case "last_handshake_time_nsec":
		ns, _ := strconv.ParseInt(v, 10, 64)
		if !p.LastHandshake.IsZero() {
			p.LastHandshake = time.Unix(p.LastHandshake.Unix(), ns)
		}
	case "tx_bytes":
		p.TxBytes, _ = strconv.ParseUint(v, 10, 64)
	case "rx_bytes":
		p.RxBytes, _ = strconv.ParseUint(v, 10, 64)
	case "persistent_keepalive_interval":
		s, _ := strconv.Atoi(v)
		p.PersistentKeepalive = time.Duration(s) * time.Second
	case "allowed_ip":
		if pf, err := netip.ParsePrefix(v); err == nil {
			p.AllowedIPs = append(p.AllowedIPs, pf)
		}
	case "protocol_version":
	default:
		return false
	}
	return true
}

// Ping asks a user-space mode interface to ping dst once.
func Ping(dir, name string, dst netip.Addr, seq int) (time.Duration, error) {
	c, err := net.DialTimeout("unix", SocketPath(dir, name), 2*time.Second)
	if err != nil {
		return 0, fmt.Errorf("interface %s: %w", name, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "ping=1\naddr=%s\nseq=%d\n\n", dst, seq)
	sc := bufio.NewScanner(c)
	var rtt time.Duration
	for sc.Scan() && sc.Text() != "" {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "rtt_ns":
			n, _ := strconv.ParseInt(v, 10, 64)
			rtt = time.Duration(n)
		case "errno":
			if v != "0" {
				return 0, fmt.Errorf("no answer (errno %s)", v)
			}
		}
	}
	return rtt, sc.Err()
}
