package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/tuntap/tuntap/config"
	"github.com/tuntap/tuntap/iface"
	"github.com/tuntap/tuntap/proxy"
)

func init() {
	register("up", "bring up an interface from a wg-quick style config, in the foreground", runUp)
}

// configDir is where `tuntap up NAME` looks for NAME.conf.
const configDir = "/etc/tuntap"

func runUp(args []string) int {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	var lf logFlags
	lf.register(fs)
	sockDir := fs.String("socket-dir", "", "directory of the control socket (default /var/run/wireguard as root, else $XDG_RUNTIME_DIR/tuntap)")
	userspace := fs.Bool("userspace", false, "use the user-space network stack instead of a TUN device (no root needed)")
	noFallback := fs.Bool("no-fallback", false, "fail instead of falling back to the user-space stack when no TUN device can be opened")
	noOffload := fs.Bool("no-offload", false, "do not use the kernel's segmentation offloads on the device")
	queues := fs.Int("queues", 1, "open the TUN/TAP device with `N` queues, one reader each (for machines with more cores; no gain measured on 2)")
	var px iface.Proxies
	fs.StringVar(&px.SOCKS5, "socks5", "", "user-space mode: SOCKS5 proxy into the tunnel on `ADDR` (e.g. 127.0.0.1:1080)")
	socksAuth := fs.String("socks5-auth", "", "SOCKS5 `USER:PASS` (or set TUNTAP_SOCKS5_AUTH, which ps does not show)")
	fs.StringVar(&px.HTTPProxy, "http-proxy", "", "user-space mode: HTTP CONNECT proxy into the tunnel on `ADDR`")
	fs.Func("forward", "user-space mode: `tcp:LOCAL=TUNNEL` (or udp:) local listener to a host across the tunnel; repeatable", func(v string) error {
		f, err := config.ParseForward(v, false)
		px.Forward = append(px.Forward, f)
		return err
	})
	fs.Func("expose", "user-space mode: `tcp:TUNNELPORT=LOCAL` (or udp:) tunnel port handed to a local service; repeatable", func(v string) error {
		f, err := config.ParseForward(v, true)
		px.Expose = append(px.Expose, f)
		return err
	})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tuntap up [flags] FILE|NAME\n\nFILE is a wg-quick style config; NAME means %s/NAME.conf.\nThe interface is named after the file (wg0.conf gives wg0). Runs until SIGINT or SIGTERM,\nthen removes everything it added.\n\n", configDir)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap up:", err)
		return 2
	}
	if a := firstSet(*socksAuth, os.Getenv("TUNTAP_SOCKS5_AUTH")); a != "" {
		user, pass, ok := strings.Cut(a, ":")
		if !ok || user == "" {
			fmt.Fprintln(os.Stderr, "tuntap up: --socks5-auth wants USER:PASS")
			return 2
		}
		px.SOCKS5Auth = &proxy.Credentials{Username: user, Password: pass}
	}
	path := resolveConfig(fs.Arg(0))
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap up:", err)
		return 1
	}
	name, err := config.InterfaceName(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap up:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	i, err := iface.Up(iface.Options{Name: name, Config: cfg, SocketDir: *sockDir, Log: log,
		Userspace: *userspace, NoFallback: *noFallback, NoOffload: *noOffload, Proxies: px, Queues: *queues})
	if err != nil {
		log.Error("up failed", "if", name, "err", err)
		return 1
	}
	werr := i.Wait(ctx)
	if werr != nil {
		log.Error("interface stopped", "if", name, "err", werr)
	}
	if err := i.Close(); err != nil {
		log.Error("down", "if", name, "err", err)
	}
	log.Info("interface down", "if", name)
	if werr != nil {
		return 1
	}
	return 0
}

// resolveConfig turns NAME into /etc/tuntap/NAME.conf when NAME is not a file.
func resolveConfig(arg string) string {
	if strings.ContainsRune(arg, filepath.Separator) || strings.HasSuffix(arg, ".conf") {
		return arg
	}
	if _, err := os.Stat(arg); err == nil {
		return arg
	}
	return filepath.Join(configDir, arg+".conf")
}

func firstSet(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
