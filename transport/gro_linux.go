package transport

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// recvGRO reads super-datagrams into the socket's own buffers and cuts them
// into the caller's, keeping what does not fit for the next call.
func (r *recvState) recvGRO(bufs [][]byte, sizes []int, eps []netip.AddrPort, locals []netip.Addr) (int, error) {
	if r.pend >= r.pendN {
		n, err := r.read(len(r.hdrs))
		if err != nil {
			return 0, err
		}
		r.pend, r.pendN, r.pendOff = 0, n, 0
	}
	out := 0
	for out < len(bufs) && r.pend < r.pendN {
		out = r.split(bufs, sizes, eps, locals, out)
	}
	return out, nil
}

// split hands out segments of message r.pend from r.pendOff on, starting at
// bufs[out] (out < len(bufs)), and returns the next free slot.
func (r *recvState) split(bufs [][]byte, sizes []int, eps []netip.AddrPort, locals []netip.Addr, out int) int {
	m := r.pend
	data := r.big[m][:r.hdrs[m].Len]
	switch {
	case r.hdrs[m].Hdr.Flags&unix.MSG_TRUNC != 0:
		r.u.truncated.Add(1)
		r.next()
		return out
	case len(data) == 0:
		r.deliver(out, m, 0, sizes, eps, locals)
		r.next()
		return out + 1
	}
	seg := r.segs[m]
	if seg <= 0 {
		seg = len(data)
	}
	for out < len(bufs) && r.pendOff < len(data) {
		end := min(r.pendOff+seg, len(data))
		if n := end - r.pendOff; n <= len(bufs[out]) {
			copy(bufs[out], data[r.pendOff:end])
			r.deliver(out, m, n, sizes, eps, locals)
			out++
		} else {
			r.u.truncated.Add(1)
		}
		r.pendOff = end
	}
	if r.pendOff >= len(data) {
		r.next()
	}
	return out
}

func (r *recvState) next() {
	r.pend++
	r.pendOff = 0
}
