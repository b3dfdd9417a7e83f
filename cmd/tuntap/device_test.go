//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
	"github.com/tuntap/tuntap/tun"
)

// helperVar makes TestHelperOpenDevice open the device "NAME:tap|tun:mq"
// instead of testing; the test below runs the test binary that way under
// setpriv, as an unprivileged user.
const helperVar = "TUNTAP_TEST_OPEN_DEVICE"

func TestHelperOpenDevice(t *testing.T) {
	spec := os.Getenv(helperVar)
	if spec == "" {
		return // Not started as the helper.
	}
	parts := strings.Split(spec, ":")
	cfg := tun.Config{Name: parts[0], Kind: tun.TAP, Owner: -1, Group: -1}
	if parts[1] == "tun" {
		cfg.Kind = tun.TUN
	}
	if parts[2] == "mq" {
		cfg.Queues = 2
	}
	ifc, err := tun.Open(cfg)
	if err != nil {
		t.Fatalf("uid %d: %v", os.Getuid(), err)
	}
	fmt.Printf("uid %d opened %s\n", os.Getuid(), ifc.Name())
	ifc.Close()
}

// copyTestBinary puts this test binary where an unprivileged uid can run it.
func copyTestBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := testenv.SharedDir(t) + "/tuntap.test"
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, src); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestDeviceAddListDel(t *testing.T) {
	testenv.RequireTool(t, "setpriv")
	ns := netns.New(t)
	bin, helper := buildTuntap(t), copyTestBinary(t)
	tap, tn := fmt.Sprintf("ttap%d", os.Getpid()%100000), fmt.Sprintf("ttun%d", os.Getpid()%100000)

	if got := strings.TrimSpace(ns.MustRun(t, bin, "device", "add", "--mode", "tap", "--name", tap,
		"--user", "65534", "--vnet-hdr", "--multi-queue", "--mtu", "1400")); got != tap {
		t.Fatalf("add printed %q, want %q", got, tap)
	}
	ns.MustRun(t, bin, "device", "add", "--mode", "tun", "--name", tn, "--group", "65534")

	var list []deviceJSON
	if err := json.Unmarshal([]byte(ns.MustRun(t, bin, "device", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	want := []deviceJSON{
		{Name: tap, Mode: "tap", Owner: 65534, Group: -1, MultiQueue: true, VnetHdr: true, Persist: true, MTU: 1400},
		{Name: tn, Mode: "tun", Owner: -1, Group: 65534, Persist: true, MTU: 1500},
	}
	if tap > tn {
		want[0], want[1] = want[1], want[0]
	}
	if len(list) != 2 {
		t.Fatalf("list = %+v, want %+v", list, want)
	}
	for i := range want {
		want[i].Index = list[i].Index
		if list[i] != want[i] {
			t.Errorf("list[%d] = %+v, want %+v", i, list[i], want[i])
		}
	}
	// ip agrees.
	show := ns.MustRun(t, "ip", "tuntap", "show")
	for _, w := range []string{tap + ": tap multi_queue vnet_hdr persist user 65534", tn + ": tun persist group 65534"} {
		if !strings.Contains(show, w) {
			t.Errorf("ip tuntap show lacks %q:\n%s", w, show)
		}
	}
	if d := ns.MustRun(t, "ip", "-d", "link", "show", tap); !strings.Contains(d, "mtu 1400") || !strings.Contains(d, "persist on") {
		t.Errorf("ip -d link show %s:\n%s", tap, d)
	}
	table := ns.MustRun(t, bin, "device", "list")
	if !strings.Contains(table, "NAME") || !strings.Contains(table, tap) || !strings.Contains(table, "multi_queue,vnet_hdr") {
		t.Errorf("table:\n%s", table)
	}

	// uid 65534 owns the tap and opens it without any capability; uid 65533
	// owns nothing and is refused.
	asUser := func(uid, spec string) (string, error) {
		cmd := ns.Command("setpriv", "--reuid="+uid, "--regid="+uid, "--clear-groups", "--inh-caps=-all",
			"--bounding-set=-all", helper, "-test.run=^TestHelperOpenDevice$", "-test.v")
		cmd.Env = append(os.Environ(), helperVar+"="+spec)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := asUser("65534", tap+":tap:mq"); err != nil || !strings.Contains(out, "uid 65534 opened "+tap) {
		t.Fatalf("owner could not open %s: %v\n%s", tap, err, out)
	}
	if out, err := asUser("65533", tap+":tap:mq"); err == nil || !strings.Contains(out, "not permitted") {
		t.Fatalf("a stranger opened %s: %v\n%s", tap, err, out)
	}

	for _, n := range []string{tap, tn} {
		ns.MustRun(t, bin, "device", "del", n)
		if out, err := ns.Run("ip", "link", "show", n); err == nil {
			t.Fatalf("%s still there after del:\n%s", n, out)
		}
	}
	if out := ns.MustRun(t, bin, "device", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("list after del = %s", out)
	}
}

func TestDeviceUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage"},
		{[]string{"frob"}, 2, "unknown subcommand"},
		{[]string{"add", "--mode", "ppp"}, 2, "--mode must be tun or tap"},
		{[]string{"add", "--mode", "tap", "--mtu", "-1"}, 2, "negative"},
		{[]string{"add", "--mode", "tap", "--user", "no-such-user-xyz"}, 2, "no-such-user-xyz"},
		{[]string{"add", "--mode", "tap", "--name", "a/b"}, 1, "invalid"},
		{[]string{"del"}, 2, "which device"},
		{[]string{"list", "extra"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := device(tt.args, &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.msg) {
			t.Errorf("device %q: exit %d, stderr %q; want %d and %q", tt.args, code, errb.String(), tt.code, tt.msg)
		}
	}
}
