package iface

import (
	"bytes"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type call struct {
	stdin string
	args  []string
}

// recorder is a resolvconf whose runs are recorded instead of executed: the
// host's resolver configuration is never touched by these tests.
func recorder(t *testing.T, order string, fail error) (resolvconf, *[]call) {
	var calls []call
	path := filepath.Join(t.TempDir(), "interface-order")
	if order != "" {
		if err := os.WriteFile(path, []byte(order), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return resolvconf{path: "/sbin/resolvconf", order: path, run: func(stdin, p string, args ...string) error {
		calls = append(calls, call{stdin, append([]string{p}, args...)})
		return fail
	}}, &calls
}

var debianOrder = "# interface-order(5)\nlo.inet6\nlo.inet\nlo.@(dnsmasq|pdnsd)\nlo.!(pdns|pdns-recursor)\nlo\ntun*\ntap*\nhso*\nen*\n"

func TestResolvconfCommands(t *testing.T) {
	servers := []netip.Addr{netip.MustParseAddr("10.9.0.1"), netip.MustParseAddr("fd00::1")}
	for _, c := range []struct {
		name, order    string
		servers        []netip.Addr
		search         []string
		wantIn, wantAs string // stdin of -a, the record name
	}{
		{"debian order file", debianOrder, servers, []string{"corp.example", "example.org"},
			"nameserver 10.9.0.1\nnameserver fd00::1\nsearch corp.example example.org\n", "tun.wg0"},
		{"no order file", "", servers[:1], nil, "nameserver 10.9.0.1\n", "wg0"},
		{"search only", debianOrder, nil, []string{"lan"}, "search lan\n", "tun.wg0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, calls := recorder(t, c.order, nil)
			name, err := r.up(slog.New(slog.DiscardHandler), "wg0", c.servers, c.search)
			if err != nil || name != c.wantAs {
				t.Fatalf("up = %q, %v; want %q", name, err, c.wantAs)
			}
			if err := r.down(name); err != nil {
				t.Fatal(err)
			}
			want := []call{
				{c.wantIn, []string{"/sbin/resolvconf", "-a", c.wantAs, "-m", "0", "-x"}},
				{"", []string{"/sbin/resolvconf", "-d", c.wantAs, "-f"}},
			}
			if !slices.EqualFunc(*calls, want, func(a, b call) bool { return a.stdin == b.stdin && slices.Equal(a.args, b.args) }) {
				t.Fatalf("calls %q, want %q", *calls, want)
			}
		})
	}
}

func TestResolvconfNothingToDo(t *testing.T) {
	r, calls := recorder(t, debianOrder, nil)
	if name, err := r.up(slog.New(slog.DiscardHandler), "wg0", nil, nil); name != "" || err != nil {
		t.Fatalf("up without DNS = %q, %v", name, err)
	}
	if err := r.down(""); err != nil || len(*calls) != 0 {
		t.Fatalf("down after nothing: %v, calls %q", err, *calls)
	}
}

// Without resolvconf the user is told what to put in resolv.conf.
func TestResolvconfMissingWarns(t *testing.T) {
	r, calls := recorder(t, "", nil)
	r.path = ""
	var buf bytes.Buffer
	name, err := r.up(slog.New(slog.NewTextHandler(&buf, nil)), "wg0", []netip.Addr{netip.MustParseAddr("10.9.0.1")}, []string{"lan"})
	if name != "" || err != nil || len(*calls) != 0 {
		t.Fatalf("up = %q, %v, calls %q", name, err, *calls)
	}
	for _, w := range []string{"level=WARN", "resolvconf is not installed", `nameserver 10.9.0.1\nsearch lan`} {
		if !strings.Contains(buf.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, buf.String())
		}
	}
}

func TestResolvconfFailureIsAnError(t *testing.T) {
	r, _ := recorder(t, "", errors.New("exit status 1"))
	_, err := r.up(slog.New(slog.DiscardHandler), "wg0", []netip.Addr{netip.MustParseAddr("10.9.0.1")}, nil)
	if err == nil || !strings.Contains(err.Error(), "set DNS") {
		t.Fatalf("up with a failing resolvconf = %v", err)
	}
}
