package poly

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 reference implementation for differential tests
)

// paths runs f once per implementation available here, restoring the
// vector switch afterwards.
func paths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	names := map[bool]string{false: "scalar", true: "ifma"}
	for _, vec := range []bool{false, true} {
		if vec && !HasIFMA {
			t.Log("no AVX-512 IFMA here: only the scalar path is tested")
			continue
		}
		t.Run(names[vec], func(t *testing.T) {
			defer func(old bool) { useVector = old }(useVector)
			useVector = vec
			f(t)
		})
	}
}

// finalPartial absorbs a final block shorter than 16 bytes the RFC way
// (a 0x01 byte after the data, no 2^128 bit). The AEAD never needs it; the
// RFC vectors do.
func (m *MAC) finalPartial(p []byte) {
	if len(p) == 0 {
		return
	}
	var b [16]byte
	copy(b[:], p)
	b[len(p)] = 1
	blocksGeneric(&m.h, &m.r, b[:], 0)
}

// macRFC computes the RFC 8439 tag of an arbitrary-length message.
func macRFC(key *[32]byte, msg []byte) [16]byte {
	var m MAC
	m.Init(key)
	full := len(msg) &^ 15
	m.Blocks(msg[:full])
	m.finalPartial(msg[full:])
	var tag [16]byte
	m.Sum(&tag)
	return tag
}

// macChunks computes the tag of msg (a multiple of 16) fed in random
// chunks.
func macChunks(key *[32]byte, msg []byte, rng *rand.Rand) [16]byte {
	var m MAC
	m.Init(key)
	for len(msg) > 0 {
		n := 16 * (1 + rng.IntN(len(msg)/16))
		m.Blocks(msg[:n])
		msg = msg[n:]
	}
	var tag [16]byte
	m.Sum(&tag)
	return tag
}

// bigMAC is the slow reference straight from the RFC's definition.
func bigMAC(key *[32]byte, msg []byte) [16]byte {
	le := func(b []byte) *big.Int {
		r := make([]byte, len(b))
		for i := range b {
			r[len(b)-1-i] = b[i]
		}
		return new(big.Int).SetBytes(r)
	}
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 130), big.NewInt(5))
	clamp := le(unhex("ffffff0ffcffff0ffcffff0ffcffff0f"))
	r := new(big.Int).And(le(key[:16]), clamp)
	h := new(big.Int)
	for len(msg) > 0 {
		n := min(16, len(msg))
		blk := append(append([]byte{}, msg[:n]...), 1)
		h.Add(h, le(blk)).Mul(h, r).Mod(h, p)
		msg = msg[n:]
	}
	h.Add(h, le(key[16:]))
	var tag [16]byte
	for i, b := range h.Bytes() {
		if j := len(h.Bytes()) - 1 - i; j < 16 {
			tag[j] = b
		}
	}
	return tag
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(s))
	if err != nil {
		panic(err)
	}
	return b
}

func key32(s string) *[32]byte { return (*[32]byte)(unhex(s)) }

const ietfText = "Any submission to the IETF intended by the Contributor for publication as all or part " +
	"of an IETF Internet-Draft or RFC and any statement made within the context of an IETF activity " +
	"is considered an \"IETF Contribution\". Such statements include oral statements in IETF sessions, " +
	"as well as written and electronic communications made at any time or place, which are addressed to"

const jabberwocky = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n" +
	"All mimsy were the borogoves,\nAnd the mome raths outgrabe."

// rfcVectors are RFC 8439 section 2.5.2 and appendix A.3.
var rfcVectors = []struct {
	name, key string
	msg       []byte
	tag       string
}{
	{"2.5.2", "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
		[]byte("Cryptographic Forum Research Group"), "a8061dc1305136c6c22b8baf0c0127a9"},
	{"A.3#1", strings.Repeat("00", 32), make([]byte, 64), strings.Repeat("00", 16)},
	{"A.3#2", strings.Repeat("00", 16) + "36e5f6b5c5e06070f0efca96227a863e",
		[]byte(ietfText), "36e5f6b5c5e06070f0efca96227a863e"},
	{"A.3#3", "36e5f6b5c5e06070f0efca96227a863e" + strings.Repeat("00", 16),
		[]byte(ietfText), "f3477e7cd95417af89a6b8794c310cf0"},
	{"A.3#4", "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
		[]byte(jabberwocky), "4541669a7eaaee61e708dc7cbcc5eb62"},
	{"A.3#5", "02" + strings.Repeat("00", 31), unhex(strings.Repeat("ff", 16)), "03" + strings.Repeat("00", 15)},
	{"A.3#6", "02" + strings.Repeat("00", 15) + strings.Repeat("ff", 16),
		unhex("02" + strings.Repeat("00", 15)), "03" + strings.Repeat("00", 15)},
	{"A.3#7", "01" + strings.Repeat("00", 31),
		unhex(strings.Repeat("ff", 16) + "f0" + strings.Repeat("ff", 15) + "11" + strings.Repeat("00", 15)),
		"05" + strings.Repeat("00", 15)},
	{"A.3#8", "01" + strings.Repeat("00", 31),
		unhex(strings.Repeat("ff", 16) + "fb" + strings.Repeat("fe", 15) + strings.Repeat("01", 16)),
		strings.Repeat("00", 16)},
	{"A.3#9", "02" + strings.Repeat("00", 31), unhex("fd" + strings.Repeat("ff", 15)), "fa" + strings.Repeat("ff", 15)},
	{"A.3#10", "0100000000000000040000000000000000000000000000000000000000000000",
		unhex(`e33594d7505e43b90000000000000000 3394d7505e4379cd0100000000000000
		00000000000000000000000000000000 01000000000000000000000000000000`),
		"14000000000000005500000000000000"},
	{"A.3#11", "0100000000000000040000000000000000000000000000000000000000000000",
		unhex(`e33594d7505e43b90000000000000000 3394d7505e4379cd0100000000000000
		00000000000000000000000000000000`),
		"13000000000000000000000000000000"},
}

