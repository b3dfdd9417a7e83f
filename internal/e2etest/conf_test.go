package e2etest

import (
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/config"
)

// TestConfParses: what Conf writes is what tuntap's own parser reads back,
// for a tun-mode and a tap-mode file, and zero fields are left out.
func TestConfParses(t *testing.T) {
	k, peer := NewKey(t), NewKey(t)
	for _, c := range []struct {
		name    string
		conf    Conf
		absent  []string
		check   func(t *testing.T, got *config.Config)
		wantTAP bool
	}{
		{
			name: "tun",
			conf: Conf{Key: k, Port: 51820, Addrs: []string{"10.1.0.1/24", "fd01::1/64"}, MTU: 1400,
				Peers: []Peer{{Pub: peer.Pub, AllowedIPs: []string{"10.1.0.2/32"}, Endpoint: "192.0.2.2:51821", Keepalive: 25}}},
			absent: []string{"Mode", "Bridge", "PostUp", "AllowedMACs"},
			check: func(t *testing.T, got *config.Config) {
				p := got.Peers[0]
				if len(p.AllowedIPs) != 1 || p.AllowedIPs[0].String() != "10.1.0.2/32" || p.Endpoint != "192.0.2.2:51821" ||
					p.PersistentKeepalive != 25*time.Second {
					t.Errorf("peer read back as %+v", p)
				}
			},
		},
		{
			name: "tap",
			conf: Conf{Key: k, Mode: "tap", Bridge: "br0", PostUp: []string{"true"},
				Peers: []Peer{{Pub: peer.Pub, AllowedMACs: []string{"02:00:00:00:00:01"}}}},
			absent:  []string{"ListenPort", "Address", "MTU", "AllowedIPs", "Endpoint", "PersistentKeepalive"},
			wantTAP: true,
			check: func(t *testing.T, got *config.Config) {
				i, p := got.Interface, got.Peers[0]
				if i.Bridge != "br0" || len(i.PostUp) != 1 || len(p.AllowedMACs) != 1 || p.AllowedMACs[0].String() != "02:00:00:00:00:01" {
					t.Errorf("read back as %+v, peer %+v", i, p)
				}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := c.conf.String()
			got, err := config.Parse(c.name+".conf", strings.NewReader(text))
			if err != nil {
				t.Fatalf("parse:\n%s\n%v", text, err)
			}
			i := got.Interface
			if !i.PrivateKey.Public().Equal(k.Pub) || i.ListenPort != c.conf.Port || i.MTU != c.conf.MTU || len(i.Addresses) != len(c.conf.Addrs) ||
				i.IsTAP() != c.wantTAP || len(got.Peers) != 1 || !got.Peers[0].PublicKey.Equal(peer.Pub) {
				t.Fatalf("read back as %+v with peers %+v from:\n%s", i, got.Peers, text)
			}
			c.check(t, got)
			for _, key := range c.absent {
				if strings.Contains(text, key+" =") {
					t.Errorf("zero field %s written:\n%s", key, text)
				}
			}
		})
	}
}

func TestUniqueName(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := UniqueName("ab")
		if seen[n] || len(n) > 15 {
			t.Fatalf("UniqueName gave %q (seen before: %v; interface names have at most 15 bytes)", n, seen[n])
		}
		seen[n] = true
	}
}
