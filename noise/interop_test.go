package noise_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
	"golang.zx2c4.com/wireguard/conn"
	"golang.zx2c4.com/wireguard/device"
	"golang.zx2c4.com/wireguard/tun/tuntest"
)

// Differential tests: a real wireguard-go device runs in-process on loopback
// UDP with a channel TUN, and the test plays its peer with this package
// alone. Every byte we send must satisfy wireguard-go, and we must read
// every byte it sends.

var (
	wgAddr   = netip.MustParseAddr("10.9.0.1") // wireguard-go's tunnel address
	ourAddr  = netip.MustParseAddr("10.9.0.2") // ours, its allowed IP for us
	loopback = netip.MustParseAddr("127.0.0.1")
)

type wgPeer struct {
	dev  *device.Device
	tun  *tuntest.ChannelTUN
	addr netip.AddrPort // its UDP address
	pub  noise.PublicKey
}

// startWG runs wireguard-go knowing us as its one peer; endpoint, if valid,
// is where it sends initiations.
func startWG(t *testing.T, us noise.PublicKey, psk noise.PresharedKey, endpoint netip.AddrPort) *wgPeer {
	t.Helper()
	priv, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	w := &wgPeer{tun: tuntest.NewChannelTUN(), pub: priv.Public()}
	w.dev = device.NewDevice(w.tun.TUN(), conn.NewDefaultBind(), device.NewLogger(device.LogLevelSilent, ""))
	t.Cleanup(w.dev.Close)
	cfg := fmt.Sprintf("private_key=%s\nlisten_port=0\nreplace_peers=true\npublic_key=%s\npreshared_key=%s\nallowed_ip=%s/32\n",
		priv.Hex(), us.Hex(), psk.Hex(), ourAddr)
	if endpoint.IsValid() {
		cfg += "endpoint=" + endpoint.String() + "\n"
	}
	if err := w.dev.IpcSet(cfg); err != nil {
		t.Fatalf("wireguard-go config: %v", err)
	}
	if err := w.dev.Up(); err != nil {
		t.Fatalf("wireguard-go up: %v", err)
	}
	w.addr = netip.AddrPortFrom(loopback, uint16(ipcGetInt(t, w.dev, "listen_port")))
	return w
}

func ipcGetInt(t *testing.T, dev *device.Device, key string) int {
	t.Helper()
	s, err := dev.IpcGet()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+"="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in wireguard-go's config", key)
	return 0
}

func listenLoopback(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// recvType reads datagrams until one of type typ arrives, for up to 5s.
func recvType(t *testing.T, c *net.UDPConn, typ uint8) ([]byte, netip.AddrPort) {
	t.Helper()
	buf := make([]byte, 2048)
	deadline := time.Now().Add(5 * time.Second)
	c.SetReadDeadline(deadline)
	for time.Now().Before(deadline) {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatalf("waiting for message type %d: %v", typ, err)
		}
		if got, ok := noise.MessageType(buf[:n]); ok && got == typ && (typ != noise.MessageTransportType || n > noise.MessageTransportMinSize) {
			return bytes.Clone(buf[:n]), from
		}
	}
	t.Fatalf("no message of type %d", typ)
	return nil, netip.AddrPort{}
}

func send(t *testing.T, c *net.UDPConn, to netip.AddrPort, msg []byte) {
	t.Helper()
	if _, err := c.WriteToUDPAddrPort(msg, to); err != nil {
		t.Fatal(err)
	}
}

// sealPacket pads and encrypts an IP packet as the protocol asks.
func sealPacket(kp *noise.Keypair, counter uint64, pkt []byte) []byte {
	padded := noise.PaddedLen(len(pkt), tuntest.DefaultMTU)
	buf := make([]byte, noise.MessageTransportHeaderSize+padded, noise.MessageTransportHeaderSize+padded+noise.TagSize)
	copy(buf[noise.MessageTransportHeaderSize:], pkt)
	return noise.SealTransport(kp, counter, buf, padded)
}

// openPacket decrypts a transport message and trims the padding off the IPv4
// packet inside.
func openPacket(t *testing.T, kp *noise.Keypair, msg []byte) []byte {
	t.Helper()
	recv, counter, ok := noise.ParseTransportHeader(msg)
	if !ok || recv != kp.LocalIndex {
		t.Fatalf("transport header: receiver %x (want %x) ok %v", recv, kp.LocalIndex, ok)
	}
	plain, err := noise.OpenTransport(kp, counter, msg)
	if err != nil {
		t.Fatalf("open wireguard-go's packet: %v", err)
	}
	if len(plain) < 20 {
		t.Fatalf("short packet %x", plain)
	}
	return plain[:int(plain[2])<<8|int(plain[3])]
}

func expectTUN(t *testing.T, w *wgPeer, want []byte) {
	t.Helper()
	select {
	case got := <-w.tun.Inbound:
		if !bytes.Equal(got, want) {
			t.Fatalf("wireguard-go delivered\n%x\nwant\n%x", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wireguard-go delivered nothing to its TUN")
	}
}

func injectTUN(t *testing.T, w *wgPeer, pkt []byte) {
	t.Helper()
	select {
	case w.tun.Outbound <- pkt:
	case <-time.After(5 * time.Second):
		t.Fatal("wireguard-go did not read its TUN")
	}
}
