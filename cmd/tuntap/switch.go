package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tuntap/tuntap/config"
	"github.com/tuntap/tuntap/iface"
	"github.com/tuntap/tuntap/netcfg"
	"github.com/tuntap/tuntap/tun"
	"github.com/tuntap/tuntap/vswitch"
)

func init() {
	register("switch", "a user-space Ethernet switch between local TAP devices, optionally joined to a tap-mode VPN", runSwitch)
}

// portList is a repeatable --port flag.
type portList []string

func (p *portList) String() string { return strings.Join(*p, ",") }
func (p *portList) Set(v string) error {
	if v == "" {
		return fmt.Errorf("empty port name")
	}
	*p = append(*p, v)
	return nil
}

func runSwitch(args []string) int {
	fs := flag.NewFlagSet("switch", flag.ContinueOnError)
	var lf logFlags
	lf.register(fs)
	var ports portList
	fs.Var(&ports, "port", "a TAP device to switch (repeat for each port); created if it does not exist")
	join := fs.String("join", "", "a tap-mode config (FILE or NAME) whose VPN interface becomes one more port")
	ageing := fs.Duration("ageing", 300*time.Second, "how long a learned MAC stays without being seen")
	maxMACs := fs.Int("max-macs", 256, "MACs learned per local port at most")
	sockDir := fs.String("socket-dir", "", "control socket directory of the --join interface (default /var/run/wireguard)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tuntap switch --port TAP [--port TAP ...] [--join CONFIG] [flags]\n\n"+
			"Forwards Ethernet frames between TAP devices (for example the network cards of\n"+
			"virtual machines) as a learning switch. With --join, the tap-mode VPN interface of\n"+
			"CONFIG is one more port, so machines on several hosts share one segment; it shows\n"+
			"in `tuntap show` under the config's name. Runs until SIGINT or SIGTERM.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 0 || len(ports)+btoi(*join != "") < 2 {
		fmt.Fprintln(os.Stderr, "tuntap switch: need at least two ports (--port, --join)")
		fs.Usage()
		return 2
	}
	if *ageing <= 0 || *maxMACs <= 0 {
		fmt.Fprintln(os.Stderr, "tuntap switch: --ageing and --max-macs must be positive")
		return 2
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap switch:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sw := vswitch.New(vswitch.Config{Ageing: *ageing, MaxMACsPerPort: *maxMACs, Log: log})
	defer func() {
		logSwitchCounters(log, sw.Counters()) // before Close forgets the ports' MACs
		sw.Close()
	}()
	for _, name := range ports {
		if err := addTapPort(sw, name, log); err != nil {
			log.Error("switch port", "port", name, "err", err)
			return 1
		}
	}
	var vpn *iface.Interface
	if *join != "" {
		if vpn, err = joinVPN(sw, *join, *sockDir, log); err != nil {
			log.Error("switch join", "config", *join, "err", err)
			return 1
		}
		defer vpn.Close()
	}
	log.Info("switch running", "ports", len(sw.Ports()), "ageing", *ageing, "max_macs", *maxMACs)
	if vpn != nil {
		if err := vpn.Wait(ctx); err != nil {
			log.Error("VPN interface stopped", "err", err)
			return 1
		}
	} else {
		<-ctx.Done()
	}
	log.Info("switch stopping")
	return 0
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addTapPort opens (or creates) the TAP device name, brings it up and makes
// it a port.
func addTapPort(sw *vswitch.Switch, name string, log *slog.Logger) error {
	dev, err := tun.Open(tun.Config{Name: name, Kind: tun.TAP, Owner: -1, Group: -1})
	if err != nil {
		return err
	}
	if err := netcfg.SetUp(dev.Name()); err != nil {
		log.Warn("could not bring the port up; frames pass once it is up", "port", name, "err", err)
	}
	if _, err := sw.AddPort(dev); err != nil {
		dev.Close()
		return err
	}
	return nil
}

func joinVPN(sw *vswitch.Switch, arg, sockDir string, log *slog.Logger) (*iface.Interface, error) {
	path := resolveConfig(arg)
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	name, err := config.InterfaceName(path)
	if err != nil {
		return nil, err
	}
	return sw.Join(iface.Options{Name: name, Config: cfg, SocketDir: sockDir, Log: log})
}

func logSwitchCounters(log *slog.Logger, c vswitch.Counters) {
	log.Info("switch counters", "learned", c.Learned, "moved", c.Moved, "expired", c.Expired,
		"flooded", c.Flooded, "filtered", c.Filtered, "refused_cap", c.RefusedCap,
		"refused_not_allowed", c.RefusedNotAllowed, "refused", c.Refused, "malformed", c.Malformed,
		"too_big", c.TooBig, "tx_errors", c.TxErrors, "macs", c.MACs)
}
