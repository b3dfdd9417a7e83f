package diagnose

import (
	"strings"
)

// Tech is a container or virtualization technology; the fix for a cause
// depends on it. The string values are stable ids.
type Tech string

const (
	Host             Tech = "host"
	VM               Tech = "vm"
	WSL              Tech = "wsl"
	OpenVZ           Tech = "openvz"
	LXC              Tech = "lxc"
	ProxmoxLXC       Tech = "proxmox-lxc"
	Docker           Tech = "docker"
	Podman           Tech = "podman"
	Kubernetes       Tech = "kubernetes"
	Nspawn           Tech = "systemd-nspawn"
	UnknownContainer Tech = "container"
)

// IsContainer reports whether the technology shares the host's kernel, so
// that modules and devices must come from the host.
func (t Tech) IsContainer() bool {
	switch t {
	case Host, VM, WSL:
		return false
	}
	return true
}

// Finding is a detected technology and the evidence for it.
type Finding struct {
	Tech     Tech
	Evidence string
}

// Detector recognizes one technology from what the system shows.
type Detector interface {
	Detect(s Sys) (Finding, bool)
}

// DetectorFunc adapts a function to Detector.
type DetectorFunc func(s Sys) (Finding, bool)

// Detect calls f.
func (f DetectorFunc) Detect(s Sys) (Finding, bool) { return f(s) }

// Detectors returns the detectors in the order they are tried. Orchestrators
// come before the runtimes they drive (a Kubernetes pod may also look like
// Docker), containers before virtual machines (a container may run in a VM).
func Detectors() []Detector {
	return []Detector{
		DetectorFunc(detectOpenVZ),
		DetectorFunc(detectKubernetes),
		DetectorFunc(detectPodman),
		DetectorFunc(detectDocker),
		DetectorFunc(detectNspawn),
		DetectorFunc(detectLXC),
		DetectorFunc(detectOtherContainer),
		DetectorFunc(detectWSL),
		DetectorFunc(detectVM),
	}
}

// Detect runs the detectors in order; with no match the system is a host.
func Detect(s Sys, ds []Detector) Finding {
	for _, d := range ds {
		if f, ok := d.Detect(s); ok {
			return f
		}
	}
	return Finding{Tech: Host, Evidence: "no container or hypervisor signs found"}
}

// containerVar is the value of container= set by the runtime for PID 1 (and
// often inherited), or written by systemd to /run/systemd/container.
func containerVar(s Sys) (string, string) {
	if v := EnvironValue(s.Read("/proc/1/environ"), "container"); v != "" {
		return v, "container=" + v + " in /proc/1/environ"
	}
	if v := strings.TrimSpace(s.Read("/run/systemd/container")); v != "" {
		return v, "/run/systemd/container says " + v
	}
	if v := s.Env("container"); v != "" {
		return v, "container=" + v + " in the environment"
	}
	return "", ""
}

func detectOpenVZ(s Sys) (Finding, bool) {
	// Both the hardware node and its containers have /proc/vz; only the node
	// has /proc/bc.
	if s.Exists("/proc/bc") {
		return Finding{}, false
	}
	if s.Exists("/proc/vz") {
		return Finding{OpenVZ, "/proc/vz exists and /proc/bc does not"}, true
	}
	if s.Exists("/proc/user_beancounters") {
		return Finding{OpenVZ, "/proc/user_beancounters exists"}, true
	}
	return Finding{}, false
}

func detectKubernetes(s Sys) (Finding, bool) {
	if s.Env("KUBERNETES_SERVICE_HOST") != "" {
		return Finding{Kubernetes, "KUBERNETES_SERVICE_HOST is set"}, true
	}
	for _, p := range []string{"/var/run/secrets/kubernetes.io", "/run/secrets/kubernetes.io"} {
		if s.Exists(p) {
			return Finding{Kubernetes, p + " exists"}, true
		}
	}
	if strings.Contains(s.Read("/proc/1/cgroup"), "kubepods") {
		return Finding{Kubernetes, "/proc/1/cgroup mentions kubepods"}, true
	}
	return Finding{}, false
}

func detectPodman(s Sys) (Finding, bool) {
	if s.Exists("/run/.containerenv") {
		return Finding{Podman, "/run/.containerenv exists"}, true
	}
	if v, ev := containerVar(s); v == "podman" {
		return Finding{Podman, ev}, true
	}
	if strings.Contains(s.Read("/proc/1/cgroup"), "libpod") {
		return Finding{Podman, "/proc/1/cgroup mentions libpod"}, true
	}
	return Finding{}, false
}

