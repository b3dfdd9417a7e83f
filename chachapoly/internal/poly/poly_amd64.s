//go:build amd64 && !purego

#include "textflag.h"

// Radix-2^44 Poly1305 with AVX-512 IFMA. A value is three limbs
// (h0, h1, h2) at weights 2^0, 2^44, 2^88; 2^132 = 20 mod 2^130-5.
// Each zmm holds one limb of 8 independent accumulators (lanes).
//
// Register use: Z0-Z2 and Z25-Z27 the two accumulator chains A and B,
// Z3-Z8 product halves, Z9-Z14 scratch, Z15-Z17 powers under construction,
// Z20-Z24 multiplier (r0 r1 r2 20r1 20r2), Z29 2^40 (the 2^128 pad bit in
// limb 2), Z30 mask42, Z31 mask44. The chains share the product and
// scratch registers: renaming lets their instructions overlap anyway.

#define CONSTS \
	MOVQ $0xfffffffffff, DX; \
	VPBROADCASTQ DX, Z31; \
	MOVQ $0x3ffffffffff, DX; \
	VPBROADCASTQ DX, Z30; \
	MOVQ $0x10000000000, DX; \
	VPBROADCASTQ DX, Z29

// TIMES20 sets Z23 = 20*Z21 and Z24 = 20*Z22.
#define TIMES20 \
	VPSLLQ $2, Z21, Z23; \
	VPSLLQ $4, Z21, Z13; \
	VPADDQ Z13, Z23, Z23; \
	VPSLLQ $2, Z22, Z24; \
	VPSLLQ $4, Z22, Z14; \
	VPADDQ Z14, Z24, Z24

// MUL computes (a0,a1,a2) * (Z20,Z21,Z22) as 52-bit low halves in Z3, Z5,
// Z7 and high halves in Z4, Z6, Z8, for limbs 0, 1, 2 of the product.
// Wrapped terms use 20*r (Z23, Z24). Inputs must be below 2^52.
#define MUL(a0, a1, a2) \
	VPXORQ Z3, Z3, Z3; \
	VPXORQ Z4, Z4, Z4; \
	VPXORQ Z5, Z5, Z5; \
	VPXORQ Z6, Z6, Z6; \
	VPXORQ Z7, Z7, Z7; \
	VPXORQ Z8, Z8, Z8; \
	VPMADD52LUQ a2, Z23, Z3; \
	VPMADD52HUQ a2, Z23, Z4; \
	VPMADD52LUQ a2, Z24, Z5; \
	VPMADD52HUQ a2, Z24, Z6; \
	VPMADD52LUQ a2, Z20, Z7; \
	VPMADD52HUQ a2, Z20, Z8; \
	VPMADD52LUQ a0, Z20, Z3; \
	VPMADD52HUQ a0, Z20, Z4; \
	VPMADD52LUQ a0, Z21, Z5; \
	VPMADD52HUQ a0, Z21, Z6; \
	VPMADD52LUQ a0, Z22, Z7; \
	VPMADD52HUQ a0, Z22, Z8; \
	VPMADD52LUQ a1, Z24, Z3; \
	VPMADD52HUQ a1, Z24, Z4; \
	VPMADD52LUQ a1, Z20, Z5; \
	VPMADD52HUQ a1, Z20, Z6; \
	VPMADD52LUQ a1, Z21, Z7; \
	VPMADD52HUQ a1, Z21, Z8

