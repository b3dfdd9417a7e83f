package diagnose

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"syscall"

	"github.com/tuntap/tuntap/tun"
)

// Run checks the system: it stats and opens /dev/net/tun, creates (and
// removes) a TUN and a TAP device, and explains the first failure with the fix
// for the detected container technology.
func Run(env Env) Report {
	env = env.fill()
	r := gather(env)
	tunErr := env.Create(tun.TUN, env.ProbeName(tun.TUN))
	tapErr := env.Create(tun.TAP, env.ProbeName(tun.TAP))
	r.TunOK, r.TapOK = tunErr == nil, tapErr == nil
	if tunErr != nil {
		r.TunError = tunErr.Error()
	}
	if tapErr != nil {
		r.TapError = tapErr.Error()
	}
	err := tunErr
	if err == nil {
		err = tapErr
	}
	r.decide(err)
	return r
}

// Explain turns an error from tun.Open into a Report with the cause and the
// fix for this system, without creating any device. The VPN logs it when it
// falls back to user-space mode.
func Explain(err error) Report { return ExplainEnv(Env{}, err) }

// ExplainEnv is Explain with an injected environment.
func ExplainEnv(env Env, err error) Report {
	env = env.fill()
	r := gather(env)
	if err != nil {
		r.TunError = err.Error()
	}
	r.decide(err)
	if err == nil {
		r.Summary = "No error to explain."
	}
	return r
}

// gather reads everything that does not change the system.
func gather(env Env) Report {
	s := env.sys()
	f := Detect(s, env.Detectors)
	r := Report{Container: f.Tech, ContainerEvidence: f.Evidence, Fixes: []string{}, Steps: []Step{}, Notes: []string{}}
	r.Kernel = readKernel(s)
	n, err := env.Stat(NodePath)
	r.Node, r.nodeKnown = n, err == nil
	r.Node.Path = NodePath
	if err != nil {
		r.note(err.Error())
	}
	if r.Node.Exists {
		if err := env.OpenNode(NodePath); err != nil {
			r.NodeOpenError, r.nodeErrno = err.Error(), errnoName(err)
		}
	}
	r.DevReadOnly, _ = MountReadOnly(s.Read("/proc/self/mounts"), NodePath)
	if c, ok := CapEff(s.Read("/proc/self/status")); ok {
		r.Capabilities = Capabilities{Known: true, NetAdmin: c&(1<<capNetAdmin) != 0, CapEff: fmt.Sprintf("%016x", c)}
	}
	allowed, known := DeviceAllowed(s.Read("/sys/fs/cgroup/devices/devices.list"), 10, 200)
	r.DeviceCgroup = DeviceCgroup{Known: known, Allowed: allowed}
	return r
}

func readKernel(s Sys) Kernel {
	k := Kernel{Release: strings.TrimSpace(s.Read("/proc/sys/kernel/osrelease"))}
	k.TunLoaded = MiscHasTun(s.Read("/proc/misc"))
	k.Installed = s.ReadDir("/lib/modules")
	sort.Strings(k.Installed)
	if k.Installed == nil {
		k.Installed = []string{}
	}
	if k.Release == "" {
		return k
	}
	dir := "/lib/modules/" + k.Release
	k.ModuleDir = s.Exists(dir)
	k.Builtin = BuiltinHasTun(s.Read(dir + "/modules.builtin"))
	for _, n := range s.ReadDir(dir + "/kernel/drivers/net") {
		if strings.HasPrefix(n, "tun.ko") {
			k.TunModule = true
		}
	}
	return k
}

// decide sets the cause, summary, exit code and fixes from the first error.
func (r *Report) decide(err error) {
	r.Cause, r.Errno = Classify(err)
	if err != nil {
		switch {
		case r.nodeKnown && !r.Node.Exists:
			r.Cause = NodeMissing
		case r.Node.Exists && !r.Node.IsTun():
			r.Cause = WrongNode
		}
		if (r.Cause == NodeMissing || r.Cause == WrongNode) && r.DevReadOnly {
			r.Detail = r.Cause.String()
			r.Cause = ReadOnlyDev
		}
	}
	r.Summary = r.Cause.Sentence()
	r.ExitCode = r.Cause.ExitCode()
	r.UserspaceFallback = r.Cause != OK
	if r.Cause == OK {
		return
	}
	r.explainDetail(err)
	addFixes(r)
	r.note("Without TUN/TAP, tuntap's user-space mode still works: `tuntap up --userspace FILE` " +
		"(no device needed; SOCKS5/HTTP proxy and port forwarding).")
}

// Classify maps an error from tun.Open (typed, or a bare errno) to a cause and
// the errno's name.
func Classify(err error) (Cause, string) {
	if err == nil {
		return OK, ""
	}
	errno := errnoName(err)
	switch {
	case errors.Is(err, tun.ErrNoNode) || errors.Is(err, syscall.ENOENT):
		return NodeMissing, errno
	case errors.Is(err, tun.ErrNoDriver) || errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENXIO):
		return NoDriver, errno
	case errors.Is(err, tun.ErrNotPermitted) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES):
		return NotPermitted, errno
	case errors.Is(err, tun.ErrBusy) || errors.Is(err, syscall.EBUSY):
		return Busy, errno
	case errors.Is(err, syscall.EROFS):
		return ReadOnlyDev, errno
	}
	return Other, errno
}

var errnoNames = map[syscall.Errno]string{
	syscall.ENOENT: "ENOENT", syscall.ENODEV: "ENODEV", syscall.ENXIO: "ENXIO",
	syscall.EPERM: "EPERM", syscall.EACCES: "EACCES", syscall.EBUSY: "EBUSY",
	syscall.EROFS: "EROFS", syscall.EINVAL: "EINVAL", syscall.EEXIST: "EEXIST",
	syscall.ENOTTY: "ENOTTY",
}

func errnoName(err error) string {
	var e syscall.Errno
	if !errors.As(err, &e) {
		return ""
	}
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}
