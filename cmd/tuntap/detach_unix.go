//go:build !windows

package main

import "syscall"

// detached starts the child in a session of its own, so it outlives the
// caller's terminal as wireguard-go's daemon does.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
