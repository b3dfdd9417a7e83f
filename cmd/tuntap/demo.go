package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/tuntap/tuntap/demo"
	"github.com/tuntap/tuntap/internal/probe"
)

func init() {
	register("demo", "as root: an encrypted tunnel between two network namespaces, pinged and measured, then removed", runDemo)
	register("_ping", "", runProbePing)
	register("_tcp", "", runProbeTCP)
}

func runDemo(args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	secs := fs.Int("seconds", 3, "length of the TCP transfer through the tunnel")
	mode := fs.String("mode", "tun", "tunnel mode: tun or tap")
	logs := fs.String("keep-logs", "", "copy both tunnel logs into this directory")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if *mode != "tun" && *mode != "tap" {
		fmt.Fprintln(os.Stderr, "tuntap demo: --mode must be tun or tap")
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap demo:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = demo.Run(ctx, demo.Options{Self: self, Seconds: time.Duration(*secs) * time.Second, Mode: *mode, Out: os.Stdout, KeepLogs: *logs})
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap demo: FAILED:", err)
		return 1
	}
	fmt.Println("demo passed: everything it created has been removed")
	return 0
}

// runProbePing: _ping ADDR COUNT, prints a demo.PingResult as JSON.
func runProbePing(args []string) int {
	if len(args) != 2 {
		return 2
	}
	dst, err := netip.ParseAddr(args[0])
	n, err2 := strconv.Atoi(args[1])
	if err != nil || err2 != nil {
		return 2
	}
	rtts, err := probe.Ping(context.Background(), dst, n, 200*time.Millisecond, time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r := demo.PingResult{Sent: n, Received: len(rtts)}
	for _, d := range rtts {
		ms := float64(d) / 1e6
		r.AvgMs += ms / float64(len(rtts))
		r.MaxMs = max(r.MaxMs, ms)
	}
	json.NewEncoder(os.Stdout).Encode(r)
	return 0
}

// runProbeTCP: _tcp serve ADDR SECONDS | _tcp send ADDR SECONDS.
func runProbeTCP(args []string) int {
	if len(args) != 3 {
		return 2
	}
	secs, err := strconv.ParseFloat(args[2], 64)
	if err != nil {
		return 2
	}
	d := time.Duration(secs * float64(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), d+15*time.Second)
	defer cancel()
	switch args[0] {
	case "serve":
		ln, err := net.Listen("tcp", args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := probe.ServeTCP(ctx, ln); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "send":
		n, took, err := probe.SendTCP(ctx, args[1], d)
		if err != nil {
			fmt.Println(err)
			return 1
		}
		json.NewEncoder(os.Stdout).Encode(demo.TCPResult{Bytes: n, Gbps: float64(n) * 8 / took.Seconds() / 1e9})
		return 0
	}
	return 2
}
