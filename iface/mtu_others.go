//go:build !linux

package iface

import "context"

// watchMTU: kernel devices exist only on Linux.
func (i *Interface) watchMTU(context.Context) error { return nil }
