package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tuntap/tuntap/diagnose"
	"github.com/tuntap/tuntap/tun"
)

func init() {
	register("device", "add, delete or list persistent TUN/TAP devices (like ip tuntap)", runDevice)
}

const deviceUsage = `usage:
  tuntap device add --mode tap|tun [--name NAME] [--user U] [--group G]
                    [--multi-queue] [--vnet-hdr] [--mtu N]
  tuntap device del NAME
  tuntap device list [--json]
`

func runDevice(args []string) int {
	return device(args, os.Stdout, os.Stderr)
}

func device(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, deviceUsage)
		return 2
	}
	switch args[0] {
	case "add":
		return deviceAdd(args[1:], stdout, stderr)
	case "del", "delete":
		return deviceDel(args[1:], stdout, stderr)
	case "list", "show", "ls":
		return deviceList(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, deviceUsage)
		return 0
	}
	fmt.Fprintf(stderr, "tuntap device: unknown subcommand %q\n%s", args[0], deviceUsage)
	return 2
}

// parseFlags parses and rejects stray arguments beyond max positional ones.
func parseFlags(fl *flag.FlagSet, args []string, maxArgs int) (ok bool, code int) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, 0
		}
		return false, 2
	}
	if fl.NArg() > maxArgs {
		fmt.Fprintf(fl.Output(), "tuntap device %s: unexpected argument %q\n", fl.Name(), fl.Arg(maxArgs))
		return false, 2
	}
	return true, 0
}

func deviceAdd(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("add", flag.ContinueOnError)
	fl.SetOutput(stderr)
	mode := fl.String("mode", "", "tun (IP packets) or tap (Ethernet frames); required")
	name := fl.String("name", "", "interface name, or a pattern like tap%d (default: MODE%d)")
	owner := fl.String("user", "", "user (name or uid) allowed to open the device without root")
	group := fl.String("group", "", "group (name or gid) allowed to open the device without root")
	multi := fl.Bool("multi-queue", false, "create a multi-queue device (IFF_MULTI_QUEUE)")
	vnet := fl.Bool("vnet-hdr", false, "frames carry a virtio-net header (IFF_VNET_HDR), as QEMU's vhost wants")
	mtu := fl.Int("mtu", 0, "MTU to set (0: the kernel's default)")
	if ok, code := parseFlags(fl, args, 0); !ok {
		return code
	}
	cfg, err := addConfig(*mode, *name, *owner, *group, *mtu)
	if err != nil {
		fmt.Fprintf(stderr, "tuntap device add: %v\n", err)
		return 2
	}
	cfg.VnetHdr = *vnet
	if *multi {
		cfg.Queues = 2 // Two queues make the kernel set IFF_MULTI_QUEUE.
	}
	ifc, err := tun.Open(cfg)
	if err != nil {
		return openFailed(stderr, "add", err)
	}
	actual := ifc.Name()
	if err := ifc.Close(); err != nil {
		fmt.Fprintf(stderr, "tuntap device add: close %s: %v\n", actual, err)
		return 1
	}
	fmt.Fprintln(stdout, actual)
	return 0
}

