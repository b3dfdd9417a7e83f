package uapi

import (
	"bufio"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	hexKey1 = "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a"
	hexKey2 = "58402e695ba1772b1cc9309755f043251ea77fdcf10fbe63989ceb7e19321376"
)

func parse(s string) (*Set, error) { return ParseSet(bufio.NewReader(strings.NewReader(s))) }

func TestParseSet(t *testing.T) {
	// What `wg set wg0 listen-port 51820 private-key K peer P preshared-key Q
	// endpoint 10.0.0.1:51820 persistent-keepalive 25 allowed-ips 10.0.0.0/24,fd00::/64` sends.
	s, err := parse("private_key=" + hexKey1 + "\nlisten_port=51820\nfwmark=0\nreplace_peers=true\n" +
		"public_key=" + hexKey2 + "\npreshared_key=" + hexKey1 + "\nendpoint=10.0.0.1:51820\n" +
		"persistent_keepalive_interval=25\nreplace_allowed_ips=true\nallowed_ip=10.0.0.9/24\nallowed_ip=fd00::/64\n" +
		"allowed_ip=-10.1.0.0/16\nprotocol_version=1\n\n")
	if err != nil {
		t.Fatal(err)
	}
	if s.PrivateKey == nil || s.PrivateKey.Hex() != hexKey1 || *s.ListenPort != 51820 || *s.Fwmark != 0 || !s.ReplacePeers {
		t.Fatalf("interface part wrong: %+v", s)
	}
	if len(s.Peers) != 1 {
		t.Fatalf("%d peers, want 1", len(s.Peers))
	}
	p := s.Peers[0]
	if p.PublicKey.Hex() != hexKey2 || p.PresharedKey == nil || p.Endpoint.String() != "10.0.0.1:51820" ||
		*p.PersistentKeepalive != 25*time.Second || !p.ReplaceAllowedIPs {
		t.Fatalf("peer wrong: %+v", p)
	}
	if len(p.AllowedIPs) != 2 || p.AllowedIPs[0].String() != "10.0.0.0/24" || len(p.RemoveAllowedIPs) != 1 {
		t.Fatalf("allowed ips wrong: %v remove %v", p.AllowedIPs, p.RemoveAllowedIPs)
	}
}

func TestParseSetErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no equals", "listen_port\n\n", "want key=value"},
		{"bad port", "listen_port=70000\n\n", "listen_port"},
		{"bad key", "private_key=zz\n\n", "private_key"},
		{"unknown interface key", "colour=blue\n\n", "unknown interface key"},
		{"unknown peer key", "public_key=" + hexKey2 + "\ncolour=blue\n\n", "unknown peer key"},
		{"bad endpoint", "public_key=" + hexKey2 + "\nendpoint=nowhere\n\n", "endpoint"},
		{"bad allowed ip", "public_key=" + hexKey2 + "\nallowed_ip=10.0.0.0/33\n\n", "allowed_ip"},
		{"remove not true", "public_key=" + hexKey2 + "\nremove=yes\n\n", "remove"},
		{"protocol 2", "public_key=" + hexKey2 + "\nprotocol_version=2\n\n", "protocol_version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.in)
			var ue *Error
			if err == nil || !errors.As(err, &ue) || ue.Errno != errnoInvalid || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want EINVAL mentioning %q", err, tt.want)
			}
		})
	}
}

func FuzzParseSet(f *testing.F) {
	f.Add("private_key=" + hexKey1 + "\nlisten_port=1\n\n")
	f.Add("public_key=" + hexKey2 + "\nallowed_ip=-::/0\nendpoint=[::1]:5\n\n")
	f.Add("replace_peers=true\npublic_key=" + hexKey2 + "\nremove=true\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := parse(in)
		if err == nil && s == nil {
			t.Fatal("nil set without error")
		}
	})
}
