package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tuntap/tuntap/iface"
)

func init() {
	register("wireguard-go", "wg-quick's userspace engine: [-f|--foreground] INTERFACE (also as a symlink named wireguard-go)", runWireguardGo)
}

// daemonEnv marks the re-executed child that does the work in the background.
const daemonEnv = "TUNTAP_WGGO_DAEMON"

// runWireguardGo takes wireguard-go's command line, so that
// WG_QUICK_USERSPACE_IMPLEMENTATION can point at tuntap (through a symlink
// named wireguard-go) and wg-quick works unchanged: it creates the TUN device
// and the control socket; wg-quick then configures both.
func runWireguardGo(args []string) int {
	foreground := os.Getenv("WG_PROCESS_FOREGROUND") == "1"
	var name string
	for _, a := range args {
		switch a {
		case "-f", "--foreground":
			foreground = true
		case "--version":
			fmt.Println("tuntap (wireguard-go compatible userspace implementation)")
			return 0
		default:
			if strings.HasPrefix(a, "-") || name != "" {
				fmt.Fprintln(os.Stderr, "usage: wireguard-go [-f|--foreground] INTERFACE-NAME")
				return 2
			}
			name = a
		}
	}
	if name == "" {
		fmt.Fprintln(os.Stderr, "usage: wireguard-go [-f|--foreground] INTERFACE-NAME")
		return 2
	}
	if !foreground && os.Getenv(daemonEnv) == "" {
		return daemonize(args)
	}
	lf := logFlags{format: "text", level: wgLogLevel()}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	i, err := iface.Up(iface.Options{Name: name, Log: log, NoRoutes: true})
	if err != nil {
		log.Error("wireguard-go mode", "if", name, "err", err)
		ready(err)
		return 1
	}
	ready(nil)
	werr := i.Wait(ctx)
	if werr != nil {
		log.Info("interface gone, exiting", "if", name, "err", werr)
	}
	i.Close()
	return 0
}

// wgLogLevel maps wireguard-go's LOG_LEVEL to ours.
func wgLogLevel() string {
	switch os.Getenv("LOG_LEVEL") {
	case "verbose", "debug":
		return "debug"
	case "silent":
		return "error"
	}
	return "error"
}

// ready tells the waiting parent (fd 3) whether start-up worked.
func ready(err error) {
	if os.Getenv(daemonEnv) == "" {
		return
	}
	f := os.NewFile(3, "ready")
	if f == nil {
		return
	}
	if err != nil {
		fmt.Fprintln(f, err)
	} else {
		fmt.Fprintln(f, "ok")
	}
	f.Close()
}

// daemonize re-executes tuntap in a new session and waits until the child
// says the device and socket exist, so that wg-quick can go on at once.
func daemonize(args []string) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wireguard-go:", err)
		return 1
	}
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wireguard-go:", err)
		return 1
	}
	cmd := exec.Command(self, append([]string{"wireguard-go"}, args...)...)
	cmd.Env = append(os.Environ(), daemonEnv+"=1")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "wireguard-go:", err)
		return 1
	}
	w.Close()
	done := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(r, 4096))
		done <- strings.TrimSpace(string(b))
	}()
	select {
	case msg := <-done:
		if msg == "ok" {
			cmd.Process.Release()
			return 0
		}
		if msg == "" {
			msg = "background process exited during start-up"
		}
		fmt.Fprintln(os.Stderr, "wireguard-go:", msg)
	case <-time.After(30 * time.Second):
		fmt.Fprintln(os.Stderr, "wireguard-go: background process did not start in 30s")
		cmd.Process.Kill()
	}
	return 1
}
