package diagnose

import (
	"strings"
	"testing"
)

func TestEnvironValue(t *testing.T) {
	tests := []struct{ in, key, want string }{
		{"container=lxc\x00PATH=/bin\x00", "container", "lxc"},
		{"PATH=/bin\x00container=systemd-nspawn", "container", "systemd-nspawn"},
		{"containers=x\x00", "container", ""},
		{"", "container", ""},
		{"container\x00", "container", ""},
		{"a=b=c\x00", "a", "b=c"},
	}
	for _, tt := range tests {
		if got := EnvironValue(tt.in, tt.key); got != tt.want {
			t.Errorf("EnvironValue(%q, %q) = %q, want %q", tt.in, tt.key, got, tt.want)
		}
	}
}

func TestCapEff(t *testing.T) {
	tests := []struct {
		in       string
		want     uint64
		ok, netA bool
	}{
		{"Name:\tbash\nCapEff:\t000001ffffffffff\n", 0x1ffffffffff, true, true},
		{"CapEff:\t0000000000001000\n", 0x1000, true, true},
		{"CapEff:\t0000000000000fff\n", 0xfff, true, false},
		{"CapEff:\tzz\n", 0, false, false},
		{"CapPrm:\t0000000000001000\n", 0, false, false},
	}
	for _, tt := range tests {
		got, ok := CapEff(tt.in)
		if got != tt.want || ok != tt.ok || (got&(1<<capNetAdmin) != 0) != tt.netA {
			t.Errorf("CapEff(%q) = %x, %v; want %x, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMountReadOnly(t *testing.T) {
	mounts := "/dev/root / ext4 rw 0 0\n" +
		"tmpfs /dev tmpfs ro,nosuid 0 0\n" +
		"tmpfs /dev/net tmpfs rw 0 0\n" +
		"tmpfs /dev/netx tmpfs ro 0 0\n" +
		"tmpfs /my\\040dir tmpfs ro 0 0\n"
	tests := []struct {
		path      string
		ro, found bool
		fstype    string
	}{
		{"/dev/net/tun", false, true, "tmpfs"},
		{"/dev/null", true, true, "tmpfs"},
		{"/etc/hosts", false, true, "ext4"},
		{"/my dir/x", true, true, "tmpfs"},
	}
	for _, tt := range tests {
		ro, found := MountReadOnly(mounts, tt.path)
		if ro != tt.ro || found != tt.found || MountType(mounts, tt.path) != tt.fstype {
			t.Errorf("%s: ro %v found %v type %q", tt.path, ro, found, MountType(mounts, tt.path))
		}
	}
	// A later mount on the same point hides the earlier one.
	if ro, _ := MountReadOnly("tmpfs /dev tmpfs rw 0 0\ntmpfs /dev tmpfs ro 0 0\n", "/dev/net/tun"); !ro {
		t.Error("the last mount on /dev should win")
	}
	if _, found := MountReadOnly("", "/dev"); found {
		t.Error("empty mounts found something")
	}
}

func TestDeviceAllowed(t *testing.T) {
	tests := []struct {
		list           string
		allowed, known bool
	}{
		{"a *:* rwm\n", true, true},
		{"c 1:3 rwm\nc 10:200 rwm\n", true, true},
		{"c 10:* rw\n", true, true},
		{"c 10:200 r\n", false, true},
		{"b 10:200 rwm\n", false, true},
		{"c 1:3 rwm\n", false, true},
		{"", false, false},
	}
	for _, tt := range tests {
		a, k := DeviceAllowed(tt.list, 10, 200)
		if a != tt.allowed || k != tt.known {
			t.Errorf("DeviceAllowed(%q) = %v, %v; want %v, %v", tt.list, a, k, tt.allowed, tt.known)
		}
	}
}

func TestKernelHints(t *testing.T) {
	if !MiscHasTun(" 58 memory_bandwidth\n200 tun\n237 loop-control\n") || MiscHasTun("201 tunx\n") {
		t.Error("MiscHasTun")
	}
	if !BuiltinHasTun("kernel/fs/ext4/ext4.ko\nkernel/drivers/net/tun.ko\n") || BuiltinHasTun("kernel/drivers/net/tunx.ko\n") {
		t.Error("BuiltinHasTun")
	}
	if !HasCPUFlag("processor: 0\nflags\t\t: fpu hypervisor\n", "hypervisor") ||
		HasCPUFlag("flags: fpu\nbugs: hypervisor\n", "hypervisor") {
		t.Error("HasCPUFlag")
	}
}

// The parsers read files a container may fake or truncate: no input panics,
// and answers stay consistent.
func FuzzMounts(f *testing.F) {
	f.Add("tmpfs /dev tmpfs ro,nosuid 0 0\n", "/dev/net/tun")
	f.Add("a /my\\040dir b ro\n", "/my dir")
	f.Add("x \\0 y z\n", "/")
	f.Fuzz(func(t *testing.T, mounts, path string) {
		ro, found := MountReadOnly(mounts, path)
		if !found && (ro || MountType(mounts, path) != "") {
			t.Fatal("read-only or typed without a mount")
		}
	})
}

func FuzzProcFiles(f *testing.F) {
	f.Add("CapEff:\t000001ffffffffff\ncontainer=lxc\x00", "c 10:200 rwm\n")
	f.Add("200 tun\nflags : hypervisor\n", "a *:* rwm")
	f.Fuzz(func(t *testing.T, text, list string) {
		CapEff(text)
		EnvironValue(text, "container")
		HasCPUFlag(text, "hypervisor")
		MiscHasTun(text)
		BuiltinHasTun(text)
		if a, k := DeviceAllowed(list, 10, 200); a && !k {
			t.Fatal("allowed but not known")
		}
		if strings.Contains(text, "\x00container=") {
			EnvironValue(text, "")
		}
	})
}
