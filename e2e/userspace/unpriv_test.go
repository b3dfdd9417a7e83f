//go:build linux

package userspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tuntap/tuntap/uapi"
)

// TestUnprivileged runs tuntap as nobody with no capabilities: nothing that
// needs privileges is fatal, the control socket goes where nobody can
// write, and the log says where.
func TestUnprivileged(t *testing.T) {
	for _, c := range []struct {
		name string
		// flags other than --socket-dir; xdg: no --socket-dir, but
		// XDG_RUNTIME_DIR set.
		flags []string
		xdg   bool
		cause string // the fallback's cause, "" when --userspace asks for the stack
	}{
		{name: "socket-dir", flags: []string{"--userspace"}},
		{name: "xdg-runtime-dir", flags: []string{"--userspace"}, xdg: true},
		// /dev/net/tun exists here, but creating a device needs
		// CAP_NET_ADMIN: the fallback happens on its own.
		{name: "automatic-fallback", cause: "This process is not allowed to create TUN/TAP devices"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tp := newTopo(t)
			tp.startPeerTuntap(t)
			conf := tp.stackConf(t)
			chownNobody(t, conf)
			var env []string
			flags := append(c.flags, "--socks5", socksAddr)
			var sockDir string
			if c.xdg {
				xdg := filepath.Join(tp.dir, "xdg")
				mkdirNobody(t, xdg, 0o700)
				env = append(env, "XDG_RUNTIME_DIR="+xdg)
				sockDir = filepath.Join(xdg, "tuntap")
			} else {
				sockDir = filepath.Join(tp.dir, "sock")
				mkdirNobody(t, sockDir, 0o700)
				flags = append(flags, "--socket-dir", sockDir)
			}
			p := tp.startStack(t, asUser, env, conf, flags...)
			sock := uapi.SocketPath(sockDir, tp.name)
			if !strings.Contains(p.Output(), "socket="+sock) {
				t.Errorf("the log does not say the control socket is %s:\n%s", sock, p.Output())
			}
			checkSocket(t, sock)
			if c.cause != "" {
				mustFallBack(t, p, c.cause)
			}
			tp.waitTunnel(t, sockDir)
			tp.fetchBlob(t, "SOCKS5 as nobody", "--socks5-hostname", socksAddr, fmt.Sprintf("http://%s:%d/file", testHost, httpPort))
			if err := p.Stop(5e9); err != nil {
				t.Errorf("tuntap up as nobody: exit on SIGTERM: %v", err)
			}
			if _, err := os.Stat(sock); !os.IsNotExist(err) {
				t.Errorf("control socket %s left behind: %v", sock, err)
			}
		})
	}
}

// checkSocket wants the control socket owned by nobody with mode 0600.
func checkSocket(t *testing.T, sock string) {
	t.Helper()
	fi, err := os.Stat(sock)
	if err != nil {
		t.Errorf("control socket: %v", err)
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 || st.Uid != nobody {
		t.Errorf("control socket %s: mode %v owner %d, want a socket with mode 0600 owned by %d", sock, fi.Mode(), st.Uid, nobody)
	}
}

func chownNobody(t *testing.T, path string) {
	t.Helper()
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
}

func mkdirNobody(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	chownNobody(t, dir)
}
