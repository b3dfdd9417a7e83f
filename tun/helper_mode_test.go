//go:build linux

package tun_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tuntap/tuntap/tun"
)

// helperEnv makes the test binary act as a small program: it opens the
// multi-queue TUN device named in the variable with two queues and exits 0 on success, 3 for
// ErrNotPermitted, 1 for any other error. Tests run it as another uid.
const helperEnv = "TUNTAP_TUN_TEST_OPEN"

func runHelper(name string) int {
	dev, err := tun.Open(tun.Config{Name: name, Queues: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, tun.ErrNotPermitted) {
			return 3
		}
		return 1
	}
	defer dev.Close()
	if dev.Name() != name || len(dev.Queues()) != 2 {
		fmt.Fprintf(os.Stderr, "opened %q, want %q\n", dev.Name(), name)
		return 1
	}
	return 0
}

// containsLine reports whether one line of s contains every word.
func containsLine(s string, words ...string) bool {
	for _, line := range strings.Split(s, "\n") {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(line, w)
		}
		if ok {
			return true
		}
	}
	return false
}