func detectDocker(s Sys) (Finding, bool) {
	// Docker always mounts a tmpfs on /dev. A /.dockerenv next to the
	// kernel's own devtmpfs is a leftover of an image booted as a VM.
	if s.Exists("/.dockerenv") && MountType(s.Read("/proc/self/mounts"), "/dev") != "devtmpfs" {
		return Finding{Docker, "/.dockerenv exists"}, true
	}
	if v, ev := containerVar(s); v == "docker" {
		return Finding{Docker, ev}, true
	}
	if strings.Contains(s.Read("/proc/1/cgroup"), "docker") {
		return Finding{Docker, "/proc/1/cgroup mentions docker"}, true
	}
	return Finding{}, false
}

func detectNspawn(s Sys) (Finding, bool) {
	if v, ev := containerVar(s); v == "systemd-nspawn" {
		return Finding{Nspawn, ev}, true
	}
	return Finding{}, false
}

func detectLXC(s Sys) (Finding, bool) {
	ev := lxcEvidence(s)
	if ev == "" {
		return Finding{}, false
	}
	if pve := proxmoxEvidence(s); pve != "" {
		return Finding{ProxmoxLXC, ev + "; " + pve}, true
	}
	return Finding{LXC, ev}, true
}

func lxcEvidence(s Sys) string {
	if v, ev := containerVar(s); v == "lxc" || v == "lxc-libvirt" {
		return ev
	}
	cg := s.Read("/proc/1/cgroup")
	if strings.Contains(cg, "/lxc/") || strings.Contains(cg, "/lxc.payload") {
		return "/proc/1/cgroup mentions lxc"
	}
	if strings.Contains(s.Read("/proc/self/mounts"), "lxcfs /proc/") {
		return "lxcfs is mounted over /proc"
	}
	return ""
}

// proxmoxEvidence finds the marks a Proxmox VE host leaves in its containers:
// the host's kernel release ends in -pve, and pct manages /etc/hosts.
func proxmoxEvidence(s Sys) string {
	if strings.Contains(s.Read("/proc/version"), "-pve") ||
		strings.Contains(s.Read("/proc/sys/kernel/osrelease"), "-pve") {
		return "the kernel is a Proxmox VE (-pve) kernel"
	}
	if strings.Contains(s.Read("/etc/hosts"), "--- BEGIN PVE ---") {
		return "/etc/hosts is managed by Proxmox VE"
	}
	return ""
}

func detectOtherContainer(s Sys) (Finding, bool) {
	if v, ev := containerVar(s); v != "" {
		return Finding{UnknownContainer, ev}, true
	}
	cg := s.Read("/proc/1/cgroup")
	for _, k := range []string{"containerd", "crio", "cri-o"} {
		if strings.Contains(cg, k) {
			return Finding{UnknownContainer, "/proc/1/cgroup mentions " + k}, true
		}
	}
	return Finding{}, false
}

func detectWSL(s Sys) (Finding, bool) {
	v := strings.ToLower(s.Read("/proc/version") + s.Read("/proc/sys/kernel/osrelease"))
	if strings.Contains(v, "microsoft") || strings.Contains(v, "wsl") {
		return Finding{WSL, "/proc/version mentions Microsoft (WSL)"}, true
	}
	return Finding{}, false
}

// vmProducts are DMI product or vendor names of hypervisors, as
// systemd-detect-virt knows them.
var vmProducts = []string{
	"kvm", "qemu", "virtualbox", "vmware", "virtual machine", "xen", "hvm domu",
	"bochs", "parallels", "bhyve", "amazon ec2", "google compute engine",
	"openstack", "droplet", "hetzner vserver", "cloud hypervisor", "apple virtualization",
}

func detectVM(s Sys) (Finding, bool) {
	for _, f := range []string{"/sys/class/dmi/id/product_name", "/sys/class/dmi/id/sys_vendor"} {
		v := strings.ToLower(strings.TrimSpace(s.Read(f)))
		for _, p := range vmProducts {
			if v != "" && strings.Contains(v, p) {
				return Finding{VM, f + " is " + strings.TrimSpace(s.Read(f))}, true
			}
		}
	}
	if t := strings.TrimSpace(s.Read("/sys/hypervisor/type")); t != "" {
		return Finding{VM, "/sys/hypervisor/type is " + t}, true
	}
	if HasCPUFlag(s.Read("/proc/cpuinfo"), "hypervisor") {
		return Finding{VM, "/proc/cpuinfo has the hypervisor flag"}, true
	}
	return Finding{}, false
}
