package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/tuntap/tuntap/iface"
	"github.com/tuntap/tuntap/uapi"
)

func init() {
	register("ping", "ping across the tunnel from a user-space mode interface: [-c N] NAME ADDR", runPing)
}

func runPing(args []string) int {
	fs := flag.NewFlagSet("ping", flag.ContinueOnError)
	count := fs.Int("c", 4, "number of echo requests")
	sockDir := fs.String("socket-dir", iface.DefaultSocketDir(), "directory of the control socket")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tuntap ping [-c N] [--socket-dir DIR] NAME ADDR\n\nSends ICMP echo requests from the user-space stack of interface NAME.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	dst, err := netip.ParseAddr(fs.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap ping:", err)
		return 2
	}
	got := 0
	for seq := 1; seq <= *count; seq++ {
		rtt, err := uapi.Ping(*sockDir, fs.Arg(0), dst, seq)
		if err != nil {
			fmt.Printf("seq=%d %s: %v\n", seq, dst, err)
		} else {
			got++
			fmt.Printf("seq=%d %s: time=%.3f ms\n", seq, dst, float64(rtt)/1e6)
		}
		if seq < *count {
			time.Sleep(time.Second)
		}
	}
	fmt.Printf("%d sent, %d received\n", *count, got)
	if got == 0 {
		return 1
	}
	return 0
}
