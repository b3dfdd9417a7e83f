package diagnose

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the human report: what was found, the cause in one
// sentence, then the commands to type.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.OK() {
		b.WriteString("tuntap check: OK. " + r.Summary + "\n\n")
	} else {
		b.WriteString("tuntap check: TUN/TAP is NOT usable here.\n\n")
	}
	row := func(k, v string) { fmt.Fprintf(&b, "  %-14s %s\n", k, v) }
	row("/dev/net/tun", r.nodeText())
	row("kernel", r.kernelText())
	row("system", fmt.Sprintf("%s (%s)", r.Container, r.ContainerEvidence))
	row("CAP_NET_ADMIN", r.capText())
	row("TUN device", result(r.TunOK, r.TunError))
	row("TAP device", result(r.TapOK, r.TapError))
	if r.OK() {
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("\nCause: " + r.Summary + "\n")
	for _, s := range r.Steps {
		b.WriteString("\nFix, " + s.Where + ":\n")
		for _, c := range s.Commands {
			b.WriteString("  " + c + "\n")
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range r.Notes {
			b.WriteString("  - " + strings.ReplaceAll(n, "\n", "\n      ") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Report) nodeText() string {
	n := r.Node
	switch {
	case !n.Exists:
		return "missing"
	case !n.Char:
		return "exists but is not a character device, mode " + n.ModeString
	}
	s := fmt.Sprintf("character device %d:%d, mode %s", n.Major, n.Minor, n.ModeString)
	if !n.IsTun() {
		s += " (should be 10:200)"
	}
	if r.NodeOpenError != "" {
		s += "; open: " + r.NodeOpenError
	}
	return s
}

func (r Report) kernelText() string {
	k := r.Kernel
	s := k.Release
	if s == "" {
		s = "unknown"
	}
	switch {
	case k.TunLoaded:
		s += " (tun driver loaded)"
	case k.Builtin:
		s += " (tun built in)"
	case k.TunModule:
		s += " (tun module installed, not loaded)"
	default:
		s += " (tun driver not loaded)"
	}
	return s
}

func (r Report) capText() string {
	switch {
	case !r.Capabilities.Known:
		return "unknown"
	case r.Capabilities.NetAdmin:
		return "yes"
	}
	return "no"
}

func result(ok bool, errText string) string {
	if ok {
		return "created and removed"
	}
	if errText == "" {
		return "not tried"
	}
	return "failed: " + errText
}
