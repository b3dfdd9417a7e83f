//go:build !linux

package netcfg

import (
	"fmt"
	"net/netip"
)

// Rule is one policy-routing rule; only Linux has them here.
type Rule struct {
	V6                bool
	Table             int
	Mark              uint32
	Invert            bool
	SuppressPrefixlen int
}

func NotMarkRule(v6 bool, mark uint32, table int) Rule {
	return Rule{V6: v6, Table: table, Mark: mark, Invert: true, SuppressPrefixlen: -1}
}
func SuppressDefaultRule(v6 bool) Rule { return Rule{V6: v6, Table: 254, SuppressPrefixlen: 0} }
func (r Rule) String() string {
	return fmt.Sprintf("rule table %d mark 0x%x invert %v suppress %d", r.Table, r.Mark, r.Invert, r.SuppressPrefixlen)
}

func AddRule(r Rule) error                                 { return ErrNotSupported }
func DelRule(r Rule) error                                 { return ErrNotSupported }
func Rules(v6 bool) ([]Rule, error)                        { return nil, ErrNotSupported }
func FreeTable(start int) (int, error)                     { return 0, ErrNotSupported }
func RouteMTU(dst netip.Addr) (int, error)                 { return 0, ErrNotSupported }
func RouteDev(dst netip.Addr, mark uint32) (string, error) { return "", ErrNotSupported }
func SetSysctl(key, value string) error                    { return ErrNotSupported }
