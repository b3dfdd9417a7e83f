package diagnose

import (
	"encoding/json"
	"strings"
)

// Report is the outcome of a check: what works, why not, and what to type.
// Its JSON form is the output of `tuntap check --json`; field names are stable.
type Report struct {
	TunOK bool  `json:"tun_ok"`
	TapOK bool  `json:"tap_ok"`
	Cause Cause `json:"cause"`
	// Detail narrows the cause (for example "no-cap-net-admin" or
	// "kernel-upgraded"); it is a stable id too, or empty.
	Detail   string `json:"detail,omitempty"`
	Summary  string `json:"summary"`
	ExitCode int    `json:"exit_code"`
	// Errno is the kernel's answer to the failing call, like "ENODEV".
	Errno         string `json:"errno,omitempty"`
	TunError      string `json:"tun_error,omitempty"`
	TapError      string `json:"tap_error,omitempty"`
	NodeOpenError string `json:"node_open_error,omitempty"`

	Container         Tech         `json:"container"`
	ContainerEvidence string       `json:"container_evidence"`
	Kernel            Kernel       `json:"kernel"`
	Node              Node         `json:"node"`
	DevReadOnly       bool         `json:"dev_read_only"`
	Capabilities      Capabilities `json:"capabilities"`
	DeviceCgroup      DeviceCgroup `json:"device_cgroup"`

	// Fixes are the shell commands of all Steps, in order.
	Fixes             []string `json:"fixes"`
	Steps             []Step   `json:"fix_steps"`
	Notes             []string `json:"notes"`
	UserspaceFallback bool     `json:"userspace_fallback"`

	nodeKnown bool   // Stat answered, so Node.Exists is true knowledge
	nodeErrno string // errno of OpenNode
}

// Step is a group of commands typed in one place (this system, the host, ...).
type Step struct {
	Where    string   `json:"where"`
	Commands []string `json:"commands"`
}

// Kernel is what the system says about the running kernel and its tun driver.
type Kernel struct {
	Release string `json:"release"`
	// TunLoaded: /proc/misc lists "200 tun", so the driver is in the kernel.
	TunLoaded bool `json:"tun_loaded"`
	// ModuleDir: /lib/modules/RELEASE exists.
	ModuleDir bool `json:"module_dir"`
	// TunModule: a tun.ko* file is installed for the running kernel.
	TunModule bool `json:"tun_module"`
	// Builtin: modules.builtin lists tun, so modprobe is never needed.
	Builtin bool `json:"tun_builtin"`
	// Installed are the kernel releases found under /lib/modules.
	Installed []string `json:"installed_kernels"`
}

// Capabilities are this process's effective capabilities that matter here.
type Capabilities struct {
	Known    bool   `json:"known"`
	NetAdmin bool   `json:"net_admin"`
	CapEff   string `json:"cap_eff,omitempty"`
}

// DeviceCgroup is what a cgroup v1 devices.list says about c 10:200. Under
// cgroup v2 the rules cannot be read, and Known is false.
type DeviceCgroup struct {
	Known   bool `json:"known"`
	Allowed bool `json:"allowed"`
}

// OK reports whether both kinds of device can be created.
func (r Report) OK() bool { return r.Cause == OK }

// JSON returns the indented JSON form.
func (r Report) JSON() []byte {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		// Report has only plain fields; this cannot happen.
		return []byte(`{"cause":"other"}`)
	}
	return append(b, '\n')
}

// Short is the cause and the commands on one line, for a log message.
func (r Report) Short() string {
	if r.OK() {
		return r.Summary
	}
	var b strings.Builder
	b.WriteString(r.Summary)
	if len(r.Fixes) > 0 {
		b.WriteString(" Fix: ")
		b.WriteString(strings.Join(r.Fixes, "; "))
	}
	return b.String()
}

func (r *Report) addStep(where string, cmds ...string) {
	r.Steps = append(r.Steps, Step{Where: where, Commands: cmds})
	r.Fixes = append(r.Fixes, cmds...)
}

func (r *Report) note(s ...string) { r.Notes = append(r.Notes, s...) }