func addConfig(mode, name, owner, group string, mtu int) (tun.Config, error) {
	cfg := tun.Config{Name: name, Persist: true, Owner: -1, Group: -1, MTU: mtu}
	switch strings.ToLower(mode) {
	case "tun":
		cfg.Kind = tun.TUN
	case "tap":
		cfg.Kind = tun.TAP
	default:
		return cfg, fmt.Errorf("--mode must be tun or tap, not %q", mode)
	}
	if mtu < 0 {
		return cfg, fmt.Errorf("--mtu %d is negative", mtu)
	}
	var err error
	if owner != "" {
		if cfg.Owner, err = lookupID(owner, "user"); err != nil {
			return cfg, err
		}
	}
	if group != "" {
		if cfg.Group, err = lookupID(group, "group"); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// lookupID resolves a user or group given by name or number.
func lookupID(s, kind string) (int, error) {
	if n, err := strconv.ParseUint(s, 10, 31); err == nil {
		return int(n), nil
	}
	var id string
	if kind == "user" {
		u, err := user.Lookup(s)
		if err != nil {
			return -1, fmt.Errorf("--user %s: %w", s, err)
		}
		id = u.Uid
	} else {
		g, err := user.LookupGroup(s)
		if err != nil {
			return -1, fmt.Errorf("--group %s: %w", s, err)
		}
		id = g.Gid
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return -1, fmt.Errorf("--%s %s: id %q is not a number", kind, s, id)
	}
	return n, nil
}

// openFailed prints the error and, for the causes tuntap check knows, the
// one-sentence reason and where to look for the fix.
func openFailed(stderr io.Writer, op string, err error) int {
	fmt.Fprintf(stderr, "tuntap device %s: %v\n", op, err)
	if c, _ := diagnose.Classify(err); c != diagnose.Other && c != diagnose.OK {
		fmt.Fprintf(stderr, "%s Run `tuntap check` for the fix.\n", c.Sentence())
	}
	return 1
}

func deviceDel(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("del", flag.ContinueOnError)
	fl.SetOutput(stderr)
	name := fl.String("name", "", "the device to delete (or give it as the argument)")
	fl.String("mode", "", "ignored; accepted for ip tuntap compatibility")
	if ok, code := parseFlags(fl, args, 1); !ok {
		return code
	}
	n := *name
	if fl.NArg() == 1 {
		n = fl.Arg(0)
	}
	if n == "" {
		fmt.Fprint(stderr, "tuntap device del: which device? (tuntap device del NAME)\n")
		return 2
	}
	if err := tun.Delete(n); err != nil {
		return openFailed(stderr, "del", err)
	}
	return 0
}

// deviceJSON is one device in `tuntap device list --json`.
type deviceJSON struct {
	Name       string `json:"name"`
	Mode       string `json:"mode"`
	Owner      int    `json:"owner"`
	Group      int    `json:"group"`
	MultiQueue bool   `json:"multi_queue"`
	VnetHdr    bool   `json:"vnet_hdr"`
	Persist    bool   `json:"persist"`
	MTU        int    `json:"mtu"`
	Index      int    `json:"index"`
	Up         bool   `json:"up"`
	Queues     int    `json:"queues"`
}

func deviceList(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("list", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print a JSON array")
	if ok, code := parseFlags(fl, args, 0); !ok {
		return code
	}
	infos, err := tun.List()
	if err != nil {
		fmt.Fprintf(stderr, "tuntap device list: %v\n", err)
		return 1
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
	if *asJSON {
		return writeListJSON(stdout, stderr, infos)
	}
	writeListTable(stdout, infos)
	return 0
}

func writeListJSON(stdout, stderr io.Writer, infos []tun.Info) int {
	out := make([]deviceJSON, 0, len(infos))
	for _, i := range infos {
		out = append(out, deviceJSON{Name: i.Name, Mode: i.Kind.String(), Owner: i.Owner, Group: i.Group,
			MultiQueue: i.MultiQueue, VnetHdr: i.VnetHdr, Persist: i.Persist, MTU: i.MTU,
			Index: i.Index, Up: i.Up, Queues: i.Queues})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err == nil {
		_, err = stdout.Write(append(b, '\n'))
	}
	if err != nil {
		fmt.Fprintf(stderr, "tuntap device list: %v\n", err)
		return 1
	}
	return 0
}

func writeListTable(stdout io.Writer, infos []tun.Info) {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMODE\tOWNER\tGROUP\tFLAGS\tPERSIST\tMTU\tQUEUES\tSTATE")
	for _, i := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", i.Name, i.Kind, idText(i.Owner, "user"),
			idText(i.Group, "group"), flagText(i), yesNo(i.Persist), i.MTU, i.Queues, upText(i.Up))
	}
	tw.Flush()
}

// idText shows a uid or gid with its name when the system knows it.
func idText(id int, kind string) string {
	if id < 0 {
		return "-"
	}
	s := strconv.Itoa(id)
	if kind == "user" {
		if u, err := user.LookupId(s); err == nil {
			return s + "(" + u.Username + ")"
		}
	} else if g, err := user.LookupGroupId(s); err == nil {
		return s + "(" + g.Name + ")"
	}
	return s
}

func flagText(i tun.Info) string {
	var f []string
	if i.MultiQueue {
		f = append(f, "multi_queue")
	}
	if i.VnetHdr {
		f = append(f, "vnet_hdr")
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, ",")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func upText(up bool) string {
	if up {
		return "up"
	}
	return "down"
}
