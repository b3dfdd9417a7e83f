//go:build linux

package taptest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// twoSites is a pair of tap-mode interfaces over one veth, with the MACs
// that the hooks give them.
func twoSites(t *testing.T, mtu int, upArgs ...string) (a, b *site) {
	t.Helper()
	na, nb := netns.New(t), netns.New(t)
	netns.Veth(t, na, "eth0", nb, "eth0")
	na.MustRun(t, "ip", "addr", "add", "10.212.0.1/24", "dev", "eth0")
	nb.MustRun(t, "ip", "addr", "add", "10.212.0.2/24", "dev", "eth0")
	noDAD(t, na)
	noDAD(t, nb)
	ka, kb := e2etest.NewKey(t), e2etest.NewKey(t)
	ca := e2etest.Conf{Key: ka, Port: 51820, MTU: mtu, Addrs: []string{"10.213.0.1/24", "fd13::1/64"},
		PostUp: []string{"ip link set dev %i address 02:13:00:00:00:01"}, Peers: []e2etest.Peer{{Pub: kb.Pub}}}
	cb := e2etest.Conf{Key: kb, Port: 51820, MTU: mtu, Addrs: []string{"10.213.0.2/24", "fd13::2/64"},
		PostUp: []string{"ip link set dev %i address 02:13:00:00:00:02"}, Peers: []e2etest.Peer{{Pub: ka.Pub, Endpoint: "10.212.0.1:51820", Keepalive: 5}}}
	a, b = startSite(t, "a", na, ca, upArgs...), startSite(t, "b", nb, cb, upArgs...)
	a.waitUp(t)
	b.waitUp(t)
	return a, b
}

// TestFrameTooBig raises the TAP device's MTU behind the interface's back:
// the tunnel carries frames for the configured MTU only, so larger ones
// must be dropped whole and counted as too_big, never cut to size.
func TestFrameTooBig(t *testing.T) {
	for _, mode := range []struct {
		name string
		args []string
	}{{"offload", nil}, {"no-offload", []string{"--no-offload"}}} {
		t.Run(mode.name, func(t *testing.T) {
			a, b := twoSites(t, 1500, mode.args...)
			ping(t, a.NS, b.v4())
			a.NS.MustRun(t, "ip", "link", "set", "dev", ifName, "mtu", "4000")
			before := a.Show(t).Counters["drop_too_big"]
			in := openRaw(t, b.NS, ifName)
			out, err := a.NS.Run("ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "-s", "3000", "-M", "do", b.v4())
			if err == nil {
				t.Fatalf("a 3000-byte ping passed a tunnel for MTU 1500:\n%s", out)
			}
			big := in.collect(time.Second, func(f []byte) bool { return len(f) > 1000 && bytes.Equal(f[6:12], a.mac) })
			if len(big) != 0 {
				t.Errorf("B received %d large frames from A (first %d bytes): oversized frames must be dropped whole", len(big), len(big[0]))
			}
			if after := a.Show(t).Counters["drop_too_big"]; after < before+3 {
				t.Errorf("drop_too_big went from %d to %d, want +3 (counters: %v). With segmentation offload the "+
					"oversized frame never reaches the engine: tun.Offload.Read drops it (gso.ErrTooFewBuffers) and counts "+
					"it only in Offload.Malformed, which tuntap show does not report", before, after, a.Show(t).Counters)
			}
			a.NS.MustRun(t, "ip", "link", "set", "dev", ifName, "mtu", fmt.Sprint(1500))
			ping(t, a.NS, b.v4(), "-s", "1400", "-M", "do")
		})
	}
}
