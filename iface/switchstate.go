package iface

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/tuntap/tuntap/l2switch"
)

// writeSwitchState adds the MAC table and the switch's counters of a
// tap-mode interface to a get=tuntap answer, for `tuntap show`: one
// "mac=MAC port=PORT age=AGE" line per learned MAC (PORT is the peer's
// public key, or "local" for the TAP device) and switch_REASON=N counters.
func (i *Interface) writeSwitchState(w io.Writer) {
	sw := i.sw.Switch()
	for _, e := range sw.Table(time.Now()) {
		port := "local"
		if e.Port != nil {
			port = e.Port.PublicKey().String()
		}
		fmt.Fprintf(w, "mac=%s port=%s age=%s\n", net.HardwareAddr(e.MAC[:]), port, e.Age.Truncate(time.Second))
	}
	WriteSwitchCounters(w, sw.Counters())
}

// WriteSwitchCounters writes c as switch_REASON=N lines, the names that
// `tuntap show` prints; the stand-alone switch logs the same names.
func WriteSwitchCounters(w io.Writer, c l2switch.Counters) {
	for _, kv := range []struct {
		k string
		v uint64
	}{
		{"learned", c.Learned}, {"moved", c.Moved}, {"expired", c.Expired},
		{"refused_group", c.RefusedGroup}, {"refused_zero", c.RefusedZero},
		{"refused_cap", c.RefusedCap}, {"refused_table_full", c.RefusedTableFull},
		{"refused_not_allowed", c.RefusedNotAllowed},
		{"flooded", c.Flooded}, {"filtered", c.Filtered}, {"macs", uint64(c.MACs)},
	} {
		fmt.Fprintf(w, "switch_%s=%d\n", kv.k, kv.v)
	}
}
