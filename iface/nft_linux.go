package iface

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// nftTablePrefix names the nftables table a full tunnel adds per family, as
// wg-quick's "wg-quick-IFNAME".
const nftTablePrefix = "tuntap-"

// nftState is what addFirewall installed, for removeFirewall.
type nftState struct {
	tables []*nftables.Table
}

// nftTable names the table (one per family) for a full tunnel through dev.
func nftTable(dev string) string { return nftTablePrefix + dev }

// addFirewall installs wg-quick's nftables rules for a full tunnel, per
// family with a default route through it: packets for the interface's
// addresses must come in through the interface (or from this host), and the
// tunnel's own UDP flows keep the socket's mark in conntrack so that their
// replies pass reverse-path filtering. One batch, so all or nothing. A kernel
// without nftables only gets a warning: routing works without the rules, as
// with wg-quick where nft is missing.
func (i *Interface) addFirewall(mark uint32, v4, v6 bool) error {
	var fams []nftables.TableFamily
	if v4 {
		fams = append(fams, nftables.TableFamilyIPv4)
	}
	if v6 {
		fams = append(fams, nftables.TableFamilyIPv6)
	}
	c, err := nftables.New()
	if err == nil {
		var tables []*nftables.Table
		for _, fam := range fams {
			tables = append(tables, i.queueFirewall(c, fam, mark))
		}
		if err = c.Flush(); err == nil {
			i.rt.nft.tables = tables
			i.log.Debug("full tunnel: nftables rules installed", "table", nftTable(i.name), "ipv4", v4, "ipv6", v6)
			return nil
		}
	}
	if nftUnavailable(err) {
		i.log.Warn("full tunnel: nftables unavailable, anti-spoofing and reply-marking rules not installed", "if", i.name, "err", err)
		return nil
	}
	return fmt.Errorf("nftables table %s: %w", nftTable(i.name), err)
}

// nftUnavailable: the kernel has no nftables (or lacks an expression the
// rules need), rather than refusing these rules.
func nftUnavailable(err error) bool {
	for _, e := range []error{unix.EPROTONOSUPPORT, unix.EAFNOSUPPORT, unix.EOPNOTSUPP, unix.ENOENT, unix.ENOSYS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// queueFirewall queues one family's table. A table of the same name left by
// a run that died is replaced, not appended to: add, delete and add again in
// the same batch.
func (i *Interface) queueFirewall(c *nftables.Conn, fam nftables.TableFamily, mark uint32) *nftables.Table {
	t := &nftables.Table{Name: nftTable(i.name), Family: fam}
	c.AddTable(t)
	c.DelTable(t)
	c.AddTable(t)
	preraw := addBaseChain(c, t, "preraw", nftables.ChainHookPrerouting, nftables.ChainPriorityRaw)
	for _, a := range i.cfg.Interface.Addresses {
		if a.Addr().Is4() == (fam == nftables.TableFamilyIPv4) {
			c.AddRule(&nftables.Rule{Table: t, Chain: preraw, Exprs: antiSpoof(i.name, a.Addr())})
		}
	}
	premangle := addBaseChain(c, t, "premangle", nftables.ChainHookPrerouting, nftables.ChainPriorityMangle)
	c.AddRule(&nftables.Rule{Table: t, Chain: premangle, Exprs: restoreMark()})
	postmangle := addBaseChain(c, t, "postmangle", nftables.ChainHookPostrouting, nftables.ChainPriorityMangle)
	c.AddRule(&nftables.Rule{Table: t, Chain: postmangle, Exprs: saveMark(mark)})
	return t
}

func addBaseChain(c *nftables.Conn, t *nftables.Table, name string, hook *nftables.ChainHook, prio *nftables.ChainPriority) *nftables.Chain {
	accept := nftables.ChainPolicyAccept
	return c.AddChain(&nftables.Chain{Name: name, Table: t, Type: nftables.ChainTypeFilter, Hooknum: hook, Priority: prio, Policy: &accept})
}

// antiSpoof is `iifname != DEV ip[6] daddr ADDR fib saddr type != local
// drop`: another network cannot reach the tunnel's address by sending to it
// directly.
func antiSpoof(dev string, addr netip.Addr) []expr.Any {
	off, size := uint32(16), uint32(4) // IPv4 destination
	if addr.Is6() {
		off, size = 24, 16
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ifname(dev)},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: size},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: addr.AsSlice()},
		&expr.Fib{Register: 1, FlagSADDR: true, ResultADDRTYPE: true},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: hostU32(unix.RTN_LOCAL)},
		&expr.Verdict{Kind: expr.VerdictDrop},
	}
}

// restoreMark is `meta l4proto udp meta mark set ct mark`: a reply to the
// tunnel's datagrams carries the socket's mark back in.
func restoreMark() []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_UDP}},
		&expr.Ct{Key: expr.CtKeyMARK, Register: 1},
		&expr.Meta{Key: expr.MetaKeyMARK, SourceRegister: true, Register: 1},
	}
}

// saveMark is `meta l4proto udp meta mark MARK ct mark set meta mark`.
func saveMark(mark uint32) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_UDP}},
		&expr.Meta{Key: expr.MetaKeyMARK, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: hostU32(mark)},
		&expr.Meta{Key: expr.MetaKeyMARK, Register: 1},
		&expr.Ct{Key: expr.CtKeyMARK, SourceRegister: true, Register: 1},
	}
}

// ifname is a name as the kernel compares it: IFNAMSIZ bytes, NUL-padded.
func ifname(name string) []byte {
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, name)
	return b
}

// hostU32 is v in host byte order, as nftables holds marks and fib results.
func hostU32(v uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, v)
	return b
}

// removeFirewall deletes the tables addFirewall installed.
func (i *Interface) removeFirewall() {
	if len(i.rt.nft.tables) == 0 {
		return
	}
	c, err := nftables.New()
	if err == nil {
		for _, t := range i.rt.nft.tables {
			c.DelTable(t)
		}
		err = c.Flush()
	}
	if err != nil {
		i.log.Warn("remove nftables table", "table", nftTable(i.name), "err", err)
	}
	i.rt.nft.tables = nil
}
