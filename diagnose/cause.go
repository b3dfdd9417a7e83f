// Package diagnose answers the first question a user on a VPS or in a
// container has: can TUN/TAP devices be created here, and if not, exactly what
// must be typed to fix it. It probes the device node and the kernel, detects
// the container technology, and turns the cause into commands for that
// technology. Everything it reads goes through Env, so every cause and every
// technology can be tested with a fake tree.
package diagnose

import (
	"encoding/json"
	"fmt"
)

// Cause is why TUN/TAP devices cannot be created. Its string form is a stable
// id that scripts may match in `tuntap check --json`.
type Cause int

const (
	OK           Cause = iota // both TUN and TAP devices can be created
	Other                     // an error none of the causes below explains
	_                         // exit code 2 is kept for usage errors
	NodeMissing               // /dev/net/tun does not exist
	NoDriver                  // ENODEV: the tun driver is not loaded or not built
	NotPermitted              // EPERM/EACCES: no CAP_NET_ADMIN, or the device cgroup denies c 10:200
	Busy                      // EBUSY: the interface is held by another process
	ReadOnlyDev               // the node is missing or wrong and /dev cannot be written
	WrongNode                 // /dev/net/tun is not the character device 10:200
)

var causeIDs = map[Cause]string{
	OK:           "ok",
	Other:        "other",
	NodeMissing:  "node-missing",
	NoDriver:     "no-driver",
	NotPermitted: "not-permitted",
	Busy:         "busy",
	ReadOnlyDev:  "read-only-dev",
	WrongNode:    "wrong-node",
}

// String returns the cause's stable id.
func (c Cause) String() string {
	if s, ok := causeIDs[c]; ok {
		return s
	}
	return fmt.Sprintf("cause(%d)", int(c))
}

// ExitCode is the process exit code of `tuntap check` for this cause. The
// numbers are part of the interface: scripts branch on them.
func (c Cause) ExitCode() int { return int(c) }

// ParseCause turns a stable id back into a Cause.
func ParseCause(s string) (Cause, error) {
	for c, id := range causeIDs {
		if id == s {
			return c, nil
		}
	}
	return Other, fmt.Errorf("unknown cause %q", s)
}

// MarshalJSON writes the stable id, so JSON consumers never see the number.
func (c Cause) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON reads a stable id.
func (c *Cause) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseCause(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Causes lists every cause in exit-code order, for documentation and tests.
func Causes() []Cause {
	return []Cause{OK, Other, NodeMissing, NoDriver, NotPermitted, Busy, ReadOnlyDev, WrongNode}
}

// Sentence is the one-sentence explanation of a cause shown to the user.
func (c Cause) Sentence() string {
	switch c {
	case OK:
		return "TUN and TAP devices can be created here."
	case NodeMissing:
		return "The device node /dev/net/tun does not exist."
	case NoDriver:
		return "The kernel has no tun driver loaded (No such device, ENODEV)."
	case NotPermitted:
		return "This process is not allowed to create TUN/TAP devices (Operation not permitted)."
	case Busy:
		return "The interface is already in use by another process (Device or resource busy)."
	case ReadOnlyDev:
		return "/dev/net/tun is missing or wrong and /dev is read-only, so it cannot be created here."
	case WrongNode:
		return "/dev/net/tun exists but is not the tun character device 10:200."
	}
	return "Creating a TUN/TAP device failed for a reason tuntap does not recognize."
}
