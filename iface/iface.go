// Package iface runs one tuntap interface for its whole life: it opens the
// device, configures addresses, MTU and routes as wg-quick does, starts the
// engine and the control socket, runs the config's hooks, and undoes all of
// it on Close.
package iface

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/tuntap/tuntap/chachapoly"
	"github.com/tuntap/tuntap/config"
	"github.com/tuntap/tuntap/engine"
	"github.com/tuntap/tuntap/l2switch"
	"github.com/tuntap/tuntap/netcfg"
	"github.com/tuntap/tuntap/proxy"
	"github.com/tuntap/tuntap/tun"
	"github.com/tuntap/tuntap/tun/netstack"
	"github.com/tuntap/tuntap/uapi"
)

// DefaultMTU is wg-quick's default for an unknown path: 1500 minus the
// largest WireGuard overhead (IPv6 outer header).
const DefaultMTU = 1420

// Options say how to bring an interface up.
type Options struct {
	Name      string
	Config    *config.Config // nil: an empty interface configured over the control socket (wireguard-go mode)
	SocketDir string         // default uapi.DefaultDir
	Log       *slog.Logger
	// NoRoutes skips addresses, routes and hooks (wireguard-go mode: wg-quick does them).
	NoRoutes bool
	// NoOffload reads and writes packets one by one, without the kernel's
	// segmentation offloads.
	NoOffload bool
	// Queues opens a multi-queue device with one engine reader per queue
	// (0 or 1: one queue).
	Queues int
	// Userspace uses the user-space network stack instead of a TUN device;
	// without it, Up falls back to the stack when no TUN device can be
	// opened, unless NoFallback.
	Userspace, NoFallback bool
	Proxies               Proxies
	// Device, if set, is used instead of opening a kernel device (tuntap
	// switch --join hands over one end of an in-memory pipe). There is no
	// kernel interface to configure, so NoRoutes is implied. Up owns it
	// once the engine has started; if Up fails before, the caller closes it.
	Device tun.Device
}

// Interface is a running interface.
type Interface struct {
	name    string
	log     *slog.Logger
	dev     *tun.Iface
	eng     *engine.Engine
	sw      *engine.Switched // tap mode only
	extra   []tun.Device     // the device's queues after the first
	stack   *netstack.Stack  // user-space mode only
	proxies *proxy.Group
	cfg     *config.Config
	ln      net.Listener
	sock    string
	srv     *uapi.Server
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	rt      routing // routes, rules and DNS added, for Close
	closed  sync.Once
	up      bool // Up completed: Close runs the down hooks only then, as wg-quick
}

