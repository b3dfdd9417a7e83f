package config

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// testKey returns the base64 key of 32 bytes of b.
func testKey(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

func pub(b byte) noise.PublicKey {
	var k noise.PublicKey
	for i := range k {
		k[i] = b
	}
	return k
}

func pfx(s ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(s))
	for i, x := range s {
		out[i] = netip.MustParsePrefix(x)
	}
	return out
}

// normalize drops what legitimately differs between two parses of the same
// content: where it came from.
func normalize(c *Config) Config {
	n := *c
	n.Path, n.Warnings, n.lines = "", nil, nil
	n.Peers = append([]Peer(nil), c.Peers...)
	for i := range n.Peers {
		n.Peers[i].Line = 0
	}
	return n
}

var priv1 = "PrivateKey = " + testKey(1) + "\n"

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		input string
		check func(t *testing.T, c *Config)
	}{
		{"empty file", "", func(t *testing.T, c *Config) {
			if c.Interface.Mode != ModeTUN || len(c.Peers) != 0 || c.Interface.MACAgeing != 0 {
				t.Errorf("got %+v", c.Interface)
			}
		}},
		{"case and spacing", "[INTERFACE]\nlistenPORT=1\n  MTU   =   1280  \n", func(t *testing.T, c *Config) {
			if c.Interface.ListenPort != 1 || c.Interface.MTU != 1280 {
				t.Errorf("got %+v", c.Interface)
			}
		}},
		{"comments anywhere, CRLF, BOM", "\uFEFF[Interface] # hi\r\n# all comment\r\n\r\nListenPort = 7 # seven\r\n", func(t *testing.T, c *Config) {
			if c.Interface.ListenPort != 7 {
				t.Errorf("ListenPort = %d", c.Interface.ListenPort)
			}
		}},
		{"address forms accumulate", "[Interface]\nAddress = 10.0.0.1\nAddress = fd00::1, 10.1.0.1/24\n", func(t *testing.T, c *Config) {
			if want := pfx("10.0.0.1/32", "fd00::1/128", "10.1.0.1/24"); !reflect.DeepEqual(c.Interface.Addresses, want) {
				t.Errorf("Addresses = %v, want %v", c.Interface.Addresses, want)
			}
		}},
		{"DNS servers and search domains", "[Interface]\nDNS = 1.1.1.1, corp.example\nDNS=2606:4700::1111,lan.\n", func(t *testing.T, c *Config) {
			wantDNS := []netip.Addr{netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("2606:4700::1111")}
			if !reflect.DeepEqual(c.Interface.DNS, wantDNS) || !reflect.DeepEqual(c.Interface.DNSSearch, []string{"corp.example", "lan."}) {
				t.Errorf("DNS = %v, search %v", c.Interface.DNS, c.Interface.DNSSearch)
			}
		}},
		{"table forms", "[Interface]\nTable = OFF\n", func(t *testing.T, c *Config) {
			if c.Interface.Table != "off" {
				t.Errorf("Table = %q", c.Interface.Table)
			}
		}},
		{"table number", "[Interface]\nTable = 00051820\n", func(t *testing.T, c *Config) {
			if c.Interface.Table != "51820" {
				t.Errorf("Table = %q", c.Interface.Table)
			}
		}},
		{"fwmark forms", "[Interface]\nFwMark = 0xFF\n", func(t *testing.T, c *Config) {
			if c.Interface.FwMark != 255 {
				t.Errorf("FwMark = %d", c.Interface.FwMark)
			}
		}},
		{"save config warns", "[Interface]\nSaveConfig = true\n", func(t *testing.T, c *Config) {
			if !c.Interface.SaveConfig || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "t.conf:2: SaveConfig is ignored") {
				t.Errorf("SaveConfig %v, warnings %q", c.Interface.SaveConfig, c.Warnings)
			}
		}},
		{"tap defaults", "[Interface]\nMode = TAP\n", func(t *testing.T, c *Config) {
			i := c.Interface
			if i.Mode != ModeTAP || i.MACAgeing != DefaultMACAgeing || i.MaxMACsPerPeer != DefaultMaxMACs {
				t.Errorf("got mode %q ageing %v max %d", i.Mode, i.MACAgeing, i.MaxMACsPerPeer)
			}
		}},
		{"proxies and forwards normalised", "[Interface]\nSOCKS5 = 1080\nHTTPProxy = :3128\nForward = TCP:2222=10.0.0.2:22\nExpose = udp:53=127.0.0.1:5353\n", func(t *testing.T, c *Config) {
			i := c.Interface
			wantF := []Forward{{"tcp", "127.0.0.1:2222", "10.0.0.2:22"}}
			wantE := []Forward{{"udp", ":53", "127.0.0.1:5353"}}
			if i.SOCKS5 != "127.0.0.1:1080" || i.HTTPProxy != ":3128" || !reflect.DeepEqual(i.Forward, wantF) || !reflect.DeepEqual(i.Expose, wantE) {
				t.Errorf("got %q %q %v %v", i.SOCKS5, i.HTTPProxy, i.Forward, i.Expose)
			}
		}},
		{"peer", "[Interface]\n" + priv1 + "\n[Peer]\nPublicKey = " + testKey(2) + "\nAllowedIPs = 10.0.0.9/24, 10.0.1.1\nAllowedIPs=::/0\nEndpoint = vpn.example.com:51820\nPersistentKeepalive = 25\n", func(t *testing.T, c *Config) {
			want := Peer{PublicKey: pub(2), AllowedIPs: pfx("10.0.0.0/24", "10.0.1.1/32", "::/0"),
				Endpoint: "vpn.example.com:51820", PersistentKeepalive: 25 * time.Second, Line: 4}
			if len(c.Peers) != 1 || !reflect.DeepEqual(c.Peers[0], want) {
				t.Errorf("got %+v\nwant %+v", c.Peers, want)
			}
		}},
		{"peer extras", "[Peer]\nPresharedKey = " + testKey(4) + "\nPersistentKeepalive = off\nAllowedMACs = 02:00:00:00:00:01, 0200.0000.0002\n", func(t *testing.T, c *Config) {
			p := c.Peers[0]
			wantMACs := []net.HardwareAddr{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}}
			if !p.HasPSK || p.PresharedKey[0] != 4 || p.PersistentKeepalive != 0 || !reflect.DeepEqual(p.AllowedMACs, wantMACs) {
				t.Errorf("got %+v", p)
			}
		}},
		{"two peers keep their lines", "[Peer]\n\n[Peer]\n", func(t *testing.T, c *Config) {
			if len(c.Peers) != 2 || c.Peers[0].Line != 1 || c.Peers[1].Line != 3 {
				t.Errorf("got %+v", c.Peers)
			}
		}},
		{"empty lists are allowed", "[Interface]\nAddress =\nPostUp =\n[Peer]\nAllowedIPs =\n", func(t *testing.T, c *Config) {
			if len(c.Interface.Addresses) != 0 || len(c.Interface.PostUp) != 0 || len(c.Peers[0].AllowedIPs) != 0 {
				t.Errorf("got %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("t.conf", strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"prefix", "[Peer]\n# x\nAllowedIPs = 10.0.0/24\n", `t.conf:3: key "AllowedIPs": invalid prefix "10.0.0/24": `},
		{"address", "[Interface]\nAddress = 10.0.0.300\n", `t.conf:2: key "Address": invalid address "10.0.0.300"`},
		{"zone in address", "[Interface]\nAddress = fe80::1%eth0\n", `t.conf:2: key "Address": invalid address "fe80::1%eth0": a zone`},
		{"unknown key", "[Interface]\nFoo = bar\n", `t.conf:2: key "Foo": unknown key in [Interface] section`},
		{"peer key in interface", "[Interface]\nEndpoint = 1.2.3.4:5\n", `t.conf:2: key "Endpoint": unknown key in [Interface]`},
		{"unknown section", "[Interface]\n[Peers]\n", `t.conf:2: unknown section "[Peers]"`},
		{"unclosed section", "[Peer\n", `t.conf:1: section header "[Peer" is missing ']'`},
		{"second interface", "[Interface]\n[Interface]\n", `t.conf:2: a second [Interface] section`},
		{"key before section", "ListenPort = 1\n", `t.conf:1: key "ListenPort": key outside a section`},
		{"no equals", "[Interface]\nListenPort 1\n", `t.conf:2: expected "Key = Value"`},
		{"empty key", "[Interface]\n = 1\n", `t.conf:2: missing key`},
		{"empty singleton", "[Interface]\nMTU =\n", `t.conf:2: key "MTU": empty value`},
		{"bad private key", "[Interface]\nPrivateKey = AAAA\n", `t.conf:2: key "PrivateKey": invalid private key`},
		{"bad base64", "[Interface]\nPrivateKey = " + strings.Repeat("!", 44) + "\n", `t.conf:2: key "PrivateKey": invalid private key`},
		{"bad public key", "[Peer]\nPublicKey = " + testKey(2)[:43] + "\n", `t.conf:2: key "PublicKey": invalid public key`},
		{"bad psk", "[Peer]\nPresharedKey = xyz\n", `t.conf:2: key "PresharedKey": invalid preshared key`},
		{"two private keys", "[Interface]\n" + priv1 + priv1, `t.conf:3: key "PrivateKey": set twice`},
		{"two endpoints", "[Peer]\nEndpoint = a:1\nendpoint = b:2\n", `t.conf:3: key "Endpoint": set twice in one [Peer] section`},
		{"US spelling is the same key", "[Interface]\nMACAgeing = 1\nMACAging = 2\n", `t.conf:3: key "MACAgeing": set twice`},
		{"port range", "[Interface]\nListenPort = 65536\n", `t.conf:2: key "ListenPort": invalid port "65536": want a whole number from 0 to 65535`},
		{"port negative", "[Interface]\nListenPort = -1\n", `key "ListenPort": invalid port "-1"`},
		{"MTU low", "[Interface]\nMTU = 100\n", `t.conf:2: key "MTU": invalid MTU "100"`},
		{"MTU high", "[Interface]\nMTU = 70000\n", `key "MTU": invalid MTU "70000"`},
		{"keepalive", "[Peer]\nPersistentKeepalive = 65536\n", `t.conf:2: key "PersistentKeepalive": invalid seconds "65536"`},
		{"fwmark", "[Interface]\nFwMark = 0x1_0\n", `key "FwMark": invalid fwmark`},
		{"fwmark range", "[Interface]\nFwMark = 4294967296\n", `key "FwMark": invalid fwmark`},
		{"table name", "[Interface]\nTable = vpn\n", `key "Table": invalid table "vpn"`},
		{"save config", "[Interface]\nSaveConfig = yes\n", `key "SaveConfig": invalid value "yes"`},
		{"mode", "[Interface]\nMode = tunnel\n", `key "Mode": invalid mode "tunnel"`},
		{"bridge name", "[Interface]\nBridge = a-bridge-name-too-long\n", `key "Bridge": invalid interface name`},
		{"ageing", "[Interface]\nMACAgeing = 0\n", `key "MACAgeing": invalid seconds "0"`},
		{"max macs", "[Interface]\nMaxMACs = lots\n", `key "MaxMACs": invalid count "lots"`},
		{"DNS address", "[Interface]\nDNS = 01.2.3.4\n", `key "DNS": invalid DNS server address "01.2.3.4"`},
		{"DNS v6 address", "[Interface]\nDNS = fd00::g\n", `key "DNS": invalid DNS server address`},
		{"DNS entry", "[Interface]\nDNS = not a domain\n", `key "DNS": invalid DNS entry "not a domain"`},
		{"endpoint no port", "[Peer]\nEndpoint = 1.2.3.4\n", `key "Endpoint": invalid endpoint "1.2.3.4"`},
		{"endpoint bare v6", "[Peer]\nEndpoint = 2001:db8::1:51820\n", `key "Endpoint": invalid endpoint`},
		{"endpoint port 0", "[Peer]\nEndpoint = host:0\n", `port "0" is not a number from 1 to 65535`},
		{"endpoint host", "[Peer]\nEndpoint = bad_host!:1\n", `host "bad_host!" is neither`},
		{"MAC multicast", "[Peer]\nAllowedMACs = 01:00:5e:00:00:01\n", `key "AllowedMACs": invalid MAC address "01:00:5e:00:00:01": a multicast`},
		{"MAC zero", "[Peer]\nAllowedMACs = 00:00:00:00:00:00\n", `all-zero`},
		{"MAC long", "[Peer]\nAllowedMACs = 02:00:00:00:00:00:00:01\n", `not a 6-byte`},
		{"forward form", "[Interface]\nForward = tcp:8080\n", `key "Forward": invalid forward "tcp:8080": want tcp:LOCAL=TUNNEL`},
		{"expose form", "[Interface]\nExpose = 80\n", `key "Expose": invalid forward "80": want tcp:TUNNELPORT=LOCAL`},
		{"forward proto", "[Interface]\nForward = sctp:1=a:2\n", `protocol "sctp" is not tcp or udp`},
		{"forward target", "[Interface]\nForward = tcp:1=a\n", `target: address a: missing port`},
		{"socks host", "[Interface]\nSOCKS5 = localhost:1080\n", `key "SOCKS5": invalid listen address "localhost:1080": host must be an IP address`},
		{"proxy port", "[Interface]\nHTTPProxy = 127.0.0.1:0\n", `key "HTTPProxy": invalid listen address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("t.conf", strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("no error; got %+v", c)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != "t.conf" || pe.Line == 0 {
				t.Errorf("error %#v is not a located *ParseError", err)
			}
		})
	}
}

// TestSecretsNotInErrors: a mistyped private key must not be echoed.
func TestSecretsNotInErrors(t *testing.T) {
	secret := testKey(9)[:43] + "!"
	for _, in := range []string{"[Interface]\nPrivateKey = " + secret, "[Peer]\nPresharedKey = " + secret} {
		_, err := Parse("t.conf", strings.NewReader(in))
		if err == nil || strings.Contains(err.Error(), secret[:20]) {
			t.Errorf("error %v echoes the secret", err)
		}
	}
}

func TestLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("[Peer]\nAllowedIPs = ")
	for i := range 50000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String())
	}
	c, err := Parse("big.conf", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Peers[0].AllowedIPs); n != 50000 {
		t.Fatalf("got %d AllowedIPs", n)
	}
}
