package poly

import (
	"bytes"
	"math/big"
	"testing"
)

var bigP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 130), big.NewInt(5))

func limbsToBig(h [3]uint64) *big.Int {
	v := new(big.Int).SetUint64(h[2])
	v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(h[1]))
	return v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(h[0]))
}

func leBig(b []byte) *big.Int {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(r)
}

// refTag continues from accumulator h (any value, not reduced) over full
// blocks of msg and adds s: the RFC's definition, in big integers.
func refTag(h *big.Int, r [2]uint64, s [2]uint64, msg []byte) [16]byte {
	acc := new(big.Int).Set(h)
	rr := limbsToBig([3]uint64{r[0], r[1], 0})
	for ; len(msg) > 0; msg = msg[16:] {
		blk := append(bytes.Clone(msg[:16]), 1)
		acc.Add(acc, leBig(blk)).Mul(acc, rr).Mod(acc, bigP)
	}
	acc.Mod(acc, bigP).Add(acc, limbsToBig([3]uint64{s[0], s[1], 0}))
	var tag [16]byte
	b := acc.Bytes()
	for i := range b {
		if j := len(b) - 1 - i; j < 16 {
			tag[j] = b[i]
		}
	}
	return tag
}

// extremeStates are accumulators at the edges of what Blocks can hand over
// between calls (h < 5*2^128, i.e. h[2] <= 4): the maximum, p and its
// neighbours, 2p-1 and 2^130. They are what the vector kernel folds into
// lane 0 and what Sum must reduce.
var extremeStates = [][3]uint64{
	{^uint64(0), ^uint64(0), 4},
	{^uint64(0) - 4, ^uint64(0), 3},  // p
	{^uint64(0) - 5, ^uint64(0), 3},  // p-1
	{^uint64(0) - 3, ^uint64(0), 3},  // p+1
	{^uint64(0) - 10, ^uint64(0), 3}, // p-6
	{0, 0, 4},                        // 2^130 = p+5
	{^uint64(0), ^uint64(0), 3},      // 2^130-1 = p+4
	{0, 0, 0},
}

// TestExtremeStates seeds the state directly and runs both paths over all
// ones and all zero messages with a clamp-saturated r, against big.Int.
func TestExtremeStates(t *testing.T) {
	keys := [][32]byte{}
	for _, b := range []byte{0xff, 0x01} {
		var k [32]byte
		for i := range k {
			k[i] = b
		}
		keys = append(keys, k)
	}
	paths(t, func(t *testing.T) {
		for _, key := range keys {
			for _, st := range extremeStates {
				for _, fill := range []byte{0xff, 0x00} {
					for _, n := range []int{0, 16, 256, 384, 1024, 2048 + 128} {
						var m MAC
						m.Init(&key)
						m.h = st
						msg := bytes.Repeat([]byte{fill}, n)
						m.Blocks(msg)
						var got [16]byte
						m.Sum(&got)
						if want := refTag(limbsToBig(st), m.r, m.s, msg); got != want {
							t.Errorf("key %#x h %x fill %#x len %d: tag %x, want %x",
								key[0], st, fill, n, got, want)
						}
					}
				}
			}
		}
	})
}

// TestStateBound checks the invariant the kernel and Sum rely on: after any
// Blocks call h stays below 5*2^128 (h[2] <= 4), even from the extreme
// states and with the largest inputs.
func TestStateBound(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = 0xff
	}
	paths(t, func(t *testing.T) {
		for _, st := range extremeStates {
			for _, n := range []int{16, 256, 4096} {
				var m MAC
				m.Init(&key)
				m.h = st
				m.Blocks(bytes.Repeat([]byte{0xff}, n))
				if m.h[2] > 4 {
					t.Errorf("h %x len %d: h[2] = %d after Blocks", st, n, m.h[2])
				}
			}
		}
	})
}