// Up opens and configures the interface. On error everything done so far
// is undone.
func Up(opts Options) (_ *Interface, err error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	i := &Interface{name: opts.Name, log: log, cfg: cfg}
	if opts.Device != nil {
		opts.NoRoutes = true
	}
	defer func() {
		if err != nil {
			i.Close()
		}
	}()
	if !opts.NoRoutes {
		if err := i.hooks(cfg.Interface.PreUp, "PreUp"); err != nil {
			return nil, err
		}
	}
	mtu := cfg.Interface.MTU
	if mtu == 0 {
		mtu = i.autoMTU()
		if cfg.Interface.Mode == "tap" {
			// Room for the Ethernet header, a VLAN tag and our framing, so
			// full frames still fit the same outer packet as tun mode.
			mtu -= engine.TAPOverhead
		}
	}
	kind := tun.TUN
	if cfg.Interface.Mode == "tap" {
		kind = tun.TAP
	}
	var dev tun.Device
	if !opts.Userspace {
		dev, err = i.openDevice(opts, kind, mtu)
		if err != nil && (opts.NoFallback || opts.Config == nil || !fallbackWorthy(err)) {
			return nil, withDiagnosis(err)
		}
		if err != nil {
			i.explainFallback(err)
		}
	}
	if dev == nil {
		if dev, err = i.openUserspace(mtu); err != nil {
			return nil, err
		}
		i.name = opts.Name
		opts.NoRoutes = true
	}
	var fwd engine.Forwarder
	if kind == tun.TAP {
		i.sw = engine.NewSwitched(l2switch.Config{Ageing: cfg.Interface.MACAgeing, MaxMACsPerPort: cfg.Interface.MaxMACsPerPeer})
		fwd = i.sw
	}
	eng, err := engine.New(engine.Config{
		PrivateKey: cfg.Interface.PrivateKey,
		ListenPort: uint16(cfg.Interface.ListenPort),
		Devices:    append([]tun.Device{dev}, i.extra...),
		Forwarder:  fwd,
		Logger:     log.With("if", i.name),
	})
	if err != nil {
		return nil, err
	}
	i.eng = eng
	if m := cfg.Interface.FwMark; m != 0 {
		if err := eng.SetFwmark(m); err != nil {
			return nil, err
		}
	}
	if err := i.addPeers(); err != nil {
		return nil, err
	}
	dir := opts.SocketDir
	if dir == "" {
		dir = DefaultSocketDir()
	}
	if i.ln, err = uapi.Listen(dir, i.name); err != nil {
		return nil, err
	}
	i.sock = uapi.SocketPath(dir, i.name)
	ctx, cancel := context.WithCancel(context.Background())
	i.cancel = cancel
	i.srv = &uapi.Server{Engine: eng, Log: log}
	if i.stack != nil {
		i.srv.Ping = i.stack.Ping
		if err := i.startProxies(ctx, opts.Proxies); err != nil {
			return nil, err
		}
	}
	if i.sw != nil {
		i.srv.Extra = i.writeSwitchState
	}
	if i.dev != nil {
		if err := i.watchMTU(ctx); err != nil {
			return nil, err
		}
	}
	i.wg.Add(1)
	go func() {
		defer i.wg.Done()
		if err := i.srv.Serve(ctx, i.ln); err != nil {
			log.Error("control socket", "err", err)
		}
	}()
	if !opts.NoRoutes {
		if err := i.configure(mtu); err != nil {
			return nil, err
		}
		if err := i.hooks(cfg.Interface.PostUp, "PostUp"); err != nil {
			return nil, err
		}
	}
	log.Info("interface up", "if", i.name, "mode", kind, "userspace", i.stack != nil, "port", eng.Port(), "public_key", eng.PublicKey(),
		"peers", len(cfg.Peers), "socket", i.sock, "cipher", chachapoly.Impl())
	i.up = true
	return i, nil
}

// openDevice opens the TUN or TAP device with the kernel's segmentation
// offloads when it has them (the fast path), plain otherwise.
func (i *Interface) openDevice(opts Options, kind tun.Kind, mtu int) (tun.Device, error) {
	if opts.Device != nil {
		if opts.Device.Kind() != kind {
			return nil, fmt.Errorf("device %s is %s, the config wants %s", opts.Device.Name(), opts.Device.Kind(), kind)
		}
		i.name = opts.Device.Name()
		return opts.Device, nil
	}
	cfg := tun.Config{Name: opts.Name, Kind: kind, MTU: mtu, Owner: -1, Group: -1, VnetHdr: !opts.NoOffload, Queues: opts.Queues}
	var err error
	if i.dev, err = tun.Open(cfg); err != nil {
		return nil, err
	}
	i.name = i.dev.Name()
	if !cfg.VnetHdr {
		return i.dev, nil
	}
	off, err := tun.NewOffload(i.dev.Queues()[0])
	if err == nil {
		// More queues: the kernel spreads flows over them, one engine
		// reader each.
		for _, q := range i.dev.Queues()[1:] {
			o, err := tun.NewOffload(q)
			if err != nil {
				return nil, err
			}
			i.extra = append(i.extra, o)
		}
		return off, nil
	}
	i.log.Info("segmentation offload unavailable, reading packets one by one", "if", i.name, "err", err)
	i.dev.Close()
	cfg.VnetHdr = false
	if i.dev, err = tun.Open(cfg); err != nil {
		return nil, err
	}
	return i.dev, nil
}

