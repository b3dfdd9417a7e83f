// Package uapi speaks WireGuard's cross-platform control protocol (get=1 and
// set=1 over a unix socket), so that the stock wg tool and wg-quick drive
// tuntap as they drive wireguard-go. Parsing is pure and fuzzed; applying
// translates a parsed set into engine calls.
package uapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// Set is one parsed set=1 request.
type Set struct {
	PrivateKey   *noise.PrivateKey
	ListenPort   *uint16
	Fwmark       *uint32
	ReplacePeers bool
	Peers        []PeerSet
}

// PeerSet is the part of a set request about one peer.
type PeerSet struct {
	PublicKey           noise.PublicKey
	Remove              bool
	UpdateOnly          bool
	PresharedKey        *noise.PresharedKey
	Endpoint            *netip.AddrPort
	PersistentKeepalive *time.Duration
	ReplaceAllowedIPs   bool
	AllowedIPs          []netip.Prefix
	RemoveAllowedIPs    []netip.Prefix
}

// Errno values returned to the client, as wireguard-go does.
const (
	errnoIO      = 5  // EIO
	errnoInvalid = 22 // EINVAL
	errnoProto   = 71 // EPROTO
)

// Error carries the errno the protocol reports back.
type Error struct {
	Errno int
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func invalid(format string, a ...any) error {
	return &Error{Errno: errnoInvalid, Err: fmt.Errorf(format, a...)}
}

// maxLines bounds a request, so a client cannot make us hold unbounded state.
const maxLines = 1 << 20

// ParseSet reads key=value lines up to a blank line (the "set=1" line has
// already been read).
func ParseSet(r *bufio.Reader) (*Set, error) {
	s := &Set{}
	var peer *PeerSet
	for n := 0; ; n++ {
		if n > maxLines {
			return nil, invalid("request too long")
		}
		line, err := r.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) && line == "" {
				return s, nil
			}
			if !errors.Is(err, io.EOF) {
				return nil, &Error{Errno: errnoIO, Err: err}
			}
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			return s, nil
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return nil, invalid("line %q: want key=value", line)
		}
		if key == "public_key" {
			k, err := noise.ParsePublicKeyHex(val)
			if err != nil {
				return nil, invalid("public_key: %v", err)
			}
			s.Peers = append(s.Peers, PeerSet{PublicKey: k})
			peer = &s.Peers[len(s.Peers)-1]
			continue
		}
		if peer == nil {
			err = s.setInterface(key, val)
		} else {
			err = peer.set(key, val)
		}
		if err != nil {
			return nil, err
		}
	}
}

func (s *Set) setInterface(key, val string) error {
	switch key {
	case "private_key":
		k, err := noise.ParsePrivateKeyHex(val)
		if err != nil {
			return invalid("private_key: %v", err)
		}
		s.PrivateKey = &k
	case "listen_port":
		v, err := strconv.ParseUint(val, 10, 16)
		if err != nil {
			return invalid("listen_port: %v", err)
		}
		p := uint16(v)
		s.ListenPort = &p
	case "fwmark":
		v, err := strconv.ParseUint(val, 10, 32)
		if err != nil && val != "" {
			return invalid("fwmark: %v", err)
		}
		m := uint32(v)
		s.Fwmark = &m
	case "replace_peers":
		if val != "true" {
			return invalid("replace_peers: want true")
		}
		s.ReplacePeers = true
	default:
		return invalid("unknown interface key %q", key)
	}
	return nil
}

func (p *PeerSet) set(key, val string) error {
	switch key {
	case "remove":
		if val != "true" {
			return invalid("remove: want true")
		}
		p.Remove = true
	case "update_only":
		if val != "true" {
			return invalid("update_only: want true")
		}
		p.UpdateOnly = true
	case "preshared_key":
		k, err := noise.ParsePresharedKeyHex(val)
		if err != nil {
			return invalid("preshared_key: %v", err)
		}
		p.PresharedKey = &k
	case "endpoint":
		ep, err := netip.ParseAddrPort(val)
		if err != nil {
			return invalid("endpoint: %v", err)
		}
		p.Endpoint = &ep
	case "persistent_keepalive_interval":
		v, err := strconv.ParseUint(val, 10, 16)
		if err != nil {
			return invalid("persistent_keepalive_interval: %v", err)
		}
		d := time.Duration(v) * time.Second
		p.PersistentKeepalive = &d
	case "replace_allowed_ips":
		if val != "true" {
			return invalid("replace_allowed_ips: want true")
		}
		p.ReplaceAllowedIPs = true
	case "allowed_ip":
		remove := strings.HasPrefix(val, "-")
		pf, err := netip.ParsePrefix(strings.TrimPrefix(val, "-"))
		if err != nil {
			return invalid("allowed_ip: %v", err)
		}
		if remove {
			p.RemoveAllowedIPs = append(p.RemoveAllowedIPs, pf.Masked())
		} else {
			p.AllowedIPs = append(p.AllowedIPs, pf.Masked())
		}
	case "protocol_version":
		if val != "1" {
			return invalid("protocol_version %q not supported", val)
		}
	default:
		return invalid("unknown peer key %q", key)
	}
	return nil
}
