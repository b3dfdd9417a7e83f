package diagnose

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/tuntap/tuntap/tun"
)

// fake is a system for Run: a file tree, a node and what creating devices does.
type fake struct {
	files   map[string]string
	vars    map[string]string
	node    Node
	openErr error // OpenNode
	tunErr  error
	tapErr  error
}

var tunNode = Node{Exists: true, Char: true, Major: 10, Minor: 200, ModeString: "0666"}

// typed wraps an errno the way tun.Open does.
func typed(t, errno error) error { return fmt.Errorf("TUNSETIFF x: %w (%w)", t, errno) }

func (f fake) env(t *testing.T) Env {
	return Env{
		Root:      tree(t, f.files),
		Getenv:    envOf(f.vars),
		Stat:      func(string) (Node, error) { return f.node, nil },
		OpenNode:  func(string) error { return f.openErr },
		Detectors: Detectors(),
		ProbeName: func(k tun.Kind) string { return "probe-" + k.String() },
		Create: func(k tun.Kind, name string) error {
			if k == tun.TAP {
				return f.tapErr
			}
			return f.tunErr
		},
	}
}

// hostFiles is a plain host with CAP_NET_ADMIN, where tun is a loadable module.
func hostFiles(extra map[string]string) map[string]string {
	m := map[string]string{
		"proc/sys/kernel/osrelease": "6.1.0-13-amd64\n",
		"proc/self/status":          "Name:\tx\nCapEff:\t000001ffffffffff\n",
		"proc/self/mounts":          "devtmpfs /dev devtmpfs rw,nosuid 0 0\n",
		"lib/modules/6.1.0-13-amd64/kernel/drivers/net/tun.ko": "",
		"lib/modules/6.1.0-13-amd64/modules.builtin":           "kernel/fs/ext4/ext4.ko\n",
	}
	for k, v := range extra {
		if v == "<delete>" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

var (
	enodev = typed(tun.ErrNoDriver, syscall.ENODEV)
	eperm  = typed(tun.ErrNotPermitted, syscall.EPERM)
	enoent = fmt.Errorf("open /dev/net/tun: %w (%w)", tun.ErrNoNode, syscall.ENOENT)
)

func TestRunCauses(t *testing.T) {
	missing := Node{}
	wrong := Node{Exists: true, Char: true, Major: 10, Minor: 201, ModeString: "0644"}
	tests := []struct {
		name     string
		f        fake
		cause    Cause
		code     int
		detail   string
		fixes    []string // each must appear in some fix command
		notes    []string // each must appear in some note
		tunOK    bool
		tapOK    bool
		fallback bool
	}{
		{name: "all good", f: fake{files: hostFiles(nil), node: tunNode}, cause: OK, code: 0, tunOK: true, tapOK: true},
		{name: "node missing", f: fake{files: hostFiles(nil), node: missing, tunErr: enoent, tapErr: enoent},
			cause: NodeMissing, code: 3, fallback: true,
			fixes: []string{"mkdir -p /dev/net", "mknod /dev/net/tun c 10 200", "chmod 600 /dev/net/tun"}},
		{name: "no driver", f: fake{files: hostFiles(nil), node: tunNode, tunErr: enodev, tapErr: enodev},
			cause: NoDriver, code: 4, detail: "module-not-loaded", fallback: true,
			fixes: []string{"modprobe tun", "echo tun > /etc/modules-load.d/tun.conf"}},
		{name: "kernel upgraded, module dir gone", f: fake{node: tunNode, tunErr: enodev, tapErr: enodev,
			files: hostFiles(map[string]string{
				"lib/modules/6.1.0-13-amd64/kernel/drivers/net/tun.ko": "<delete>",
				"lib/modules/6.1.0-13-amd64/modules.builtin":           "<delete>",
				"lib/modules/6.1.0-18-amd64/kernel/drivers/net/tun.ko": ""})},
			cause: NoDriver, code: 4, detail: "kernel-upgraded", fallback: true,
			fixes: []string{"reboot"}, notes: []string{"reboot into the installed kernel"}},
		{name: "kernel upgraded, no tun.ko", f: fake{node: tunNode, tunErr: enodev, tapErr: enodev,
			files: hostFiles(map[string]string{
				"lib/modules/6.1.0-13-amd64/kernel/drivers/net/tun.ko": "<delete>",
				"lib/modules/6.1.0-18-amd64/kernel/drivers/net/tun.ko": ""})},
			cause: NoDriver, code: 4, detail: "kernel-upgraded", fixes: []string{"reboot"}, fallback: true},
		{name: "module not installed", f: fake{node: tunNode, tunErr: enodev, tapErr: enodev,
			files: hostFiles(map[string]string{"lib/modules/6.1.0-13-amd64/kernel/drivers/net/tun.ko": "<delete>"})},
			cause: NoDriver, code: 4, detail: "module-missing", fixes: []string{"modprobe tun"}, fallback: true},
		{name: "tun built in", f: fake{node: tunNode, tunErr: enodev, tapErr: enodev,
			files: hostFiles(map[string]string{"lib/modules/6.1.0-13-amd64/modules.builtin": "kernel/drivers/net/tun.ko\n"})},
			cause: NoDriver, code: 4, detail: "builtin", notes: []string{"built into this kernel"}, fallback: true},
		{name: "no CAP_NET_ADMIN", f: fake{node: tunNode, tunErr: eperm, tapErr: eperm,
			files: hostFiles(map[string]string{"proc/self/status": "CapEff:\t0000000000000000\n"})},
			cause: NotPermitted, code: 5, detail: "no-cap-net-admin", fallback: true,
			fixes: []string{"setcap cap_net_admin+ep"}, notes: []string{"CAP_NET_ADMIN"}},
		{name: "device cgroup denies open", f: fake{node: tunNode, openErr: &os.PathError{Op: "open", Path: NodePath, Err: syscall.EPERM},
			tunErr: typed(tun.ErrNotPermitted, syscall.EPERM), tapErr: eperm,
			files: hostFiles(map[string]string{"proc/1/environ": "container=lxc\x00"})},
			cause: NotPermitted, code: 5, detail: "device-cgroup", fallback: true,
			fixes: []string{"lxc.cgroup2.devices.allow: c 10:200 rwm"}},
		{name: "device cgroup v1 list", f: fake{node: tunNode, tunErr: eperm, tapErr: eperm,
			files: hostFiles(map[string]string{"sys/fs/cgroup/devices/devices.list": "c 1:3 rwm\nc 5:* rwm\n"})},
			cause: NotPermitted, code: 5, detail: "device-cgroup", fallback: true},
		{name: "node mode", f: fake{node: Node{Exists: true, Char: true, Major: 10, Minor: 200, ModeString: "0600"},
			openErr: syscall.EACCES, tunErr: typed(tun.ErrNotPermitted, syscall.EACCES), tapErr: eperm,
			files: hostFiles(nil)},
			cause: NotPermitted, code: 5, detail: "node-mode", fixes: []string{"chmod 666 /dev/net/tun"}, fallback: true},
		{name: "busy", f: fake{files: hostFiles(nil), node: tunNode, tapErr: typed(tun.ErrBusy, syscall.EBUSY)},
			cause: Busy, code: 6, tunOK: true, fallback: true, fixes: []string{"ip -d link show"}},
		{name: "read-only dev", f: fake{node: missing, tunErr: enoent, tapErr: enoent,
			files: hostFiles(map[string]string{"proc/self/mounts": "tmpfs /dev tmpfs ro,nosuid 0 0\n"})},
			cause: ReadOnlyDev, code: 7, detail: "node-missing", fallback: true,
			fixes: []string{"mount -o remount,rw /dev", "mknod /dev/net/tun c 10 200"}, notes: []string{"read-only"}},
		{name: "read-only /dev/net over rw /dev", f: fake{node: missing, tunErr: enoent, tapErr: enoent,
			files: hostFiles(map[string]string{"proc/self/mounts": "tmpfs /dev tmpfs rw 0 0\ntmpfs /dev/net tmpfs ro 0 0\n"})},
			cause: ReadOnlyDev, code: 7, detail: "node-missing", fallback: true},
		{name: "wrong minor", f: fake{files: hostFiles(nil), node: wrong, openErr: syscall.ENODEV, tunErr: enodev, tapErr: enodev},
			cause: WrongNode, code: 8, fallback: true, fixes: []string{"rm -f /dev/net/tun", "mknod /dev/net/tun c 10 200"},
			notes: []string{"ENODEV"}},
		{name: "regular file", f: fake{files: hostFiles(nil), node: Node{Exists: true, ModeString: "0644"},
			tunErr: syscall.ENOTTY, tapErr: syscall.ENOTTY}, cause: WrongNode, code: 8, fallback: true},
		{name: "other", f: fake{files: hostFiles(nil), node: tunNode, tunErr: errors.New("something odd"), tapErr: errors.New("x")},
			cause: Other, code: 1, fallback: true, notes: []string{"something odd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(tt.f.env(t))
			if r.Cause != tt.cause || r.ExitCode != tt.code || r.Detail != tt.detail {
				t.Fatalf("cause %s exit %d detail %q, want %s %d %q\n%s", r.Cause, r.ExitCode, r.Detail,
					tt.cause, tt.code, tt.detail, r.JSON())
			}
			if r.TunOK != tt.tunOK || r.TapOK != tt.tapOK || r.UserspaceFallback != tt.fallback {
				t.Fatalf("tun_ok %v tap_ok %v fallback %v, want %v %v %v", r.TunOK, r.TapOK,
					r.UserspaceFallback, tt.tunOK, tt.tapOK, tt.fallback)
			}
			assertContains(t, "fixes", r.Fixes, tt.fixes)
			assertContains(t, "notes", r.Notes, tt.notes)
			if tt.fallback {
				assertContains(t, "notes", r.Notes, []string{"tuntap up --userspace FILE"})
			}
		})
	}
}

func assertContains(t *testing.T, what string, have, want []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, h := range have {
			if strings.Contains(strings.ToLower(h), strings.ToLower(w)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %q lack %q", what, have, w)
		}
	}
}

func TestCauseIDsAndExitCodesAreDistinct(t *testing.T) {
	ids, codes := map[string]bool{}, map[int]bool{2: true} // 2 is for usage errors
	for _, c := range Causes() {
		if ids[c.String()] || (c != OK && codes[c.ExitCode()]) {
			t.Fatalf("cause %s: id or exit code %d used twice", c, c.ExitCode())
		}
		ids[c.String()], codes[c.ExitCode()] = true, true
		back, err := ParseCause(c.String())
		if err != nil || back != c {
			t.Fatalf("ParseCause(%q) = %v, %v", c.String(), back, err)
		}
	}
	if OK.ExitCode() != 0 {
		t.Fatal("OK must exit 0")
	}
}

func TestJSONFields(t *testing.T) {
	f := fake{files: hostFiles(nil), tunErr: enoent, tapErr: enoent}
	var m map[string]any
	if err := json.Unmarshal(Run(f.env(t)).JSON(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"tun_ok", "tap_ok", "cause", "container", "kernel", "node", "capabilities",
		"fixes", "notes", "userspace_fallback", "exit_code", "summary", "fix_steps"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if m["cause"] != "node-missing" {
		t.Errorf("cause = %v, want the stable id node-missing", m["cause"])
	}
	node := m["node"].(map[string]any)
	for _, k := range []string{"exists", "char", "major", "minor", "mode"} {
		if _, ok := node[k]; !ok {
			t.Errorf("node lacks %q", k)
		}
	}
	if _, ok := m["capabilities"].(map[string]any)["net_admin"]; !ok {
		t.Error("capabilities lacks net_admin")
	}
	if _, ok := m["kernel"].(map[string]any)["release"]; !ok {
		t.Error("kernel lacks release")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err   error
		cause Cause
		errno string
	}{
		{nil, OK, ""},
		{enoent, NodeMissing, "ENOENT"},
		{enodev, NoDriver, "ENODEV"},
		{syscall.ENXIO, NoDriver, "ENXIO"},
		{eperm, NotPermitted, "EPERM"},
		{&os.PathError{Op: "open", Path: NodePath, Err: syscall.EACCES}, NotPermitted, "EACCES"},
		{typed(tun.ErrBusy, syscall.EBUSY), Busy, "EBUSY"},
		{syscall.EROFS, ReadOnlyDev, "EROFS"},
		{tun.ErrNoDriver, NoDriver, ""},
		// "no such device name" from tun.Delete is not a missing node.
		{fmt.Errorf("delete x: %w", os.ErrNotExist), Other, ""},
		{typed(tun.ErrBadName, syscall.EINVAL), Other, "EINVAL"},
	}
	for _, tt := range tests {
		c, errno := Classify(tt.err)
		if c != tt.cause || errno != tt.errno {
			t.Errorf("Classify(%v) = %s, %q; want %s, %q", tt.err, c, errno, tt.cause, tt.errno)
		}
	}
}