// Name is the device's name.
func (i *Interface) Name() string { return i.name }

// Engine is the running data plane.
func (i *Interface) Engine() *engine.Engine { return i.eng }

// Wait blocks until ctx ends or the engine fails on its own (the device was
// deleted).
func (i *Interface) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-i.eng.Failed():
		return err
	}
}

func (i *Interface) addPeers() error {
	for _, p := range i.cfg.Peers {
		pc := engine.PeerConfig{ReplaceAllowedIPs: true, AllowedIPs: p.AllowedIPs}
		if p.HasPSK {
			psk := p.PresharedKey
			pc.PresharedKey = &psk
		}
		if p.Endpoint != "" {
			ep, err := config.ResolveEndpoint(p.Endpoint)
			if err != nil {
				return fmt.Errorf("%s:%d: peer %s: endpoint: %w", i.cfg.Path, p.Line, p.PublicKey, err)
			}
			pc.Endpoint = &ep
		}
		ka := p.PersistentKeepalive
		pc.PersistentKeepalive = &ka
		peer, err := i.eng.UpsertPeer(p.PublicKey, pc)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", i.cfg.Path, p.Line, err)
		}
		if i.sw != nil && len(p.AllowedMACs) > 0 {
			if err := i.sw.SetAllowedMACs(peer, p.AllowedMACs); err != nil {
				return fmt.Errorf("%s:%d: AllowedMACs: %w", i.cfg.Path, p.Line, err)
			}
		}
	}
	return nil
}

// configure sets MTU, addresses, link up and the peers' routes, as wg-quick.
func (i *Interface) configure(mtu int) error {
	if err := netcfg.SetMTU(i.name, mtu); err != nil {
		return err
	}
	for _, a := range i.cfg.Interface.Addresses {
		if err := netcfg.AddAddr(i.name, a); err != nil {
			return err
		}
	}
	if err := netcfg.SetUp(i.name); err != nil {
		return err
	}
	if i.cfg.Interface.Mode == "tap" && i.cfg.Interface.Bridge != "" {
		if err := netcfg.SetMaster(i.name, i.cfg.Interface.Bridge); err != nil {
			return err
		}
	}
	if err := i.setDNS(); err != nil {
		return err
	}
	return i.addRoutes()
}

// hooks runs PreUp/PostUp/PreDown/PostDown commands with bash, %i being the
// interface name, as wg-quick does.
func (i *Interface) hooks(cmds []string, what string) error {
	for _, c := range cmds {
		c = strings.ReplaceAll(c, "%i", i.name)
		cmd := exec.Command("bash", "-c", c)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		i.log.Info("running hook", "hook", what, "cmd", c)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s %q: %w", what, c, err)
		}
	}
	return nil
}

// Close runs PreDown, stops the engine and control socket, removes routes and
// the device, then runs PostDown. It is idempotent.
func (i *Interface) Close() error {
	var errs []error
	i.closed.Do(func() {
		if i.up {
			if err := i.hooks(i.cfg.Interface.PreDown, "PreDown"); err != nil {
				errs = append(errs, err)
			}
		}
		if i.cancel != nil {
			i.cancel()
		}
		if i.ln != nil {
			i.ln.Close() // Serve may never have started
		}
		i.wg.Wait()
		if i.proxies != nil {
			i.proxies.Stop()
			i.proxies.Wait()
		}
		i.removeRoutes()
		i.unsetDNS()
		switch {
		case i.eng != nil:
			i.eng.Close() // closes the device too
		case i.dev != nil:
			i.dev.Close()
		case i.stack != nil:
			i.stack.Close()
		}
		if i.sock != "" {
			os.Remove(i.sock)
		}
		if i.up {
			if err := i.hooks(i.cfg.Interface.PostDown, "PostDown"); err != nil {
				errs = append(errs, err)
			}
		}
	})
	return errors.Join(errs...)
}
