//go:build linux

package tun_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
	"github.com/tuntap/tuntap/tun"
)

// A persistent device handed to an unprivileged uid: that uid, with no
// capabilities at all, may attach to it; another uid may not. List reports
// it as `ip` does, and Delete removes it.
func TestPersistentOwnedDevice(t *testing.T) {
	testenv.RequireTool(t, "setpriv")
	ns := netns.New(t)
	const name, uid = "tp0", 65534
	dev := openIn(t, ns, tun.Config{Name: name, Persist: true, Owner: uid, Group: uid, Queues: 2})
	dev.Close()
	t.Cleanup(func() { ns.Do(func() error { return tun.Delete(name) }) })

	info := listOne(t, ns, name)
	want := tun.Info{Name: name, Kind: tun.TUN, Owner: uid, Group: uid, MultiQueue: true,
		Persist: true, MTU: 1500, Index: dev.Index()}
	if info != want {
		t.Fatalf("List: %+v\nwant %+v", info, want)
	}
	checkAgainstIP(t, ns, info)

	bin := exportBinary(t)
	if code := openAs(t, ns, bin, name, uid); code != 0 {
		t.Fatalf("uid %d (owner) could not open %s: exit %d", uid, name, code)
	}
	if code := openAs(t, ns, bin, name, 65533); code != 3 {
		t.Fatalf("uid 65533 opening %s: exit %d, want 3 (ErrNotPermitted)", name, code)
	}

	if err := ns.Do(func() error { return tun.Delete(name) }); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if out, err := ns.Run("ip", "link", "show", name); err == nil {
		t.Fatalf("%s still exists after Delete:\n%s", name, out)
	}
	err := ns.Do(func() error { return tun.Delete(name) })
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second delete: %v, want fs.ErrNotExist", err)
	}
}

// openAs runs this test binary as uid (no groups, no capabilities) inside ns
// to open the device, and returns its exit code.
func openAs(t *testing.T, ns *netns.NS, bin, name string, uid int) int {
	t.Helper()
	id := strconv.Itoa(uid)
	cmd := ns.Command("setpriv", "--reuid="+id, "--regid="+id, "--clear-groups",
		"--inh-caps=-all", "--bounding-set=-all", "--", bin)
	cmd.Env = append(os.Environ(), helperEnv+"="+name)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Logf("as uid %d: exit %d: %s", uid, exit.ExitCode(), out)
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("run helper as uid %d: %v: %s", uid, err, out)
	}
	return 0
}

func listOne(t *testing.T, ns *netns.NS, name string) tun.Info {
	t.Helper()
	var all []tun.Info
	if err := ns.Do(func() (err error) { all, err = tun.List(); return err }); err != nil {
		t.Fatal(err)
	}
	for _, info := range all {
		if info.Name == name {
			return info
		}
	}
	t.Fatalf("List has no %s: %+v", name, all)
	return tun.Info{}
}

// checkAgainstIP compares a List entry with `ip -d -j link show` and
// `ip tuntap show`.
func checkAgainstIP(t *testing.T, ns *netns.NS, info tun.Info) {
	t.Helper()
	var links []struct {
		Ifindex  int `json:"ifindex"`
		MTU      int `json:"mtu"`
		Linkinfo struct {
			Kind string `json:"info_kind"`
			Data struct {
				Type       string `json:"type"`
				VnetHdr    bool   `json:"vnet_hdr"`
				MultiQueue bool   `json:"multi_queue"`
				Persist    bool   `json:"persist"`
				User       any    `json:"user"`
				Group      any    `json:"group"`
			} `json:"info_data"`
		} `json:"linkinfo"`
	}
	out := ns.MustRun(t, "ip", "-d", "-j", "link", "show", "dev", info.Name)
	if err := json.Unmarshal([]byte(out), &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -d -j link show: %v: %s", err, out)
	}
	l, d := links[0], links[0].Linkinfo.Data
	got := fmt.Sprintf("%d %d %s %s %v %v %v %v %v", l.Ifindex, l.MTU, l.Linkinfo.Kind, d.Type,
		d.VnetHdr, d.MultiQueue, d.Persist, idOf(d.User), idOf(d.Group))
	want := fmt.Sprintf("%d %d tun %s %v %v %v %d %d", info.Index, info.MTU, info.Kind,
		info.VnetHdr, info.MultiQueue, info.Persist, info.Owner, info.Group)
	if got != want {
		t.Errorf("ip -d link says %q, List says %q", got, want)
	}
	tt := ns.MustRun(t, "ip", "tuntap", "show")
	words := []string{info.Name + ":", info.Kind.String()}
	if info.Persist {
		words = append(words, "persist")
	}
	if info.MultiQueue {
		words = append(words, "multi_queue")
	}
	if info.Owner >= 0 {
		words = append(words, fmt.Sprintf("user %d", info.Owner))
	}
	if !containsLine(tt, words...) {
		t.Errorf("ip tuntap show lacks %q:\n%s", words, tt)
	}
}

// idOf reads a uid or gid as ip prints it: a number or a name ("nobody").
func idOf(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.Itoa(int(v))
	case string:
		if v == "nobody" || v == "nogroup" {
			return "65534"
		}
		return v
	}
	return "-1"
}
