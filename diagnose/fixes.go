package diagnose

// Where the commands of a Step are typed.
const (
	hereSys  = "inside this system"
	hereCont = "inside the container"
	onHost   = "on the host"
)

var mknodCmds = []string{"mkdir -p /dev/net", "mknod /dev/net/tun c 10 200", "chmod 600 /dev/net/tun"}

var loadCmds = []string{"modprobe tun", "echo tun > /etc/modules-load.d/tun.conf"}

// detailSentences say what a Detail id means.
var detailSentences = map[string]string{
	"no-cap-net-admin":  "The process lacks CAP_NET_ADMIN (bit 12 of CapEff in /proc/self/status).",
	"device-cgroup":     "The device cgroup does not allow c 10:200, so even opening /dev/net/tun is refused.",
	"node-mode":         "The permissions of /dev/net/tun do not let this user open it.",
	"host-module":       "A container shares the host's kernel: the host must load tun.",
	"wsl-kernel":        "The WSL kernel in use has no tun driver.",
	"builtin":           "tun is built into this kernel, yet the kernel refuses the device.",
	"kernel-upgraded":   "The running kernel's modules are gone: it was upgraded without a reboot.",
	"module-missing":    "No tun module is installed for the running kernel.",
	"module-not-loaded": "The tun module is not loaded.",
	"node-missing":      "The node is missing.",
	"wrong-node":        "The node is not c 10:200.",
}

// explainDetail narrows the cause from what gather saw.
func (r *Report) explainDetail(err error) {
	defer func() {
		if s := detailSentences[r.Detail]; s != "" {
			r.Summary += " " + s
		}
	}()
	switch r.Cause {
	case NotPermitted:
		r.Detail = r.permissionDetail()
	case NoDriver:
		r.Detail = r.driverDetail()
	case WrongNode:
		if r.Errno != "" {
			r.note("Opening it fails with " + r.Errno + ": the kernel has no driver behind that device number.")
		}
	case Other:
		if err != nil {
			r.note("The error was: " + err.Error())
		}
		r.note("`dmesg | tail` may say more; SELinux or AppArmor may also refuse TUN/TAP.")
	}
}

func (r *Report) permissionDetail() string {
	switch {
	case r.nodeErrno == "EPERM":
		return "device-cgroup"
	case r.nodeErrno == "EACCES" || r.Errno == "EACCES":
		return "node-mode"
	case r.Capabilities.Known && !r.Capabilities.NetAdmin:
		return "no-cap-net-admin"
	case r.DeviceCgroup.Known && !r.DeviceCgroup.Allowed:
		return "device-cgroup"
	}
	r.note("CAP_NET_ADMIN is present and the device is allowed; a security module " +
		"(SELinux, AppArmor, seccomp) or a user namespace may refuse the request.")
	return ""
}

func (r *Report) driverDetail() string {
	k := r.Kernel
	switch {
	case r.Container.IsContainer():
		return "host-module"
	case r.Container == WSL:
		return "wsl-kernel"
	case k.Builtin:
		return "builtin"
	case k.Release != "" && !k.TunModule && otherKernel(k):
		return "kernel-upgraded"
	case k.ModuleDir && !k.TunModule:
		return "module-missing"
	}
	return "module-not-loaded"
}

func otherKernel(k Kernel) bool {
	for _, v := range k.Installed {
		if v != k.Release {
			return true
		}
	}
	return false
}

// addFixes writes the steps for the cause and the container technology.
func addFixes(r *Report) {
	switch r.Cause {
	case NodeMissing:
		fixNode(r, mknodCmds)
	case WrongNode:
		fixNode(r, append([]string{"rm -f /dev/net/tun"}, mknodCmds...))
	case ReadOnlyDev:
		fixReadOnly(r)
	case NoDriver:
		fixDriver(r)
	case NotPermitted:
		fixPermission(r)
	case Busy:
		r.addStep(hereSys, "ip -d link show", "fuser -v /dev/net/tun")
		r.note("Another process holds the interface. Stop it, pick another name, or open the device " +
			"with multi-queue in both processes.")
	case Other:
		if r.Container.IsContainer() {
			containerFix(r)
		}
	}
}

func fixNode(r *Report, inside []string) {
	if r.Container.IsContainer() {
		containerFix(r)
		where := hereCont + " (works only if the runtime allows mknod of c 10:200)"
		if r.Container == OpenVZ {
			where = hereCont + " (after the restart)"
		}
		r.addStep(where, inside...)
		return
	}
	r.addStep(hereSys, inside...)
	r.note("udev normally creates the node when the tun module loads: `modprobe tun` may be enough.")
}

func fixReadOnly(r *Report) {
	inside := append([]string{"mount -o remount,rw /dev"}, mknodCmds...)
	if r.Container.IsContainer() {
		containerFix(r)
		r.addStep(hereCont+" (works only if /dev may be remounted)", inside...)
	} else {
		r.addStep(hereSys, inside...)
	}
	r.note("/dev is mounted read-only, so mknod fails: mount /dev read-write, or create the node " +
		"from the host and pass it in.")
}

func fixDriver(r *Report) {
	switch r.Detail {
	case "kernel-upgraded":
		r.addStep(hereSys, "reboot")
		r.note("The kernel was upgraded without a reboot: the running kernel " + r.Kernel.Release +
			" has no modules installed any more. Reboot into the installed kernel, then tun loads.")
		return
	case "builtin":
		r.note("The tun driver is built into this kernel (modules.builtin), so modprobe cannot help; " +
			"check that /dev/net/tun is c 10 200.")
		r.addStep(hereSys, append([]string{"rm -f /dev/net/tun"}, mknodCmds...)...)
		return
	case "module-missing":
		r.note("This kernel has no tun module installed; install your distribution's extra " +
			"modules package (e.g. linux-modules-extra-" + r.Kernel.Release + ") or a kernel with CONFIG_TUN.")
	case "wsl-kernel":
		r.addStep("in Windows (PowerShell)", "wsl --update", "wsl --shutdown")
		r.note("WSL 2 kernels have tun built in; WSL 1 has no TUN/TAP at all (`wsl --set-version DISTRO 2`).")
		return
	}
	if r.Container.IsContainer() {
		r.addStep(onHost, loadCmds...)
		if r.Container == OpenVZ {
			r.note("On a VPS without host access, ask your provider to load tun, or enable TUN/TAP in the control panel.")
		}
		return
	}
	r.addStep(hereSys, loadCmds...)
}

func fixPermission(r *Report) {
	switch {
	case r.Detail == "node-mode" && !r.Container.IsContainer():
		r.addStep(hereSys, "chmod 666 /dev/net/tun")
		r.note("/dev/net/tun is not readable and writable by this user; run as root, or make it 0666 " +
			"(creating devices still needs CAP_NET_ADMIN or a persistent device owned by you: `tuntap device add`).")
	case r.Container.IsContainer():
		containerFix(r)
	default:
		r.addStep(hereSys, "sudo setcap cap_net_admin+ep \"$(command -v tuntap)\"")
		r.note("Creating TUN/TAP devices needs CAP_NET_ADMIN: run as root, or grant the capability to the binary. " +
			"For a user without it, root can create a persistent device they own: `tuntap device add --user NAME`.")
	}
}
