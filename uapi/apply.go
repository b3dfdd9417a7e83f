package uapi

import (
	"bufio"
	"fmt"
	"time"

	"github.com/tuntap/tuntap/engine"
)

// Apply carries out a parsed set on the engine.
func Apply(e *engine.Engine, s *Set) error {
	if s.PrivateKey != nil {
		e.SetPrivateKey(*s.PrivateKey)
	}
	if s.ListenPort != nil {
		if err := e.SetListenPort(*s.ListenPort); err != nil {
			return &Error{Errno: errnoIO, Err: err}
		}
	}
	if s.Fwmark != nil {
		e.SetFwmark(*s.Fwmark)
	}
	if s.ReplacePeers {
		e.RemoveAllPeers()
	}
	for _, p := range s.Peers {
		if p.Remove {
			e.RemovePeer(p.PublicKey)
			continue
		}
		if p.UpdateOnly && e.Peer(p.PublicKey) == nil {
			continue
		}
		if p.PublicKey.Equal(e.PublicKey()) {
			// wg silently ignores a peer with our own key; so do we.
			continue
		}
		_, err := e.UpsertPeer(p.PublicKey, engine.PeerConfig{
			PresharedKey:        p.PresharedKey,
			Endpoint:            p.Endpoint,
			PersistentKeepalive: p.PersistentKeepalive,
			ReplaceAllowedIPs:   p.ReplaceAllowedIPs,
			AllowedIPs:          p.AllowedIPs,
			RemoveAllowedIPs:    p.RemoveAllowedIPs,
		})
		if err != nil {
			return invalid("%v", err)
		}
	}
	return nil
}

// writeGet writes the engine's state in the get=1 format that wg reads.
func writeGet(w *bufio.Writer, e *engine.Engine) {
	if k := e.PrivateKey(); !k.IsZero() {
		fmt.Fprintf(w, "private_key=%s\n", k.Hex())
	}
	fmt.Fprintf(w, "listen_port=%d\n", e.Port())
	if m := e.Fwmark(); m != 0 {
		fmt.Fprintf(w, "fwmark=%d\n", m)
	}
	for _, p := range e.Snapshot() {
		fmt.Fprintf(w, "public_key=%s\n", p.PublicKey.Hex())
		if p.HasPresharedKey {
			fmt.Fprintf(w, "preshared_key=%s\n", p.PresharedKey.Hex())
		}
		fmt.Fprintf(w, "protocol_version=1\n")
		if p.Endpoint.IsValid() {
			fmt.Fprintf(w, "endpoint=%s\n", p.Endpoint)
		}
		var sec, nsec int64
		if !p.LastHandshake.IsZero() {
			sec, nsec = p.LastHandshake.Unix(), int64(p.LastHandshake.Nanosecond())
		}
		fmt.Fprintf(w, "last_handshake_time_sec=%d\nlast_handshake_time_nsec=%d\n", sec, nsec)
		fmt.Fprintf(w, "tx_bytes=%d\nrx_bytes=%d\n", p.TxBytes, p.RxBytes)
		fmt.Fprintf(w, "persistent_keepalive_interval=%d\n", p.PersistentKeepalive/time.Second)
		for _, pf := range p.AllowedIPs {
			fmt.Fprintf(w, "allowed_ip=%s\n", pf)
		}
	}
}

// writeCounters adds the engine's drop counters as drop_REASON=N lines.
func writeCounters(w *bufio.Writer, e *engine.Engine) {
	for name, v := range e.Drops() {
		fmt.Fprintf(w, "drop_%s=%d\n", name, v)
	}
	fmt.Fprintf(w, "cookie_replies=%d\nkeepalives_received=%d\n", e.Counters.CookieReplies.Load(), e.Counters.Keepalives.Load())
}