// CARRY folds the product halves into h0-h2, limbs below 2^44,
// 2^44+2^10, 2^42+2^10 (inputs below 2^47, 2^45, 2^43 times powers stay
// well under the 2^52 operand limit and the 2^64 accumulators). The low half of limb k sits at 2^(44k), the high
// half at 2^(44k+52), i.e. shifted left by 8 into limb k+1; what passes
// 2^130 comes back times 5. Limbs 1 and 2 carry in parallel, then limb 0
// once more into limb 1, to keep the chain short.
#define CARRY(h0, h1, h2) \
	VPSLLQ $8, Z4, Z4; \
	VPSLLQ $8, Z6, Z6; \
	VPSLLQ $10, Z8, Z8; \
	VPADDQ Z4, Z5, Z5; \
	VPADDQ Z6, Z7, Z7; \
	VPSRLQ $44, Z3, Z13; \
	VPANDQ Z31, Z3, h0; \
	VPSRLQ $44, Z5, Z14; \
	VPANDQ Z31, Z5, h1; \
	VPADDQ Z13, h1, h1; \
	VPSRLQ $42, Z7, Z13; \
	VPANDQ Z30, Z7, h2; \
	VPADDQ Z14, h2, h2; \
	VPADDQ Z8, Z13, Z13; \
	VPSLLQ $2, Z13, Z14; \
	VPADDQ Z13, h0, h0; \
	VPADDQ Z14, h0, h0; \
	VPSRLQ $44, h0, Z13; \
	VPANDQ Z31, h0, h0; \
	VPADDQ Z13, h1, h1

// ADDMSG adds the 8 blocks at off(SI) to h0-h2. Unpacking puts block
// [0 4 1 5 2 6 3 7][lane] in each lane.
#define ADDMSG(off, h0, h1, h2) \
	VMOVDQU64 off(SI), Z9; \
	VMOVDQU64 (off+64)(SI), Z10; \
	VPUNPCKLQDQ Z10, Z9, Z11; \
	VPUNPCKHQDQ Z10, Z9, Z12; \
	VPANDQ Z31, Z11, Z9; \
	VPSRLQ $44, Z11, Z11; \
	VPSLLQ $20, Z12, Z10; \
	VPTERNLOGQ $0xf8, Z31, Z10, Z11; \
	VPSRLQ $24, Z12, Z12; \
	VPORQ Z29, Z12, Z12; \
	VPADDQ Z9, h0, h0; \
	VPADDQ Z11, h1, h1; \
	VPADDQ Z12, h2, h2

// STEP multiplies the lanes of Z15-Z17 selected by K1 by Z20-Z22.
#define STEP \
	TIMES20; \
	MUL(Z15, Z16, Z17); \
	CARRY(Z0, Z1, Z2); \
	VMOVDQA64 Z0, K1, Z15; \
	VMOVDQA64 Z1, K1, Z16; \
	VMOVDQA64 Z2, K1, Z17

// BCAST0 sets the multiplier to lane 0 of Z15-Z17.
#define BCAST0 \
	VPBROADCASTQ X15, Z20; \
	VPBROADCASTQ X16, Z21; \
	VPBROADCASTQ X17, Z22

// LOADPOW sets the multiplier to the per-lane powers at off(BX).
#define LOADPOW(off) \
	VMOVDQU64 off(BX), Z20; \
	VMOVDQU64 (off+64)(BX), Z21; \
	VMOVDQU64 (off+128)(BX), Z22; \
	TIMES20

// func powersIFMA(pow *[48]uint64, r *[3]uint64)
// pow[24:48] gets the lane powers r^e, e = [8 4 7 3 6 2 5 1][lane], and
// pow[0:24] the same times r^8. Starting from r in every lane, steps
// multiply by r, r^2, r^4 the lanes whose e-1 has bit 0, 1, 2 set; lane 0
// (e = 8) is in every step, so it supplies r^2, r^4 and r^8.
TEXT ·powersIFMA(SB), NOSPLIT, $0-16
	MOVQ pow+0(FP), DI
	MOVQ r+8(FP), SI
	CONSTS
	VPBROADCASTQ 0(SI), Z15
	VPBROADCASTQ 8(SI), Z16
	VPBROADCASTQ 16(SI), Z17
	BCAST0
	MOVQ $0x33, AX
	KMOVW AX, K1
	STEP
	BCAST0
	MOVQ $0x0f, AX
	KMOVW AX, K1
	STEP
	BCAST0
	MOVQ $0x55, AX
	KMOVW AX, K1
	STEP
	VMOVDQU64 Z15, 192(DI)
	VMOVDQU64 Z16, 256(DI)
	VMOVDQU64 Z17, 320(DI)
	BCAST0
	MOVQ $0xff, AX
	KMOVW AX, K1
	STEP
	VMOVDQU64 Z15, 0(DI)
	VMOVDQU64 Z16, 64(DI)
	VMOVDQU64 Z17, 128(DI)
	VZEROUPPER
	RET

