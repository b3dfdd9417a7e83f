//go:build !linux

package diagnose

import (
	"fmt"
	"runtime"

	"github.com/tuntap/tuntap/tun"
)

var errOS = fmt.Errorf("tuntap check is not supported on %s", runtime.GOOS)

func statNode(path string) (Node, error) { return Node{Path: path}, errOS }

func openNode(path string) error { return errOS }

func probeName(kind tun.Kind) string { return "tuntap-check" }
