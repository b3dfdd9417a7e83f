//go:build linux

package userspace

import (
	"path/filepath"
	"testing"
)

// nodeMissing is how the diagnosis names an empty /dev/net.
const nodeMissing = "The device node /dev/net/tun does not exist."

// TestNoTUN is the VPS without TUN: tuntap falls back to the user-space
// stack on its own, and everything a user reaches the far side with works,
// against a peer that is tuntap in kernel mode or wireguard-go.
func TestNoTUN(t *testing.T) {
	for _, c := range []struct {
		name  string
		peer  func(*topo, *testing.T)
		auth  *creds
		flags []string
	}{
		{name: "tuntap-kernel-peer", peer: (*topo).startPeerTuntap},
		// The password comes from the environment, as a user who keeps it
		// out of ps would set it.
		{name: "wireguard-go-peer", peer: (*topo).startPeerWireguardGo, auth: &creds{"alice", "s3cret:pass"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tp := newTopo(t)
			c.peer(tp, t)
			sockDir := filepath.Join(tp.dir, "sock")
			var env []string
			if c.auth != nil {
				env = append(env, "TUNTAP_SOCKS5_AUTH="+c.auth.user+":"+c.auth.pass)
			}
			p := tp.startStack(t, noTUN, env, tp.stackConf(t), append([]string{"--socket-dir", sockDir}, proxyFlags...)...)
			mustFallBack(t, p, nodeMissing)
			tp.exercise(t, sockDir, c.auth)
		})
	}
}

// TestConfigKeys: the [Interface] keys SOCKS5, HTTPProxy, Forward and
// Expose do what the flags do, so a service unit needs no flags.
func TestConfigKeys(t *testing.T) {
	tp := newTopo(t)
	tp.startPeerTuntap(t)
	sockDir := filepath.Join(tp.dir, "sock")
	p := tp.startStack(t, noTUN, nil, tp.stackConf(t, proxyKeys...), "--socket-dir", sockDir)
	mustFallBack(t, p, nodeMissing)
	tp.exercise(t, sockDir, nil)
}
