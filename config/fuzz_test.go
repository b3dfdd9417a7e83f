package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no input panics, and every config Parse accepts survives
// Marshal and Parse unchanged. Validate must not panic either.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.conf")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "[Interface]\n", "[Peer]\n[Peer]\n", "\uFEFF[interface]\r\nAddress = fe80::1/64\r\n",
		"[Interface]\nDNS = fe80::1%eth0, a.b.\nTable = 007\nFwMark = 017\n",
		"[Interface]\nForward = udp:080=[::1]:53\nExpose = tcp:[::1]:1=h:2\n",
		"[Interface]\nMode = tap\nMACAgeing = 300\nMaxMACs = 256\n",
		"[Interface]\nPostUp = a=b # c\n[Peer]\nEndpoint = [fe80::1%x]:1\nAllowedIPs = ::ffff:1.2.3.4/100\n",
		"[Peer]\nPersistentKeepalive = +0\nAllowedMACs = 02:00:00:00:00:01\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.conf", bytes.NewReader(data))
		if err != nil {
			return
		}
		_ = c.Validate()
		roundTrip(t, c)
	})
}
