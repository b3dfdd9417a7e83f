package iface

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// resolvconf hands the config's DNS servers to the system the way wg-quick
// does. Its fields are what tests replace.
type resolvconf struct {
	path  string // the resolvconf program; "" when the system has none
	order string // resolvconf's interface-order file
	// run runs the program with args and stdin.
	run func(stdin string, path string, args ...string) error
}

func systemResolvconf() resolvconf {
	path, _ := exec.LookPath("resolvconf")
	return resolvconf{path: path, order: "/etc/resolvconf/interface-order", run: runWithStdin}
}

func runWithStdin(stdin, path string, args ...string) error {
	cmd := exec.Command(path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", path, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// dnsInput is the resolv.conf fragment for the servers and search domains.
func dnsInput(servers []netip.Addr, search []string) string {
	var b strings.Builder
	for _, s := range servers {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	if len(search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(search, " "))
	}
	return b.String()
}

var orderPattern = regexp.MustCompile(`^([A-Za-z0-9-]+)\*$`)

// recordName is the name resolvconf files the interface's entry under. As
// wg-quick: Debian's resolvconf orders entries by the prefix of the first
// wildcard line of its interface-order file ("tun*" gives tun.wg0); without
// that file (openresolv, systemd-resolved's resolvconf) the bare name.
func (r resolvconf) recordName(ifname string) string {
	f, err := os.Open(r.order)
	if err != nil {
		return ifname
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := orderPattern.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			return m[1] + "." + ifname
		}
	}
	return ifname
}

// up registers the servers; it returns the record name to remove on down,
// or "" when there was nothing to do or no resolvconf to do it with.
func (r resolvconf) up(log *slog.Logger, ifname string, servers []netip.Addr, search []string) (string, error) {
	if len(servers) == 0 && len(search) == 0 {
		return "", nil
	}
	in := dnsInput(servers, search)
	if r.path == "" {
		log.Warn("DNS: resolvconf is not installed, so the config's DNS servers are not in use; put these lines in /etc/resolv.conf",
			"if", ifname, "lines", strings.TrimSpace(in))
		return "", nil
	}
	name := r.recordName(ifname)
	if err := r.run(in, r.path, "-a", name, "-m", "0", "-x"); err != nil {
		return "", fmt.Errorf("set DNS: %w", err)
	}
	return name, nil
}

// down removes what up registered.
func (r resolvconf) down(name string) error {
	if name == "" || r.path == "" {
		return nil
	}
	if err := r.run("", r.path, "-d", name, "-f"); err != nil {
		return fmt.Errorf("unset DNS: %w", err)
	}
	return nil
}

// setDNS gives the config's DNS servers and search domains to resolvconf.
func (i *Interface) setDNS() error {
	ic := i.cfg.Interface
	name, err := systemResolvconf().up(i.log, i.name, ic.DNS, ic.DNSSearch)
	i.rt.dns = name
	return err
}

// unsetDNS removes them again.
func (i *Interface) unsetDNS() {
	if err := systemResolvconf().down(i.rt.dns); err != nil {
		i.log.Warn("DNS", "if", i.name, "err", err)
	}
	i.rt.dns = ""
}
