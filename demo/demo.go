// Package demo is tuntap's self-contained demonstration: two network
// namespaces joined by a veth, a tuntap tunnel between them, pings and a TCP
// transfer through it, a report, and everything removed afterwards.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/uapi"
)

// Options of a demo run.
type Options struct {
	Self     string        // the tuntap binary, run inside the namespaces
	Seconds  time.Duration // length of the TCP transfer
	Mode     string        // "tun" or "tap"
	Out      io.Writer     // the report
	KeepLogs string        // if set, copy the tunnel logs here
}

// side is one end of the tunnel.
type side struct {
	ns, dir   string
	under     string // underlay address
	tun4      string
	tun6      string
	priv      noise.PrivateKey
	proc      *exec.Cmd
	logPath   string
	sockDir   string
	ifaceName string
}

// Run performs the demo. Whatever happens, it removes what it created.
func Run(ctx context.Context, o Options) (err error) {
	if os.Geteuid() != 0 {
		return errors.New("the demo needs root: it creates network namespaces and TUN devices")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return errors.New("the demo needs the ip command (Debian: apt-get install iproute2)")
	}
	tmp, err := os.MkdirTemp("", "tuntap-demo-")
	if err != nil {
		return err
	}
	id := os.Getpid()
	a := &side{ns: fmt.Sprintf("ttdemo-a-%d", id), under: "10.77.0.1", tun4: "10.99.0.1", tun6: "fd99::1"}
	b := &side{ns: fmt.Sprintf("ttdemo-b-%d", id), under: "10.77.0.2", tun4: "10.99.0.2", tun6: "fd99::2"}
	defer func() {
		for _, s := range []*side{a, b} {
			s.stop()
			if o.KeepLogs != "" && s.logPath != "" {
				copyFile(s.logPath, filepath.Join(o.KeepLogs, s.ns+".log"))
			}
			exec.Command("ip", "netns", "del", s.ns).Run()
		}
		os.RemoveAll(tmp)
	}()
	p := &printer{w: o.Out, start: time.Now()}
	p.step("creating namespaces %s and %s joined by a veth (%s <-> %s)", a.ns, b.ns, a.under, b.under)
	if err := underlay(a, b); err != nil {
		return err
	}
	for _, s := range []*side{a, b} {
		if s.priv, err = noise.GeneratePrivateKey(); err != nil {
			return err
		}
		s.dir = filepath.Join(tmp, s.ns)
		s.sockDir = filepath.Join(s.dir, "run")
		s.ifaceName = "tt0"
		if err := os.MkdirAll(s.sockDir, 0o700); err != nil {
			return err
		}
	}
	if err := writeConfig(a, b, o.Mode); err != nil {
		return err
	}
	if err := writeConfig(b, a, o.Mode); err != nil {
		return err
	}
	p.step("starting tuntap (%s mode) in both namespaces: %s", o.Mode, a.ifaceName)
	for _, s := range []*side{a, b} {
		if err := s.start(o.Self); err != nil {
			return err
		}
	}
	p.step("waiting for the handshake")
	for _, dst := range []string{b.tun4, b.tun6} {
		// The first packets wait for the handshake (and, in tap mode, for
		// ARP or neighbour discovery): warm up before measuring.
		if _, err := waitPing(ctx, o.Self, a.ns, dst, 10*time.Second); err != nil {
			return fmt.Errorf("tunnel did not come up (ping %s): %w\n%s", dst, err, tail(a.logPath, b.logPath))
		}
	}
	for _, dst := range []string{b.tun4, b.tun6} {
		r, err := pingFrom(ctx, o.Self, a.ns, dst, 5)
		if err != nil {
			return fmt.Errorf("ping %s: %w\n%s", dst, err, tail(a.logPath, b.logPath))
		}
		p.step("ping %s through the tunnel: %d/%d answered, avg %.3f ms, max %.3f ms", dst, r.Received, r.Sent, r.AvgMs, r.MaxMs)
		if r.Received == 0 {
			return fmt.Errorf("no ping answered through the tunnel to %s\n%s", dst, tail(a.logPath, b.logPath))
		}
	}
	t, err := throughput(ctx, o.Self, a.ns, b.ns, b.tun4, o.Seconds)
	if err != nil {
		return fmt.Errorf("TCP transfer: %w\n%s", err, tail(a.logPath, b.logPath))
	}
	p.step("TCP %s -> %s for %s: %.1f MB at %.2f Gbit/s", a.tun4, b.tun4, o.Seconds, float64(t.Bytes)/1e6, t.Gbps)
	for _, s := range []*side{a, b} {
		// Path-named unix sockets ignore network namespaces: ask directly.
		st, err := uapi.Get(s.sockDir, s.ifaceName)
		if err != nil {
			return err
		}
		for _, pr := range st.Peers {
			p.step("%s: peer %s… handshake %s ago, rx %d B, tx %d B, drops %v", s.ns, pr.PublicKey.String()[:8],
				time.Since(pr.LastHandshake).Round(time.Millisecond), pr.RxBytes, pr.TxBytes, dropSummary(st.Counters))
		}
	}
	p.step("removing namespaces and processes")
	return nil
}

