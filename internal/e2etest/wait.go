package e2etest

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// WaitFor polls cond every 100 ms until it holds or d passes, and reports
// whether it held.
func WaitFor(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var nameSeq atomic.Int64

// UniqueName is an interface name that no other test or concurrent test
// run uses (the control sockets of wg live in one shared directory). Keep
// prefix short: interface names have at most 15 bytes.
func UniqueName(prefix string) string {
	return fmt.Sprintf("%s%d-%d", prefix, os.Getpid()%100000, nameSeq.Add(1))
}
