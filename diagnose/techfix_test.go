package diagnose

import (
	"bytes"
	"strings"
	"syscall"
	"testing"

	"github.com/tuntap/tuntap/tun"
)

// techFiles make each technology detectable.
var techFiles = map[Tech]map[string]string{
	OpenVZ:     {"proc/vz/": ""},
	LXC:        {"proc/1/environ": "container=lxc\x00"},
	ProxmoxLXC: {"proc/1/environ": "container=lxc\x00", "proc/version": "Linux version 6.8.12-4-pve"},
	Docker:     {".dockerenv": "", "proc/self/mounts": "tmpfs /dev tmpfs rw 0 0\n"},
	Podman:     {"run/.containerenv": ""},
	Kubernetes: {"var/run/secrets/kubernetes.io/serviceaccount/token": ""},
	Nspawn:     {"run/systemd/container": "systemd-nspawn\n"},
	WSL:        {"proc/version": "Linux version 5.15.153.1-microsoft-standard-WSL2"},
	VM:         {"sys/class/dmi/id/product_name": "KVM"},
	Host:       {},
}

// The fix for a missing node or a missing capability is the technology's own
// way to pass the device in and grant NET_ADMIN.
var techWants = map[Tech][]string{
	OpenVZ: {"vzctl set CTID --devnodes net/tun:rw --save", "vzctl set CTID --devices c:10:200:rw --save",
		"vzctl set CTID --capability net_admin:on --save", "vzctl restart CTID"},
	LXC: {"lxc.cgroup2.devices.allow: c 10:200 rwm", "lxc.mount.entry: /dev/net dev/net none bind,create=dir",
		"/var/lib/lxc/NAME/config"},
	ProxmoxLXC: {"lxc.cgroup2.devices.allow: c 10:200 rwm", "lxc.mount.entry: /dev/net dev/net none bind,create=dir",
		"/etc/pve/lxc/CTID.conf"},
	Docker:     {"docker run --cap-add=NET_ADMIN --device=/dev/net/tun"},
	Podman:     {"podman run --cap-add=NET_ADMIN --device=/dev/net/tun"},
	Kubernetes: {"kubectl"},
	Nspawn:     {"Capability=CAP_NET_ADMIN", "Bind=/dev/net/tun", "DeviceAllow='/dev/net/tun rwm'"},
}

var techNotes = map[Tech][]string{
	OpenVZ:     {"control panel"},
	ProxmoxLXC: {"dev0: /dev/net/tun"},
	Docker:     {"cap_add: [NET_ADMIN]", `devices: ["/dev/net/tun:/dev/net/tun"]`},
	Kubernetes: {`add: ["NET_ADMIN"]`, "type: CharDevice", "path: /dev/net/tun", "device plugin"},
	Nspawn:     {"--capability=CAP_NET_ADMIN --bind=/dev/net/tun"},
}

func TestFixPerTechnology(t *testing.T) {
	causes := []struct {
		cause Cause
		node  Node
		err   error
	}{
		{NodeMissing, Node{}, enoent},
		{NotPermitted, tunNode, eperm},
	}
	for tech, files := range techFiles {
		for _, c := range causes {
			t.Run(string(tech)+"/"+c.cause.String(), func(t *testing.T) {
				f := fake{files: hostFiles(files), node: c.node, tunErr: c.err, tapErr: c.err}
				if c.cause == NotPermitted {
					f.files["proc/self/status"] = "CapEff:\t0000000000000000\n"
				}
				r := Run(f.env(t))
				if r.Container != tech || r.Cause != c.cause {
					t.Fatalf("got %s/%s, want %s/%s", r.Container, r.Cause, tech, c.cause)
				}
				assertContains(t, "fixes", r.Fixes, techWants[tech])
				assertContains(t, "notes", r.Notes, techNotes[tech])
				if c.cause == NodeMissing && (tech == Host || tech == VM || tech == OpenVZ) {
					assertContains(t, "fixes", r.Fixes, mknodCmds)
				}
				if c.cause == NotPermitted && !tech.IsContainer() {
					assertContains(t, "fixes", r.Fixes, []string{"setcap cap_net_admin+ep"})
				}
			})
		}
	}
}

func TestNoDriverInContainerLoadsOnHost(t *testing.T) {
	for _, tech := range []Tech{Docker, OpenVZ, LXC, Kubernetes} {
		f := fake{files: hostFiles(techFiles[tech]), node: tunNode, tunErr: enodev, tapErr: enodev}
		r := Run(f.env(t))
		if r.Cause != NoDriver || r.Detail != "host-module" {
			t.Fatalf("%s: %s/%s, want no-driver/host-module", tech, r.Cause, r.Detail)
		}
		if len(r.Steps) == 0 || r.Steps[0].Where != onHost || r.Steps[0].Commands[0] != "modprobe tun" {
			t.Fatalf("%s: steps %+v, want modprobe tun on the host", tech, r.Steps)
		}
	}
	f := fake{files: hostFiles(techFiles[WSL]), node: tunNode, tunErr: enodev, tapErr: enodev}
	if r := Run(f.env(t)); r.Detail != "wsl-kernel" || !strings.Contains(strings.Join(r.Fixes, ";"), "wsl --update") {
		t.Fatalf("wsl: %s %v", r.Detail, r.Fixes)
	}
}

func TestExplain(t *testing.T) {
	f := fake{files: hostFiles(techFiles[Docker]), node: tunNode}
	env := f.env(t)
	env.Create = func(tun.Kind, string) error { t.Fatal("Explain must not create devices"); return nil }
	r := ExplainEnv(env, typed(tun.ErrNotPermitted, syscall.EPERM))
	if r.Cause != NotPermitted || r.ExitCode != 5 || !r.UserspaceFallback {
		t.Fatalf("got %+v", r)
	}
	short := r.Short()
	for _, w := range []string{"not allowed", "--cap-add=NET_ADMIN"} {
		if !strings.Contains(short, w) {
			t.Errorf("Short() = %q lacks %q", short, w)
		}
	}
	if r := ExplainEnv(env, nil); r.Cause != OK {
		t.Fatalf("nil error: %s", r.Cause)
	}
}

func TestTextReport(t *testing.T) {
	f := fake{files: hostFiles(techFiles[OpenVZ]), node: Node{}, tunErr: enoent, tapErr: enoent}
	var b bytes.Buffer
	if err := Run(f.env(t)).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, w := range []string{"NOT usable", "Cause: The device node /dev/net/tun does not exist.",
		"vzctl set CTID --devnodes net/tun:rw --save", "mknod /dev/net/tun c 10 200", "tuntap up --userspace FILE"} {
		if !strings.Contains(out, w) {
			t.Errorf("text report lacks %q:\n%s", w, out)
		}
	}
	b.Reset()
	ok := fake{files: hostFiles(nil), node: tunNode}
	if err := Run(ok.env(t)).WriteText(&b); err != nil || !strings.Contains(b.String(), "OK.") ||
		strings.Contains(b.String(), "Fix") {
		t.Fatalf("ok report: %v\n%s", err, b.String())
	}
}
