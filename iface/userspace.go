package iface

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/tuntap/tuntap/config"
	"github.com/tuntap/tuntap/diagnose"
	"github.com/tuntap/tuntap/proxy"
	"github.com/tuntap/tuntap/tun"
	"github.com/tuntap/tuntap/tun/netstack"
)

// Proxies are the ways applications reach the tunnel in user-space mode;
// they add to the config's SOCKS5, HTTPProxy, Forward and Expose keys.
type Proxies struct {
	SOCKS5     string
	SOCKS5Auth *proxy.Credentials
	HTTPProxy  string
	Forward    []config.Forward
	Expose     []config.Forward
}

// fallbackWorthy: the errors for which no TUN device can be had here, as
// opposed to a mistake in the request (a taken name).
func fallbackWorthy(err error) bool {
	return errors.Is(err, tun.ErrNoNode) || errors.Is(err, tun.ErrNoDriver) ||
		errors.Is(err, tun.ErrNotPermitted) || errors.Is(err, tun.ErrNotSupported)
}

// withDiagnosis adds what `tuntap check` would say to an error that means no
// TUN device can be had here, so that --no-fallback fails with the cause
// and the fix, not only the errno.
func withDiagnosis(err error) error {
	if !fallbackWorthy(err) {
		return err
	}
	return fmt.Errorf("%w; diagnosis: %s", err, diagnose.Explain(err).Short())
}

// openUserspace makes the user-space stack the interface's device.
func (i *Interface) openUserspace(mtu int) (tun.Device, error) {
	if i.cfg.Interface.Mode == config.ModeTAP {
		return nil, errors.New("tap mode needs a TAP device: the user-space stack carries IP only (use Mode = tun)")
	}
	st, err := netstack.New(netstack.Config{Addresses: i.cfg.Interface.Addresses, MTU: mtu, DNS: i.cfg.Interface.DNS})
	if err != nil {
		return nil, fmt.Errorf("user-space stack: %w", err)
	}
	i.stack = st
	return st, nil
}

// explainFallback is the one log line that says why there is no TUN device
// and what works without it.
func (i *Interface) explainFallback(err error) {
	r := diagnose.Explain(err)
	i.log.Warn("no TUN device here: falling back to the user-space network stack",
		"cause", r.Short(),
		"works", "the tunnel, and applications through the SOCKS5/HTTP proxies and forwarded/exposed ports; the stack answers pings to its addresses",
		"does_not_work", "no network interface, so no kernel routes, no system-wide traffic, no PostUp/PreDown hooks",
		"disable_with", "--no-fallback")
}

// startProxies opens every proxy and forward of the config and flags, all on
// the user-space stack. They stop when ctx ends.
func (i *Interface) startProxies(ctx context.Context, px Proxies) error {
	socks, httpAddr := firstNonEmpty(px.SOCKS5, i.cfg.Interface.SOCKS5), firstNonEmpty(px.HTTPProxy, i.cfg.Interface.HTTPProxy)
	fwds := append(append([]config.Forward(nil), i.cfg.Interface.Forward...), px.Forward...)
	exps := append(append([]config.Forward(nil), i.cfg.Interface.Expose...), px.Expose...)
	i.proxies = proxy.NewGroup(ctx)
	opts := &proxy.Options{Logger: i.log}
	st := i.stack
	if socks != "" {
		ln, err := net.Listen("tcp", socks)
		if err != nil {
			return fmt.Errorf("SOCKS5 proxy on %s: %w", socks, err)
		}
		i.log.Info("SOCKS5 proxy into the tunnel", "listen", ln.Addr(), "auth", px.SOCKS5Auth != nil)
		i.proxies.Go(func(ctx context.Context) error { return proxy.ServeSOCKS5(ctx, ln, st, px.SOCKS5Auth, opts) })
	}
	if httpAddr != "" {
		ln, err := net.Listen("tcp", httpAddr)
		if err != nil {
			return fmt.Errorf("HTTP proxy on %s: %w", httpAddr, err)
		}
		i.log.Info("HTTP proxy into the tunnel", "listen", ln.Addr())
		i.proxies.Go(func(ctx context.Context) error { return proxy.ServeHTTP(ctx, ln, st, opts) })
	}
	for _, f := range fwds {
		if err := i.forward(f, opts); err != nil {
			return err
		}
	}
	for _, f := range exps {
		if err := i.expose(f, opts); err != nil {
			return err
		}
	}
	return nil
}

func (i *Interface) forward(f config.Forward, opts *proxy.Options) error {
	st := i.stack
	i.log.Info("forwarding a local port into the tunnel", "proto", f.Proto, "listen", f.Listen, "target", f.Target)
	if f.Proto == "udp" {
		pc, err := net.ListenPacket("udp", f.Listen)
		if err != nil {
			return fmt.Errorf("forward udp %s: %w", f.Listen, err)
		}
		i.proxies.Go(func(ctx context.Context) error { return proxy.ForwardUDP(ctx, pc, st, f.Target, opts) })
		return nil
	}
	ln, err := net.Listen("tcp", f.Listen)
	if err != nil {
		return fmt.Errorf("forward tcp %s: %w", f.Listen, err)
	}
	i.proxies.Go(func(ctx context.Context) error { return proxy.Forward(ctx, ln, st, f.Target, opts) })
	return nil
}

func (i *Interface) expose(f config.Forward, opts *proxy.Options) error {
	ap, err := netip.ParseAddrPort(f.Listen)
	if err != nil {
		// A bare port means every address of the stack.
		port := strings.TrimPrefix(f.Listen, ":")
		if ap, err = netip.ParseAddrPort("[::]:" + port); err != nil {
			return fmt.Errorf("expose %s: %w", f.Listen, err)
		}
	}
	i.log.Info("exposing a local service on the tunnel", "proto", f.Proto, "tunnel", ap, "target", f.Target)
	if f.Proto == "udp" {
		pc, err := i.stack.ListenUDP(ap)
		if err != nil {
			return fmt.Errorf("expose udp %s: %w", ap, err)
		}
		i.proxies.Go(func(ctx context.Context) error { return proxy.ExposeUDP(ctx, pc, f.Target, opts) })
		return nil
	}
	ln, err := i.stack.ListenTCP(ap)
	if err != nil {
		return fmt.Errorf("expose tcp %s: %w", ap, err)
	}
	i.proxies.Go(func(ctx context.Context) error { return proxy.Expose(ctx, ln, f.Target, opts) })
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DefaultSocketDir is where the control socket goes: wg's directory for
// root, a directory the user owns otherwise, so that an unprivileged run
// needs nothing it cannot have.
func DefaultSocketDir() string {
	if os.Geteuid() == 0 {
		return "/var/run/wireguard"
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "tuntap")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("tuntap-%d", os.Getuid()))
}
