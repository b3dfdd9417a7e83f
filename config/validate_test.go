package config

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
)

func TestValidate(t *testing.T) {
	priv, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	self := "PublicKey = " + priv.Public().String() + "\n"
	iface := "[Interface]\nPrivateKey = " + priv.Base64() + "\n"
	peer2 := "[Peer]\nPublicKey = " + testKey(2) + "\n"
	tests := []struct {
		name, input string
		want        []string // each must appear; none means valid
	}{
		{"minimal", iface, nil},
		{"no private key is legal (wg set may add it)", "[Interface]\n" + peer2, nil},
		{"peer without AllowedIPs is legal", iface + peer2, nil},
		{"tap with everything", iface + "Mode = tap\nBridge = br0\n" + peer2 + "AllowedMACs = 02:00:00:00:00:01\n", nil},
		{"peer without key", iface + "[Peer]\nAllowedIPs = 10.0.0.0/8\n", []string{`t.conf:3: key "PublicKey": [Peer] has no PublicKey`}},
		{"duplicate peers", iface + peer2 + "\n" + peer2, []string{`t.conf:6: key "PublicKey": peer ` + testKey(2) + ` is also the peer at line 3`}},
		{"peer is self", iface + "[Peer]\n" + self, []string{`t.conf:3: key "PublicKey": peer ` + priv.Public().String() + ` is this interface's own public key`}},
		{"tap keys in tun mode", iface + "Bridge = br0\nMACAgeing = 30\nMaxMACs = 5\n" + peer2 + "AllowedMACs = 02:00:00:00:00:01\n", []string{
			`t.conf:3: key "Bridge": only meaningful in tap mode`,
			`t.conf:4: key "MACAgeing": only meaningful in tap mode`,
			`t.conf:5: key "MaxMACs": only meaningful in tap mode`,
			`t.conf:6: key "AllowedMACs": only meaningful in tap mode`,
		}},
		{"explicit tun with tap key", "[Interface]\nMode = tun\nMACAgeing = 300\n", []string{`t.conf:3: key "MACAgeing"`}},
		{"MAC on two peers", "[Interface]\nMode = tap\n" + peer2 + "AllowedMACs = 02:00:00:00:00:01\n[Peer]\nPublicKey = " + testKey(3) + "\nAllowedMACs = 02:00:00:00:00:01\n",
			[]string{`t.conf:6: key "AllowedMACs": MAC 02:00:00:00:00:01 is also allowed for the peer at line 3`}},
		{"small MTU with IPv6", "[Interface]\nAddress = fd00::1/64\nMTU = 1200\n", []string{`t.conf:3: key "MTU": MTU 1200 is below 1280`}},
		{"small MTU IPv4 only is fine", "[Interface]\nAddress = 10.0.0.1/24\nMTU = 1200\n", nil},
		{"listener clash", "[Interface]\nSOCKS5 = 1080\nForward = tcp:127.0.0.1:1080=10.0.0.1:80\n", []string{`t.conf:3: key "Forward": tcp 127.0.0.1:1080 is also used by SOCKS5`}},
		{"udp and tcp may share a port", "[Interface]\nForward = tcp:53=10.0.0.1:53, udp:53=10.0.0.1:53\n", nil},
		{"expose clash", "[Interface]\nExpose = tcp:80=127.0.0.1:1\nExpose = tcp:80=127.0.0.1:2\n", []string{`key "Expose": tcp tunnel :80 is also used by Expose`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("t.conf", strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%T is not a *ParseError", err)
			}
		})
	}
}

// TestValidateBuiltInCode covers configs made without Parse: no lines to
// point at, and ranges Parse would have caught.
func TestValidateBuiltInCode(t *testing.T) {
	c := &Config{Path: "mem", Interface: Interface{ListenPort: 70000, MTU: 10, Mode: "tap", MACAgeing: -time.Second}}
	c.Peers = []Peer{{PublicKey: pub(2), PersistentKeepalive: -time.Second, AllowedMACs: []net.HardwareAddr{{2, 0, 0, 0, 0, 1}}}}
	err := c.Validate()
	for _, w := range []string{`mem: key "ListenPort": port 70000`, `key "MTU": MTU 10 is out of range`, `key "MACAgeing"`, `key "PersistentKeepalive"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
	c = &Config{Interface: Interface{Mode: "bridge"}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `config: key "Mode": invalid mode "bridge"`) {
		t.Errorf("got %v", err)
	}
}
