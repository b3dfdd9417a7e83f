//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/noise"
)

// TestUpRefusesBadConfig: `tuntap up` refuses, before touching anything, a
// config others may read (saying how to fix it) and a config with a bad
// value (naming file, line and key).
func TestUpRefusesBadConfig(t *testing.T) {
	k, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	good := "[Interface]\nPrivateKey = " + k.Base64() + "\nAddress = 10.9.0.1/24\n"
	for _, c := range []struct {
		name, text string
		mode       os.FileMode
		want       []string // the first names the file (and line)
	}{
		{"insecure", good, 0o644, []string{"bad0.conf", "chmod 600"}},
		{"bad-port", good + "ListenPort = 99999\n", 0o600, []string{"bad1.conf:4", "ListenPort"}},
		{"bad-address", "[Interface]\nPrivateKey = " + k.Base64() + "\nAddress = 10.9.0.300/24\n", 0o600,
			[]string{"bad2.conf:3", "Address"}},
		{"bad-peer-key", good + "\n[Peer]\nPublicKey = notakey\nAllowedIPs = 10.9.0.2/32\n", 0o600,
			[]string{"bad3.conf:6", "PublicKey"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), strings.SplitAfter(c.want[0], ".conf")[0])
			if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, c.mode); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(e2etest.Bin(t), "up", "--socket-dir", t.TempDir(), path)
			out, err := runBounded(cmd, 20*time.Second)
			if err == nil {
				t.Fatalf("tuntap up accepted the config:\n%s", out)
			}
			if _, ok := err.(*exec.ExitError); !ok {
				t.Fatalf("tuntap up: %v\n%s", err, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("tuntap up output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "panic") || strings.Contains(out, k.Base64()) {
				t.Errorf("tuntap up output panics or shows the private key:\n%s", out)
			}
		})
	}
}
