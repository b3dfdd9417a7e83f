//go:build !linux

// Package netcfg configures network interfaces by name; only Linux is
// supported, and every function here says so.
package netcfg

import (
	"fmt"
	"net"
	"net/netip"
	"runtime"
)

// ErrNotSupported is returned by every function on systems other than Linux.
var ErrNotSupported = fmt.Errorf("netcfg: not supported on %s", runtime.GOOS)

func SetMTU(name string, mtu int) error                       { return ErrNotSupported }
func SetUp(name string) error                                 { return ErrNotSupported }
func SetDown(name string) error                               { return ErrNotSupported }
func Index(name string) (int, error)                          { return 0, ErrNotSupported }
func HardwareAddr(name string) (net.HardwareAddr, error)      { return nil, ErrNotSupported }
func SetHardwareAddr(name string, mac net.HardwareAddr) error { return ErrNotSupported }
func SetMaster(name, bridge string) error                     { return ErrNotSupported }
func ClearMaster(name string) error                           { return ErrNotSupported }
func AddBridge(name string) error                             { return ErrNotSupported }
func DelLink(name string) error                               { return ErrNotSupported }
func AddAddr(name string, p netip.Prefix) error               { return ErrNotSupported }
func DelAddr(name string, p netip.Prefix) error               { return ErrNotSupported }
func Addrs(name string) ([]netip.Prefix, error)               { return nil, ErrNotSupported }
func AddRoute(name string, dst netip.Prefix, table int) error { return ErrNotSupported }
func DelRoute(name string, dst netip.Prefix, table int) error { return ErrNotSupported }
