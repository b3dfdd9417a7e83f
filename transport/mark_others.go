//go:build !linux

package transport

import (
	"fmt"
	"runtime"
)

// SetMark fails: firewall marks (SO_MARK) are a Linux feature. Zero, which
// asks for no mark, succeeds.
func (u *UDP) SetMark(mark uint32) error {
	if mark == 0 {
		return nil
	}
	return fmt.Errorf("udp port %d: fwmark is not supported on %s", u.port, runtime.GOOS)
}

// Mark is always zero here.
func (u *UDP) Mark() (uint32, error) { return 0, nil }
