package tun

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpenErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		errno  unix.Errno
		setiff bool
		want   error
	}{
		{unix.ENOENT, false, ErrNoNode},
		{unix.ENODEV, false, ErrNoDriver},
		{unix.ENXIO, false, ErrNoDriver},
		{unix.EPERM, false, ErrNotPermitted},
		{unix.EACCES, false, ErrNotPermitted},
		{unix.EPERM, true, ErrNotPermitted},
		{unix.EBUSY, true, ErrBusy},
		{unix.EINVAL, true, ErrBadName},
		{unix.EINVAL, false, nil},
		{unix.EMFILE, false, nil},
	} {
		err := openError("op", tc.errno, tc.setiff)
		if !errors.Is(err, tc.errno) {
			t.Errorf("%v (setiff %v): %v lost the errno", tc.errno, tc.setiff, err)
		}
		for _, typed := range []error{ErrNoNode, ErrNoDriver, ErrNotPermitted, ErrBusy, ErrBadName} {
			if got := errors.Is(err, typed); got != (typed == tc.want) {
				t.Errorf("%v (setiff %v): errors.Is(%v, %v) = %v", tc.errno, tc.setiff, err, typed, got)
			}
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"tun0", true}, {"tun%d", true}, {"wg-vpn.1", true}, {"abcdefghijklmno", true},
		{"", false}, {"abcdefghijklmnop", false}, {".", false}, {"..", false},
		{"a/b", false}, {"a:b", false}, {"a b", false}, {"a\tb", false}, {"a\x00b", false},
		{"t%s", false}, {"t%d%d", false},
	} {
		if err := checkName(tc.name); (err == nil) != tc.ok {
			t.Errorf("checkName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		} else if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("checkName(%q) = %v, want ErrBadName", tc.name, err)
		}
	}
}

// FuzzCheckName: every accepted name is one the kernel's ifreq can carry.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"tun0", "tap%d", "", ".", "a/b", "abcdefghijklmnop", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if checkName(name) != nil {
			return
		}
		if _, err := unix.NewIfreq(name); err != nil {
			t.Fatalf("checkName accepted %q, NewIfreq: %v", name, err)
		}
	})
}