func dropSummary(c map[string]uint64) string {
	var parts []string
	for k, v := range c {
		if strings.HasPrefix(k, "drop_") {
			parts = append(parts, fmt.Sprintf("%s=%d", strings.TrimPrefix(k, "drop_"), v))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

type printer struct {
	w     io.Writer
	start time.Time
}

func (p *printer) step(format string, a ...any) {
	fmt.Fprintf(p.w, "[%5.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, a...))
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func underlay(a, b *side) error {
	va, vb := fmt.Sprintf("ttd%da", os.Getpid()%100000), fmt.Sprintf("ttd%db", os.Getpid()%100000)
	cmds := [][]string{
		{"ip", "netns", "add", a.ns},
		{"ip", "netns", "add", b.ns},
		{"ip", "link", "add", va, "type", "veth", "peer", "name", vb},
		{"ip", "link", "set", va, "netns", a.ns, "name", "eth0"},
		{"ip", "link", "set", vb, "netns", b.ns, "name", "eth0"},
	}
	for _, s := range []*side{a, b} {
		cmds = append(cmds,
			[]string{"ip", "-n", s.ns, "link", "set", "lo", "up"},
			[]string{"ip", "-n", s.ns, "addr", "add", s.under + "/24", "dev", "eth0"},
			[]string{"ip", "-n", s.ns, "link", "set", "eth0", "up"})
	}
	for _, c := range cmds {
		if err := run(c[0], c[1:]...); err != nil {
			exec.Command("ip", "link", "del", va).Run()
			return err
		}
	}
	return nil
}

func writeConfig(s, peer *side, mode string) error {
	cfg := fmt.Sprintf(`# tuntap demo, %s side
[Interface]
PrivateKey = %s
ListenPort = 51820
Address = %s/24, %s/64
Mode = %s

[Peer]
PublicKey = %s
Endpoint = %s:51820
AllowedIPs = %s/32, %s/128
`, s.ns, s.priv.Base64(), s.tun4, s.tun6, mode, peer.priv.Public(), peer.under, peer.tun4, peer.tun6)
	if mode == "tap" {
		cfg = strings.Replace(cfg, fmt.Sprintf("AllowedIPs = %s/32, %s/128\n", peer.tun4, peer.tun6), "", 1)
	}
	return os.WriteFile(filepath.Join(s.dir, s.ifaceName+".conf"), []byte(cfg), 0o600)
}

func (s *side) start(self string) error {
	s.logPath = filepath.Join(s.dir, "tuntap.log")
	f, err := os.Create(s.logPath)
	if err != nil {
		return err
	}
	defer f.Close()
	s.proc = exec.Command("ip", "netns", "exec", s.ns, self, "up", "--socket-dir", s.sockDir,
		filepath.Join(s.dir, s.ifaceName+".conf"))
	s.proc.Stdout, s.proc.Stderr = f, f
	if err := s.proc.Start(); err != nil {
		return fmt.Errorf("start tuntap in %s: %w", s.ns, err)
	}
	return nil
}

func (s *side) stop() {
	if s.proc == nil || s.proc.Process == nil {
		return
	}
	s.proc.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.proc.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.proc.Process.Kill()
		<-done
	}
}

func tail(paths ...string) string {
	var b strings.Builder
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) > 15 {
			lines = lines[len(lines)-15:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", p, strings.Join(lines, "\n"))
	}
	return b.String()
}

func copyFile(src, dst string) {
	if data, err := os.ReadFile(src); err == nil {
		os.WriteFile(dst, data, 0o600)
	}
}

// PingResult is what the hidden _ping command prints as JSON.
type PingResult struct {
	Sent, Received int
	AvgMs, MaxMs   float64
}

// TCPResult is what the hidden _tcp command prints as JSON.
type TCPResult struct {
	Bytes int64
	Gbps  float64
}

func pingFrom(ctx context.Context, self, ns, dst string, n int) (PingResult, error) {
	var r PingResult
	out, err := exec.CommandContext(ctx, "ip", "netns", "exec", ns, self, "_ping", dst, fmt.Sprint(n)).Output()
	if err != nil {
		return r, fmt.Errorf("%w: %s", err, out)
	}
	return r, json.Unmarshal(out, &r)
}

func waitPing(ctx context.Context, self, ns, dst string, limit time.Duration) (PingResult, error) {
	deadline := time.Now().Add(limit)
	for {
		r, err := pingFrom(ctx, self, ns, dst, 1)
		if err == nil && r.Received > 0 {
			return r, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("no answer")
			}
			return r, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func throughput(ctx context.Context, self, clientNS, serverNS, addr string, d time.Duration) (TCPResult, error) {
	var r TCPResult
	srv := exec.CommandContext(ctx, "ip", "netns", "exec", serverNS, self, "_tcp", "serve", addr+":5201", fmt.Sprint(int(d.Seconds())+20))
	if err := srv.Start(); err != nil {
		return r, err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	var out []byte
	var err error
	for try := 0; try < 20; try++ {
		out, err = exec.CommandContext(ctx, "ip", "netns", "exec", clientNS, self, "_tcp", "send", addr+":5201", fmt.Sprint(d.Seconds())).Output()
		if err == nil || !strings.Contains(string(out), "connection refused") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return r, fmt.Errorf("%w: %s", err, out)
	}
	return r, json.Unmarshal(out, &r)
}
