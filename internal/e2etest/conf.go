package e2etest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/noise"
)

// Key is a fresh key pair of a test node.
type Key struct {
	Priv noise.PrivateKey
	Pub  noise.PublicKey
}

// NewKey generates a key pair, failing the test on error.
func NewKey(t testing.TB) Key {
	t.Helper()
	k, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return Key{Priv: k, Pub: k.Public()}
}

// Peer is one [Peer] section; empty fields are left out.
type Peer struct {
	Pub         noise.PublicKey
	AllowedIPs  []string
	AllowedMACs []string // tap mode
	Endpoint    string   // host:port
	Keepalive   int      // seconds
}

// Conf is a wg-quick style config file with tuntap's own keys; zero and
// empty fields are left out.
type Conf struct {
	Key    Key
	Port   int
	Addrs  []string
	MTU    int
	Mode   string // tun or tap
	Bridge string // tap mode
	PostUp []string
	Peers  []Peer
}

// String is the file's text.
func (c Conf) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[Interface]\nPrivateKey = %s\n", c.Key.Priv.Base64())
	line(&b, "ListenPort", c.Port)
	list(&b, "Address", c.Addrs)
	line(&b, "MTU", c.MTU)
	line(&b, "Mode", c.Mode)
	line(&b, "Bridge", c.Bridge)
	for _, h := range c.PostUp {
		line(&b, "PostUp", h)
	}
	for _, p := range c.Peers {
		fmt.Fprintf(&b, "\n[Peer]\nPublicKey = %s\n", p.Pub)
		list(&b, "AllowedIPs", p.AllowedIPs)
		line(&b, "Endpoint", p.Endpoint)
		line(&b, "PersistentKeepalive", p.Keepalive)
		list(&b, "AllowedMACs", p.AllowedMACs)
	}
	return b.String()
}

// line writes "key = v" unless v is zero.
func line[T comparable](b *strings.Builder, key string, v T) {
	var zero T
	if v != zero {
		fmt.Fprintf(b, "%s = %v\n", key, v)
	}
}

func list(b *strings.Builder, key string, vs []string) {
	line(b, key, strings.Join(vs, ", "))
}

// WriteConf writes text to dir/name with mode 0600, as tuntap requires of
// a file that holds a private key, and returns its path.
func WriteConf(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