// func blocksIFMA(h *[3]uint64, pow *[48]uint64, p []byte)
// Chains A and B take alternate groups of 8 blocks, each lane every 16th
// block, times r^16 per step; the last step multiplies by the per-lane
// powers instead, so that the lanes of both chains sum to h. With an odd
// group count, B takes group 0 alone first and h starts in B.
TEXT ·blocksIFMA(SB), NOSPLIT, $0-40
	MOVQ h+0(FP), DI
	MOVQ pow+8(FP), BX
	MOVQ p_base+16(FP), SI
	MOVQ p_len+24(FP), CX
	SHRQ $7, CX
	CONSTS
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VMOVQ 0(DI), X25
	VMOVQ 8(DI), X26
	VMOVQ 16(DI), X27
	VPBROADCASTQ 0(BX), Z20
	VPBROADCASTQ 64(BX), Z21
	VPBROADCASTQ 128(BX), Z22
	TIMES20
	BTQ  $0, CX
	JCS  odd
	// Even: h belongs in chain A.
	VMOVDQA64 Z25, Z0
	VMOVDQA64 Z26, Z1
	VMOVDQA64 Z27, Z2
	VPXORQ Z25, Z25, Z25
	VPXORQ Z26, Z26, Z26
	VPXORQ Z27, Z27, Z27
	JMP  pairs

odd:
	CMPQ CX, $1
	JEQ  single
	ADDMSG(0, Z25, Z26, Z27)
	MUL(Z25, Z26, Z27)
	CARRY(Z25, Z26, Z27)
	ADDQ $128, SI
	DECQ CX

pairs:
	CMPQ CX, $2
	JEQ  lastpair
	ADDMSG(0, Z0, Z1, Z2)
	MUL(Z0, Z1, Z2)
	CARRY(Z0, Z1, Z2)
	ADDMSG(128, Z25, Z26, Z27)
	MUL(Z25, Z26, Z27)
	CARRY(Z25, Z26, Z27)
	ADDQ $256, SI
	SUBQ $2, CX
	JMP  pairs

lastpair:
	LOADPOW(0)
	ADDMSG(0, Z0, Z1, Z2)
	MUL(Z0, Z1, Z2)
	CARRY(Z0, Z1, Z2)
	LOADPOW(192)
	ADDMSG(128, Z25, Z26, Z27)
	MUL(Z25, Z26, Z27)
	CARRY(Z25, Z26, Z27)
	VPADDQ Z25, Z0, Z0
	VPADDQ Z26, Z1, Z1
	VPADDQ Z27, Z2, Z2
	JMP  fold

single:
	LOADPOW(192)
	ADDMSG(0, Z25, Z26, Z27)
	MUL(Z25, Z26, Z27)
	CARRY(Z0, Z1, Z2)

fold:
	// Sum the lanes; each limb stays below 2^49.
	VEXTRACTI64X4 $1, Z0, Y3
	VEXTRACTI64X4 $1, Z1, Y4
	VEXTRACTI64X4 $1, Z2, Y5
	VPADDQ Y3, Y0, Y0
	VPADDQ Y4, Y1, Y1
	VPADDQ Y5, Y2, Y2
	VEXTRACTI128 $1, Y0, X3
	VEXTRACTI128 $1, Y1, X4
	VEXTRACTI128 $1, Y2, X5
	VPADDQ X3, X0, X0
	VPADDQ X4, X1, X1
	VPADDQ X5, X2, X2
	VPSHUFD $0x4e, X0, X3
	VPSHUFD $0x4e, X1, X4
	VPSHUFD $0x4e, X2, X5
	VPADDQ X3, X0, X0
	VPADDQ X4, X1, X1
	VPADDQ X5, X2, X2
	VMOVQ X0, 0(DI)
	VMOVQ X1, 8(DI)
	VMOVQ X2, 16(DI)
	VZEROUPPER
	RET