func TestRFC8439(t *testing.T) {
	paths(t, func(t *testing.T) {
		for _, v := range rfcVectors {
			got := macRFC(key32(v.key), v.msg)
			if want := unhex(v.tag); !bytes.Equal(got[:], want) {
				t.Errorf("%s: tag %x, want %x", v.name, got, want)
			}
			if ref := bigMAC(key32(v.key), v.msg); ref != got {
				t.Errorf("%s: tag %x, big.Int reference %x", v.name, got, ref)
			}
		}
	})
}

// TestWrapNearP feeds k blocks of 2^130-5-ish values and 3k zero blocks
// with r = 1, so h lands exactly on multiples of p or one below, across
// the vector threshold.
func TestWrapNearP(t *testing.T) {
	key := key32("01" + strings.Repeat("00", 31))
	paths(t, func(t *testing.T) {
		for _, first := range []byte{0xfa, 0xfb, 0xfc, 0xff} {
			for k := 1; k <= 40; k++ {
				blk := append([]byte{first}, bytes.Repeat([]byte{0xff}, 15)...)
				msg := append(bytes.Repeat(blk, k), make([]byte, 48*k)...)
				var m MAC
				m.Init(key)
				m.Blocks(msg)
				var got [16]byte
				m.Sum(&got)
				if want := bigMAC(key, msg); got != want {
					t.Errorf("first %#x k=%d: tag %x, want %x", first, k, got, want)
				}
			}
		}
	})
}

func TestLengthsAgainstXCrypto(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		buf := make([]byte, 2200)
		for n := 0; n <= len(buf); n += 16 {
			var key [32]byte
			fill(rng, key[:])
			fill(rng, buf[:n])
			var want [16]byte
			poly1305.Sum(&want, buf[:n], &key)
			if got := macRFC(&key, buf[:n]); got != want {
				t.Fatalf("len %d one call: tag %x, want %x", n, got, want)
			}
			if got := macChunks(&key, buf[:n], rng); got != want {
				t.Fatalf("len %d chunked: tag %x, want %x", n, got, want)
			}
		}
	})
}

// TestAdversarial maximises every limb: clamp-saturated r, all-ones s and
// message, so every carry path runs at its bound.
func TestAdversarial(t *testing.T) {
	keys := []string{
		"ffffff0ffcffff0ffcffff0ffcffff0f" + strings.Repeat("ff", 16),
		strings.Repeat("ff", 32),
		"fcffff0ffcffff0ffcffff0ffcffff0f" + strings.Repeat("00", 16),
		"01" + strings.Repeat("00", 15) + strings.Repeat("ff", 16),
		strings.Repeat("00", 32),
	}
	msgs := map[string]byte{"ones": 0xff, "zeros": 0x00, "fe": 0xfe}
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, k := range keys {
			key := key32(k)
			for name, b := range msgs {
				for _, n := range []int{16, 128, 256, 272, 1408, 1424, 4096, 65536} {
					msg := bytes.Repeat([]byte{b}, n)
					var want [16]byte
					poly1305.Sum(&want, msg, key)
					if got := macRFC(key, msg); got != want {
						t.Errorf("key %s msg %s len %d: tag %x, want %x", k[:8], name, n, got, want)
					}
					if got := macChunks(key, msg, rng); got != want {
						t.Errorf("key %s msg %s len %d chunked: tag %x, want %x", k[:8], name, n, got, want)
					}
				}
			}
		}
	})
}

func TestBlocksPanicsOnPartialBlock(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Blocks(15 bytes) did not panic")
		}
	}()
	var m MAC
	m.Init(new([32]byte))
	m.Blocks(make([]byte, 15))
}

func TestNoAllocs(t *testing.T) {
	msg := make([]byte, 1424)
	key := new([32]byte)
	var tag [16]byte
	paths(t, func(t *testing.T) {
		allocs := testing.AllocsPerRun(100, func() {
			var m MAC
			m.Init(key)
			m.Blocks(msg[:32])
			m.Blocks(msg[32:])
			m.Sum(&tag)
		})
		if allocs != 0 {
			t.Fatalf("%v allocations per MAC, want 0", allocs)
		}
	})
}

func FuzzBlocks(f *testing.F) {
	f.Add(make([]byte, 32), make([]byte, 1408), uint16(0))
	f.Add(bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xff}, 2048), uint16(7))
	f.Add(unhex(rfcVectors[4].key), []byte(jabberwocky), uint16(300))
	f.Fuzz(func(t *testing.T, k, msg []byte, split uint16) {
		if len(k) < 32 {
			return
		}
		key := (*[32]byte)(k[:32])
		msg = msg[:len(msg)&^15]
		var want [16]byte
		poly1305.Sum(&want, msg, key)
		cut := int(split) % (len(msg) + 1) &^ 15
		defer func(old bool) { useVector = old }(useVector)
		for _, vec := range []bool{false, HasIFMA} {
			useVector = vec
			var m MAC
			m.Init(key)
			m.Blocks(msg[:cut])
			m.Blocks(msg[cut:])
			var got [16]byte
			m.Sum(&got)
			if got != want {
				t.Fatalf("vector=%v len %d cut %d: tag %x, want %x", vec, len(msg), cut, got, want)
			}
		}
	})
}

func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}
