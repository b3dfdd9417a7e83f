//go:build linux

package fulltunnel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// nftChain is a chain as the kernel lists it, with its rules.
type nftChain struct {
	*nftables.Chain
	rules []*nftables.Rule
}

// nftTable lists what nftables in ns holds under table name, per family:
// its chains by name. A family without the table is absent.
func nftTable(t *testing.T, ns *netns.NS, name string) map[nftables.TableFamily]map[string]nftChain {
	t.Helper()
	out := map[nftables.TableFamily]map[string]nftChain{}
	err := ns.Do(func() error {
		c, err := nftables.New()
		if err != nil {
			return err
		}
		tables, err := c.ListTables()
		if err != nil {
			return err
		}
		for _, tb := range tables {
			if tb.Name != name {
				continue
			}
			chains, err := listChains(c, tb)
			if err != nil {
				return err
			}
			out[tb.Family] = chains
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list nftables in %s: %v", ns.Name, err)
	}
	return out
}

func listChains(c *nftables.Conn, tb *nftables.Table) (map[string]nftChain, error) {
	chains, err := c.ListChainsOfTableFamily(tb.Family)
	if err != nil {
		return nil, err
	}
	out := map[string]nftChain{}
	for _, ch := range chains {
		if ch.Table.Name != tb.Name {
			continue
		}
		rules, err := c.GetRules(tb, ch)
		if err != nil {
			return nil, err
		}
		out[ch.Name] = nftChain{ch, rules}
	}
	return out, nil
}

// delNftTable deletes table name in both families, as a user could.
func delNftTable(t *testing.T, ns *netns.NS, name string) {
	t.Helper()
	err := ns.Do(func() error {
		c, err := nftables.New()
		if err != nil {
			return err
		}
		for _, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
			c.DelTable(&nftables.Table{Name: name, Family: fam})
		}
		return c.Flush()
	})
	if err != nil {
		t.Fatalf("delete nftables table %s in %s: %v", name, ns.Name, err)
	}
}

// hasCmp: one of the rule's comparisons is against data.
func hasCmp(r *nftables.Rule, data []byte) bool {
	for _, e := range r.Exprs {
		if c, ok := e.(*expr.Cmp); ok && bytes.Equal(c.Data, data) {
			return true
		}
	}
	return false
}

func hasExpr[T expr.Any](r *nftables.Rule, ok func(T) bool) bool {
	for _, e := range r.Exprs {
		if v, is := e.(T); is && ok(v) {
			return true
		}
	}
	return false
}

// TestNftables: a full tunnel installs wg-quick's three chains per family in
// table tuntap-IFNAME, and down removes the table.
func TestNftables(t *testing.T) {
	w := newWorld(t)
	cl := up(t, w.a, w.aKey, w.client(""))
	name := "tuntap-" + cl.name
	mark := binary.NativeEndian.AppendUint32(nil, 51820)
	fams := nftTable(t, w.a, name)
	for _, c := range []struct {
		fam  nftables.TableFamily
		addr string
	}{
		{nftables.TableFamilyIPv4, "10.9.0.2"},
		{nftables.TableFamilyIPv6, "fd09::2"},
	} {
		chains := fams[c.fam]
		if chains == nil {
			t.Errorf("no table %s in family %d", name, c.fam)
			continue
		}
		checkChain(t, chains, "preraw", *nftables.ChainHookPrerouting, *nftables.ChainPriorityRaw, func(r *nftables.Rule) bool {
			return hasCmp(r, netip.MustParseAddr(c.addr).AsSlice()) &&
				hasExpr(r, func(f *expr.Fib) bool { return f.FlagSADDR && f.ResultADDRTYPE }) &&
				hasExpr(r, func(v *expr.Verdict) bool { return v.Kind == expr.VerdictDrop })
		})
		checkChain(t, chains, "premangle", *nftables.ChainHookPrerouting, *nftables.ChainPriorityMangle, func(r *nftables.Rule) bool {
			return hasExpr(r, func(m *expr.Meta) bool { return m.Key == expr.MetaKeyMARK && m.SourceRegister })
		})
		checkChain(t, chains, "postmangle", *nftables.ChainHookPostrouting, *nftables.ChainPriorityMangle, func(r *nftables.Rule) bool {
			// The library decodes no ct source register: "ct mark set" is a
			// ct mark expression that comes last.
			ct, ok := r.Exprs[len(r.Exprs)-1].(*expr.Ct)
			return hasCmp(r, mark) && ok && ct.Key == expr.CtKeyMARK
		})
	}
	if err := cl.stop(); err != nil {
		t.Errorf("tuntap exited with %v after SIGTERM", err)
	}
	if left := nftTable(t, w.a, name); len(left) != 0 {
		t.Errorf("table %s still exists after down in %d families", name, len(left))
	}
}

// checkChain: chain name exists with the hook and priority wg-quick gives it
// and holds exactly one rule, which satisfies want.
func checkChain(t *testing.T, chains map[string]nftChain, name string, hook nftables.ChainHook, prio nftables.ChainPriority, want func(*nftables.Rule) bool) {
	t.Helper()
	ch, ok := chains[name]
	switch {
	case !ok:
		t.Errorf("no chain %s", name)
	case ch.Hooknum == nil || *ch.Hooknum != hook || ch.Priority == nil || *ch.Priority != prio || ch.Type != nftables.ChainTypeFilter:
		t.Errorf("chain %s: type %s hook %v priority %v, want filter %d %d", name, ch.Type, ch.Hooknum, ch.Priority, hook, prio)
	case len(ch.rules) != 1:
		t.Errorf("chain %s has %d rules, want 1", name, len(ch.rules))
	case !want(ch.rules[0]):
		t.Errorf("chain %s: unexpected rule %s", name, exprs(ch.rules[0]))
	}
}

// TestNftablesFailedUp: when up fails after the rules are in (here a failing
// PostUp), the undo path removes the table too.
func TestNftablesFailedUp(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	name := e2etest.UniqueName("ft")
	text := strings.ReplaceAll(w.client("PostUp = false\n"), "PRIVATE", w.aKey.Priv.Base64())
	conf := e2etest.WriteConf(t, dir, name+".conf", text)
	out, err := w.a.Command(e2etest.Bin(t), "up", "--log-level", "debug", "--socket-dir", dir, conf).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("up with PostUp = false: %v, want a non-zero exit:\n%s", err, out)
	}
	if !strings.Contains(string(out), "nftables rules installed") {
		t.Fatalf("the rules were never installed, the test proves nothing:\n%s", out)
	}
	if left := nftTable(t, w.a, "tuntap-"+name); len(left) != 0 {
		t.Errorf("table tuntap-%s left behind by a failed up in %d families:\n%s", name, len(left), out)
	}
}

func exprs(r *nftables.Rule) string {
	var b strings.Builder
	for _, e := range r.Exprs {
		fmt.Fprintf(&b, "%T%+v ", e, e)
	}
	return b.String()
}
