package config

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEveryKeyFile(t *testing.T) {
	c, err := Load(copyPrivate(t, "testdata/every-key.conf"))
	if err != nil {
		t.Fatal(err)
	}
	i := c.Interface
	if i.PrivateKey[0] != 1 || i.ListenPort != 51820 || i.FwMark != 0xca6c || i.MTU != 1400 || i.Table != "1234" {
		t.Errorf("interface basics: %+v", i)
	}
	if want := pfx("10.8.0.1/24", "fd08::1/64", "192.168.99.1/32"); !reflect.DeepEqual(i.Addresses, want) {
		t.Errorf("Addresses = %v", i.Addresses)
	}
	wantDNS := []netip.Addr{netip.MustParseAddr("10.8.0.53"), netip.MustParseAddr("fd08::53")}
	if !reflect.DeepEqual(i.DNS, wantDNS) || !reflect.DeepEqual(i.DNSSearch, []string{"corp.example", "example.com"}) {
		t.Errorf("DNS = %v search %v", i.DNS, i.DNSSearch)
	}
	if len(i.PreUp) != 1 || i.PreUp[0] != "sysctl -w net.ipv4.ip_forward=1" || len(i.PostUp) != 2 ||
		len(i.PreDown) != 1 || len(i.PostDown) != 1 || !strings.HasSuffix(i.PostUp[0], "-j MASQUERADE") {
		t.Errorf("hooks: %q %q %q %q", i.PreUp, i.PostUp, i.PreDown, i.PostDown)
	}
	if !i.SaveConfig || len(c.Warnings) != 1 {
		t.Errorf("SaveConfig %v warnings %q", i.SaveConfig, c.Warnings)
	}
	if i.Mode != ModeTAP || i.Bridge != "br-lan" || i.MACAgeing != 600*time.Second || i.MaxMACsPerPeer != 64 {
		t.Errorf("tap keys: %q %q %v %d", i.Mode, i.Bridge, i.MACAgeing, i.MaxMACsPerPeer)
	}
	if i.SOCKS5 != "127.0.0.1:1080" || i.HTTPProxy != "127.0.0.1:8080" {
		t.Errorf("proxies: %q %q", i.SOCKS5, i.HTTPProxy)
	}
	wantF := []Forward{{"tcp", "127.0.0.1:8022", "10.8.0.2:22"}, {"udp", "127.0.0.1:5353", "10.8.0.53:53"}}
	wantE := []Forward{{"tcp", ":80", "127.0.0.1:8000"}, {"udp", "10.8.0.1:9999", "[::1]:9999"}}
	if !reflect.DeepEqual(i.Forward, wantF) || !reflect.DeepEqual(i.Expose, wantE) {
		t.Errorf("forwards: %v %v", i.Forward, i.Expose)
	}
	if len(c.Peers) != 2 {
		t.Fatalf("%d peers", len(c.Peers))
	}
	p := c.Peers[0]
	if p.PublicKey != pub(2) || !p.HasPSK || p.PresharedKey[0] != 4 || p.Endpoint != "laptop.example.net:51820" ||
		p.PersistentKeepalive != 25*time.Second || p.Line != 28 {
		t.Errorf("peer 0: %+v", p)
	}
	if want := pfx("10.8.0.2/32", "fd08::2/128", "10.99.0.0/16"); !reflect.DeepEqual(p.AllowedIPs, want) {
		t.Errorf("peer 0 AllowedIPs = %v", p.AllowedIPs)
	}
	if want := []net.HardwareAddr{{2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 0x22}}; !reflect.DeepEqual(p.AllowedMACs, want) {
		t.Errorf("peer 0 AllowedMACs = %v", p.AllowedMACs)
	}
	q := c.Peers[1]
	if q.PublicKey != pub(3) || q.HasPSK || q.Endpoint != "[2001:db8::1]:4500" || q.PersistentKeepalive != 0 ||
		!reflect.DeepEqual(q.AllowedIPs, pfx("0.0.0.0/0", "::/0")) {
		t.Errorf("peer 1: %+v", q)
	}
}

func TestWGQuickClientFile(t *testing.T) {
	c, err := Load(copyPrivate(t, "testdata/wg-quick-client.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Interface.Mode != ModeTUN || c.Interface.EffectiveMTU() != DefaultMTU || len(c.Peers) != 1 ||
		c.Peers[0].AllowedIPs[1] != netip.MustParsePrefix("::/0") {
		t.Errorf("got %+v", c)
	}
}

// copyPrivate copies a testdata file to a fresh 0600 file (checkouts make
// files 0644, which Load would rightly refuse).
func copyPrivate(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestLoadPermissions(t *testing.T) {
	withKey := "[Interface]\n" + priv1
	withPSK := "[Peer]\nPublicKey = " + testKey(2) + "\nPresharedKey = " + testKey(4) + "\n"
	noSecret := "[Peer]\nPublicKey = " + testKey(2) + "\n"
	tests := []struct {
		name, body string
		mode       os.FileMode
		ok         bool
	}{
		{"key 0600", withKey, 0o600, true},
		{"key 0400", withKey, 0o400, true},
		{"key 0644", withKey, 0o644, false},
		{"key 0640", withKey, 0o640, false},
		{"key 0602", withKey, 0o602, false},
		{"psk 0644", withPSK, 0o644, false},
		{"no secret 0644", noSecret, 0o644, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wg0.conf")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInsecureMode) {
				t.Fatalf("err = %v, want ErrInsecureMode", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "chmod 600 "+path) || !strings.Contains(msg, "mode 0"+fmtOctal(tt.mode)) {
				t.Errorf("message %q lacks the mode or the fix", msg)
			}
		})
	}
}

func fmtOctal(m os.FileMode) string {
	const digits = "01234567"
	p := uint32(m.Perm())
	return string([]byte{digits[p>>6&7], digits[p>>3&7], digits[p&7]})
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.conf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("[Interface]\nMode = tun\nBridge = br0\n"), 0o600)
	var pe *ParseError
	if _, err := Load(bad); !errors.As(err, &pe) || pe.Line != 3 || pe.Key != "Bridge" {
		t.Errorf("Load does not validate: %v", err)
	}
}

func TestInterfaceName(t *testing.T) {
	tests := []struct{ path, want, err string }{
		{"wg0.conf", "wg0", ""},
		{"/etc/wireguard/office-vpn.conf", "office-vpn", ""},
		{"a_b=c+d.e.conf", "a_b=c+d.e", ""},
		{"123456789012345.conf", "123456789012345", ""},
		{"1234567890123456.conf", "", "invalid interface name"},
		{"wg0", "", "must be named INTERFACE.conf"},
		{".conf", "", "invalid interface name"},
		{"my vpn.conf", "", "invalid interface name"},
		{"wg0.conf.bak", "", "must be named"},
	}
	for _, tt := range tests {
		got, err := InterfaceName(tt.path)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("InterfaceName(%q) = %q, %v; want %q, %q", tt.path, got, err, tt.want, tt.err)
		}
	}
}
