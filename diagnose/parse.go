package diagnose

import (
	"strconv"
	"strings"
)

// The parsers below read the text of /proc and /sys files. Their input may be
// anything (a fake tree, a truncated read), so they never panic and treat what
// they cannot parse as absent.

// EnvironValue returns the value of key in a NUL-separated environ block
// (/proc/PID/environ), or "".
func EnvironValue(environ, key string) string {
	for _, kv := range strings.Split(environ, "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// HasCPUFlag reports whether any "flags" line of /proc/cpuinfo lists flag.
func HasCPUFlag(cpuinfo, flag string) bool {
	for _, line := range strings.Split(cpuinfo, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) != "flags" {
			continue
		}
		for _, f := range strings.Fields(v) {
			if f == flag {
				return true
			}
		}
	}
	return false
}

// capNetAdmin is CAP_NET_ADMIN's bit in the capability sets.
const capNetAdmin = 12

// CapEff returns the effective capability set from /proc/self/status.
func CapEff(status string) (uint64, bool) {
	for _, line := range strings.Split(status, "\n") {
		v, ok := strings.CutPrefix(line, "CapEff:")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		return n, err == nil
	}
	return 0, false
}

// MountReadOnly reports whether the mount that holds path is read-only,
// according to a /proc/self/mounts text. The last mount of the longest
// matching mount point wins, as it does in the kernel. found is false when no
// line matches.
func MountReadOnly(mounts, path string) (ro, found bool) {
	f := mountOf(mounts, path)
	if f == nil {
		return false, false
	}
	return hasOption(f[3], "ro"), true
}

// MountType returns the file system type of the mount that holds path, or "".
func MountType(mounts, path string) string {
	if f := mountOf(mounts, path); f != nil {
		return f[2]
	}
	return ""
}

// mountOf returns the fields of the /proc/self/mounts line that holds path.
func mountOf(mounts, path string) []string {
	var best []string
	bestLen := -1
	for _, line := range strings.Split(mounts, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		mp := unescapeMount(f[1])
		if !underMount(path, mp) || len(mp) < bestLen {
			continue
		}
		best, bestLen = f, len(mp)
	}
	return best
}

func underMount(path, mp string) bool {
	if mp == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == mp || strings.HasPrefix(path, mp+"/")
}

func hasOption(opts, o string) bool {
	for _, x := range strings.Split(opts, ",") {
		if x == o {
			return true
		}
	}
	return false
}

// unescapeMount undoes the octal escapes (\040 for a space) of /proc/mounts.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// DeviceAllowed reports whether a cgroup v1 devices.list grants read-write
// access to the character device major:minor. known is false for an empty
// list (cgroup v2 keeps its rules in a BPF program nobody can read).
func DeviceAllowed(list string, major, minor uint32) (allowed, known bool) {
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		known = true
		if (f[0] == "c" || f[0] == "a") && devMatch(f[1], major, minor) &&
			strings.Contains(f[2], "r") && strings.Contains(f[2], "w") {
			return true, true
		}
	}
	return false, known
}

func devMatch(spec string, major, minor uint32) bool {
	ma, mi, ok := strings.Cut(spec, ":")
	return ok && numMatch(ma, major) && numMatch(mi, minor)
}

func numMatch(s string, n uint32) bool {
	if s == "*" {
		return true
	}
	v, err := strconv.ParseUint(s, 10, 32)
	return err == nil && uint32(v) == n
}

// MiscHasTun reports whether /proc/misc lists the tun driver (minor 200),
// which means the driver is loaded or built in.
func MiscHasTun(misc string) bool {
	for _, line := range strings.Split(misc, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "200" && f[1] == "tun" {
			return true
		}
	}
	return false
}

// BuiltinHasTun reports whether a modules.builtin file lists the tun driver.
func BuiltinHasTun(builtin string) bool {
	for _, line := range strings.Split(builtin, "\n") {
		if strings.HasSuffix(strings.TrimSpace(line), "/net/tun.ko") {
			return true
		}
	}
	return false
}
