//go:build !linux

package iface

import (
	"fmt"
	"runtime"
)

// addRoutes fails: routes, rules and the full tunnel are configured with
// Linux's netlink only.
func (i *Interface) addRoutes() error {
	mode, err := parseTable(i.cfg.Interface.Table)
	if err != nil || mode.off || len(i.cfg.Peers) == 0 {
		return err
	}
	return fmt.Errorf("routes for %s: not supported on %s", i.name, runtime.GOOS)
}

func (i *Interface) removeRoutes() {}

// autoMTU cannot ask the kernel for the path here: the default.
func (i *Interface) autoMTU() int { return DefaultMTU }
