package noise

import (
	"crypto/subtle"

	"filippo.io/edwards25519/field"
)

// x25519 is X25519 (RFC 7748, section 5) on the stack. x/crypto's curve25519
// now wraps crypto/ecdh, which allocates about seven objects per call (keys,
// copies, the result) and also derives the private key's public key, a second
// scalar multiplication nobody asked for; a responder runs two DHs on every
// MAC1-valid initiation from anyone, before it knows who sent it. The field
// arithmetic is filippo.io/edwards25519/field, the code crypto/ecdh itself
// uses; the ladder below follows the RFC's pseudo-code. TestX25519MatchesECDH
// and FuzzX25519MatchesECDH pin it against crypto/ecdh.
//
// It sets out to scalar·point and reports whether the result is not all
// zeros, i.e. whether point was not of low order.
func x25519(out *[32]byte, scalar *[32]byte, point *[32]byte) bool {
	var k [32]byte
	copy(k[:], scalar[:])
	k[0] &= 248 // decodeScalar25519: clamp
	k[31] &= 127
	k[31] |= 64

	var x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb field.Element
	x1.SetBytes(point[:]) // ignores the top bit and accepts non-canonical values, as the RFC says
	x2.One()
	z2.Zero()
	x3.Set(&x1)
	z3.One()
	swap := 0
	for t := 254; t >= 0; t-- {
		kt := int(k[t/8]>>(t%8)) & 1
		swap ^= kt
		x2.Swap(&x3, swap)
		z2.Swap(&z3, swap)
		swap = kt

		a.Add(&x2, &z2)
		aa.Square(&a)
		b.Subtract(&x2, &z2)
		bb.Square(&b)
		e.Subtract(&aa, &bb)
		c.Add(&x3, &z3)
		d.Subtract(&x3, &z3)
		da.Multiply(&d, &a)
		cb.Multiply(&c, &b)
		x3.Add(&da, &cb)
		x3.Square(&x3)
		z3.Subtract(&da, &cb)
		z3.Square(&z3)
		z3.Multiply(&z3, &x1)
		x2.Multiply(&aa, &bb)
		z2.Mult32(&e, 121665) // a24
		z2.Add(&aa, &z2)
		z2.Multiply(&e, &z2)
	}
	x2.Swap(&x3, swap)
	z2.Swap(&z3, swap)
	z2.Invert(&z2)
	x2.Multiply(&x2, &z2)
	copy(out[:], x2.Bytes())

	clear(k[:])
	for _, v := range []*field.Element{&x2, &z2, &x3, &z3, &a, &aa, &b, &bb, &e, &c, &d, &da, &cb} {
		v.Zero()
	}
	var zero [32]byte
	return subtle.ConstantTimeCompare(out[:], zero[:]) == 0
}
