package iface

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestNftUnavailable: a kernel without nftables (or without an expression
// the rules use) only costs a warning; a kernel refusing the rules fails up.
func TestNftUnavailable(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"no netfilter netlink", os.NewSyscallError("socket", unix.EPROTONOSUPPORT), true},
		{"no nf_tables subsystem", fmt.Errorf("conn.Receive: %w", errors.Join(unix.EOPNOTSUPP)), true},
		{"no fib expression", fmt.Errorf("conn.Receive: %w", unix.ENOENT), true},
		{"not permitted", fmt.Errorf("conn.Receive: %w", unix.EPERM), false},
		{"invalid", unix.EINVAL, false},
		{"other", errors.New("boom"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := nftUnavailable(c.err); got != c.want {
				t.Errorf("nftUnavailable(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}
