//go:build amd64 && !purego

#include "textflag.h"

// ChaCha20 keystream with AVX-512: one vector register per state word, one
// block per 32-bit lane. While more than 16 blocks are left, two zmm batches
// (A in registers 0-15, B in 16-31, 32 blocks) run interleaved: the
// quarter-round chain is latency bound and one batch offers only four
// independent chains. The final <= 16 blocks take one batch of the narrowest
// width that covers them (xmm 4, ymm 8, zmm 16): a mostly empty second batch
// measured slower, its instructions are not free.
//
// Output is addressed as a "virtual" stream whose block 0 is the Poly1305
// key: DI and SI point 64 bytes before dst and src, and offsets below 64 are
// never dereferenced while block 0 is pending (R8 = 1).
//
// Registers: DI/SI output/input cursors, R9 virtual bytes left, DX polyKey,
// R10 round counter.

// Frame layout.
#define STATE 0   // 16 input words (word 12 unused: counters are per lane)
#define CTR 64    // lane counters c+0 .. c+31 for the next batch pair
#define SPILL 192 // B's words 12-15 while A is transposed
#define BUF 448   // keystream of the final, partial batch

// SUB2 does one quarter-round step (a += b; d ^= a; d <<<= r) for eight
// independent chains.
#define SUB2(a0, b0, d0, a1, b1, d1, a2, b2, d2, a3, b3, d3, a4, b4, d4, a5, b5, d5, a6, b6, d6, a7, b7, d7, r) \
	VPADDD b0, a0, a0; VPADDD b1, a1, a1; VPADDD b2, a2, a2; VPADDD b3, a3, a3; \
	VPADDD b4, a4, a4; VPADDD b5, a5, a5; VPADDD b6, a6, a6; VPADDD b7, a7, a7; \
	VPXORD a0, d0, d0; VPXORD a1, d1, d1; VPXORD a2, d2, d2; VPXORD a3, d3, d3; \
	VPXORD a4, d4, d4; VPXORD a5, d5, d5; VPXORD a6, d6, d6; VPXORD a7, d7, d7; \
	VPROLD $r, d0, d0; VPROLD $r, d1, d1; VPROLD $r, d2, d2; VPROLD $r, d3, d3; \
	VPROLD $r, d4, d4; VPROLD $r, d5, d5; VPROLD $r, d6, d6; VPROLD $r, d7, d7

// QR8 runs eight independent quarter rounds (a, b, c, d each).
#define QR8(a0, b0, c0, d0, a1, b1, c1, d1, a2, b2, c2, d2, a3, b3, c3, d3, a4, b4, c4, d4, a5, b5, c5, d5, a6, b6, c6, d6, a7, b7, c7, d7) \
	SUB2(a0, b0, d0, a1, b1, d1, a2, b2, d2, a3, b3, d3, a4, b4, d4, a5, b5, d5, a6, b6, d6, a7, b7, d7, 16); \
	SUB2(c0, d0, b0, c1, d1, b1, c2, d2, b2, c3, d3, b3, c4, d4, b4, c5, d5, b5, c6, d6, b6, c7, d7, b7, 12); \
	SUB2(a0, b0, d0, a1, b1, d1, a2, b2, d2, a3, b3, d3, a4, b4, d4, a5, b5, d5, a6, b6, d6, a7, b7, d7, 8); \
	SUB2(c0, d0, b0, c1, d1, b1, c2, d2, b2, c3, d3, b3, c4, d4, b4, c5, d5, b5, c6, d6, b6, c7, d7, b7, 7)

// ROUNDS runs the 20 rounds (10 column + diagonal double rounds) on the batch
// pair: batch A in v0-v15, batch B in u0-u15.
#define ROUNDS(lbl, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15) \
	MOVQ $10, R10; \
lbl: \
	QR8(v0, v4, v8, v12, v1, v5, v9, v13, v2, v6, v10, v14, v3, v7, v11, v15, u0, u4, u8, u12, u1, u5, u9, u13, u2, u6, u10, u14, u3, u7, u11, u15); \
	QR8(v0, v5, v10, v15, v1, v6, v11, v12, v2, v7, v8, v13, v3, v4, v9, v14, u0, u5, u10, u15, u1, u6, u11, u12, u2, u7, u8, u13, u3, u4, u9, u14); \
	DECQ R10; \
	JNZ lbl

// SUB1 and QR4 are SUB2 and QR8 for one batch (four chains), used when a
// second batch would be mostly wasted lanes: its instructions are not free.
#define SUB1(a0, b0, d0, a1, b1, d1, a2, b2, d2, a3, b3, d3, r) \
	VPADDD b0, a0, a0; VPADDD b1, a1, a1; VPADDD b2, a2, a2; VPADDD b3, a3, a3; \
	VPXORD a0, d0, d0; VPXORD a1, d1, d1; VPXORD a2, d2, d2; VPXORD a3, d3, d3; \
	VPROLD $r, d0, d0; VPROLD $r, d1, d1; VPROLD $r, d2, d2; VPROLD $r, d3, d3

#define QR4(a0, b0, c0, d0, a1, b1, c1, d1, a2, b2, c2, d2, a3, b3, c3, d3) \
	SUB1(a0, b0, d0, a1, b1, d1, a2, b2, d2, a3, b3, d3, 16); \
	SUB1(c0, d0, b0, c1, d1, b1, c2, d2, b2, c3, d3, b3, 12); \
	SUB1(a0, b0, d0, a1, b1, d1, a2, b2, d2, a3, b3, d3, 8); \
	SUB1(c0, d0, b0, c1, d1, b1, c2, d2, b2, c3, d3, b3, 7)

// SINGLE computes one batch in v0-v15 with lane counters from CTR.
#define SINGLE(lbl, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) \
	LOADSTATE(CTR(SP), v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15); \
	MOVQ $10, R10; \
lbl: \
	QR4(v0, v4, v8, v12, v1, v5, v9, v13, v2, v6, v10, v14, v3, v7, v11, v15); \
	QR4(v0, v5, v10, v15, v1, v6, v11, v12, v2, v7, v8, v13, v3, v4, v9, v14); \
	DECQ R10; \
	JNZ lbl; \
	ADDSTATE(CTR(SP), v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15)

// LOADSTATE broadcasts the state words into v0-v15; the counter word comes
// per lane from memory operand c.
#define LOADSTATE(c, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) \
	VPBROADCASTD STATE+0(SP), v0; VPBROADCASTD STATE+4(SP), v1; \
	VPBROADCASTD STATE+8(SP), v2; VPBROADCASTD STATE+12(SP), v3; \
	VPBROADCASTD STATE+16(SP), v4; VPBROADCASTD STATE+20(SP), v5; \
	VPBROADCASTD STATE+24(SP), v6; VPBROADCASTD STATE+28(SP), v7; \
	VPBROADCASTD STATE+32(SP), v8; VPBROADCASTD STATE+36(SP), v9; \
	VPBROADCASTD STATE+40(SP), v10; VPBROADCASTD STATE+44(SP), v11; \
	VMOVDQU32 c, v12; VPBROADCASTD STATE+52(SP), v13; \
	VPBROADCASTD STATE+56(SP), v14; VPBROADCASTD STATE+60(SP), v15

// ADDSTATE adds the input state back (the block function's feed-forward).
#define ADDSTATE(c, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) \
	VPADDD.BCST STATE+0(SP), v0, v0; VPADDD.BCST STATE+4(SP), v1, v1; \
	VPADDD.BCST STATE+8(SP), v2, v2; VPADDD.BCST STATE+12(SP), v3, v3; \
	VPADDD.BCST STATE+16(SP), v4, v4; VPADDD.BCST STATE+20(SP), v5, v5; \
	VPADDD.BCST STATE+24(SP), v6, v6; VPADDD.BCST STATE+28(SP), v7, v7; \
	VPADDD.BCST STATE+32(SP), v8, v8; VPADDD.BCST STATE+36(SP), v9, v9; \
	VPADDD.BCST STATE+40(SP), v10, v10; VPADDD.BCST STATE+44(SP), v11, v11; \
	VPADDD c, v12, v12; VPADDD.BCST STATE+52(SP), v13, v13; \
	VPADDD.BCST STATE+56(SP), v14, v14; VPADDD.BCST STATE+60(SP), v15, v15

// PAIR loads, runs and finishes a batch pair whose B lanes take counters
// from CTR+boff, then parks B's last four words so A can use their
// registers as scratch.
#define PAIR(lbl, boff, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15) \
	LOADSTATE(CTR(SP), v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15); \
	LOADSTATE(CTR+boff(SP), u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15); \
	ROUNDS(lbl, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15); \
	ADDSTATE(CTR(SP), v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15); \
	ADDSTATE(CTR+boff(SP), u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15); \
	VMOVDQU64 Z28, SPILL+0(SP); VMOVDQU64 Z29, SPILL+64(SP); \
	VMOVDQU64 Z30, SPILL+128(SP); VMOVDQU64 Z31, SPILL+192(SP)

#define UNSPILL \
	VMOVDQU64 SPILL+0(SP), Z28; VMOVDQU64 SPILL+64(SP), Z29; \
	VMOVDQU64 SPILL+128(SP), Z30; VMOVDQU64 SPILL+192(SP), Z31

// TR4 transposes 4x4 dwords within each 128-bit lane: afterwards lane k of
// a, b, c, d holds these four words of blocks 4k, 4k+1, 4k+2, 4k+3.
#define TR4(a, b, c, d, t0, t1, t2, t3) \
	VPUNPCKLDQ b, a, t0; VPUNPCKHDQ b, a, t1; \
	VPUNPCKLDQ d, c, t2; VPUNPCKHDQ d, c, t3; \
	VPUNPCKLQDQ t2, t0, a; VPUNPCKHQDQ t2, t0, b; \
	VPUNPCKLQDQ t3, t1, c; VPUNPCKHQDQ t3, t1, d

// TR16 runs TR4 over all sixteen words, scratch t0-t3.
#define TR16(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, t0, t1, t2, t3) \
	TR4(v0, v1, v2, v3, t0, t1, t2, t3); \
	TR4(v4, v5, v6, v7, t0, t1, t2, t3); \
	TR4(v8, v9, v10, v11, t0, t1, t2, t3); \
	TR4(v12, v13, v14, v15, t0, t1, t2, t3)

// LANES16 gathers 128-bit lanes after TR4: r, s, u, v hold words 0-3, 4-7,
// 8-11, 12-15 of blocks m, 4+m, 8+m, 12+m (one per lane) and end up holding
// whole blocks m, 4+m, 8+m, 12+m.
#define LANES16(r, s, u, v, t0, t1, t2, t3) \
	VSHUFI32X4 $0x44, s, r, t0; VSHUFI32X4 $0xee, s, r, t1; \
	VSHUFI32X4 $0x44, v, u, t2; VSHUFI32X4 $0xee, v, u, t3; \
	VSHUFI32X4 $0x88, t2, t0, r; VSHUFI32X4 $0xdd, t2, t0, s; \
	VSHUFI32X4 $0x88, t3, t1, u; VSHUFI32X4 $0xdd, t3, t1, v

// LANES8 is LANES16 for two lanes: r and s end up as blocks m and 4+m.
#define LANES8(r, s, u, v, t0, t1) \
	VSHUFI32X4 $0x44, s, r, t0; VSHUFI32X4 $0x44, v, u, t1; \
	VSHUFI32X4 $0x88, t1, t0, r; VSHUFI32X4 $0xdd, t1, t0, s

// LANES4 is LANES16 for one lane: r ends up as block m.
#define LANES4(r, s, u, v) \
	VINSERTI32X4 $1, s, r, r; VINSERTI32X4 $2, u, r, r; VINSERTI32X4 $3, v, r, r

// ZBLOCKS turns a zmm batch in v0-v15 into whole blocks, block j in v_j,
// using t0-t3 as scratch.
#define ZBLOCKS(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, t0, t1, t2, t3) \
	TR16(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, t0, t1, t2, t3); \
	LANES16(v0, v4, v8, v12, t0, t1, t2, t3); \
	LANES16(v1, v5, v9, v13, t0, t1, t2, t3); \
	LANES16(v2, v6, v10, v14, t0, t1, t2, t3); \
	LANES16(v3, v7, v11, v15, t0, t1, t2, t3)

#define XORBLOCK(off, z) \
	VPXORD off(SI), z, z; VMOVDQU64 z, off(DI)

// XOR16 writes blocks 1-15 of a batch (block j in v_j) at base.
#define XOR16(base, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) \
	XORBLOCK(base+64, v1); XORBLOCK(base+128, v2); XORBLOCK(base+192, v3); \
	XORBLOCK(base+256, v4); XORBLOCK(base+320, v5); XORBLOCK(base+384, v6); \
	XORBLOCK(base+448, v7); XORBLOCK(base+512, v8); XORBLOCK(base+576, v9); \
	XORBLOCK(base+640, v10); XORBLOCK(base+704, v11); XORBLOCK(base+768, v12); \
	XORBLOCK(base+832, v13); XORBLOCK(base+896, v14); XORBLOCK(base+960, v15)

// SAVE16 stores blocks held in v0..v15 to the buffer.
#define SAVE16(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) \
	VMOVDQU64 v0, BUF+0(SP); VMOVDQU64 v1, BUF+64(SP); \
	VMOVDQU64 v2, BUF+128(SP); VMOVDQU64 v3, BUF+192(SP); \
	VMOVDQU64 v4, BUF+256(SP); VMOVDQU64 v5, BUF+320(SP); \
	VMOVDQU64 v6, BUF+384(SP); VMOVDQU64 v7, BUF+448(SP); \
	VMOVDQU64 v8, BUF+512(SP); VMOVDQU64 v9, BUF+576(SP); \
	VMOVDQU64 v10, BUF+640(SP); VMOVDQU64 v11, BUF+704(SP); \
	VMOVDQU64 v12, BUF+768(SP); VMOVDQU64 v13, BUF+832(SP); \
	VMOVDQU64 v14, BUF+896(SP); VMOVDQU64 v15, BUF+960(SP)

// func xorKeyStreamAVX512(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte)
TEXT ·xorKeyStreamAVX512(SB), 0, $1472-72
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), R9
	MOVQ key+48(FP), AX
	MOVQ nonce+56(FP), BX
	MOVQ polyKey+64(FP), DX

	// Input state: constants, key, (counter), nonce; lane counters 0..31.
	VMOVDQU sigma<>(SB), X0
	VMOVDQU X0, STATE+0(SP)
	VMOVDQU 0(AX), Y0
	VMOVDQU Y0, STATE+16(SP)
	MOVL    $0, STATE+48(SP)
	MOVL    0(BX), AX
	MOVL    AX, STATE+52(SP)
	MOVQ    4(BX), AX
	MOVQ    AX, STATE+56(SP)
	VMOVDQU64 iota<>+0(SB), Z0
	VMOVDQU64 Z0, CTR+0(SP)
	VMOVDQU64 iota<>+64(SB), Z0
	VMOVDQU64 Z0, CTR+64(SP)

	SUBQ $64, DI
	SUBQ $64, SI
	ADDQ $64, R9
	MOVQ $1, R8

loop32:
	// More than 16 blocks left: a zmm pair. A (16 blocks) is always whole.
	CMPQ R9, $1024
	JBE  tail
	PAIR(rounds32, 64, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	ZBLOCKS(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z28, Z29, Z30, Z31)
	TESTQ R8, R8
	JZ    block0data
	VMOVDQU Y0, 0(DX)
	XORQ    R8, R8
	JMP     blocks1to15

block0data:
	XORBLOCK(0, Z0)

blocks1to15:
	XOR16(0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	UNSPILL
	ZBLOCKS(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31, Z0, Z1, Z2, Z3)
	MOVL $32, AX
	VPBROADCASTD AX, Z0
	VPADDD    CTR+0(SP), Z0, Z1
	VMOVDQU64 Z1, CTR+0(SP)
	VPADDD    CTR+64(SP), Z0, Z1
	VMOVDQU64 Z1, CTR+64(SP)
	ADDQ $1024, SI
	ADDQ $1024, DI
	SUBQ $1024, R9
	CMPQ R9, $1024
	JB   partialB
	XORBLOCK(0, Z16)
	XOR16(0, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	ADDQ $1024, SI
	ADDQ $1024, DI
	SUBQ $1024, R9
	JMP  loop32

partialB:
	SAVE16(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	JMP xortail

tail:
	// At most 16 blocks left: one batch of the narrowest width that covers
	// them, into the buffer.
	TESTQ R9, R9
	JZ    done
	CMPQ  R9, $256
	JBE   tail4
	CMPQ  R9, $512
	JBE   tail8
	SINGLE(rounds16, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZBLOCKS(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z20, Z21, Z22, Z23)
	SAVE16(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	JMP xortail

tail8:
	SINGLE(rounds8, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)
	TR16(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15, Y20, Y21, Y22, Y23)
	LANES8(Z0, Z4, Z8, Z12, Z20, Z21)
	LANES8(Z1, Z5, Z9, Z13, Z22, Z23)
	LANES8(Z2, Z6, Z10, Z14, Z20, Z21)
	LANES8(Z3, Z7, Z11, Z15, Z22, Z23)
	VMOVDQU64 Z0, BUF+0(SP)
	VMOVDQU64 Z1, BUF+64(SP)
	VMOVDQU64 Z2, BUF+128(SP)
	VMOVDQU64 Z3, BUF+192(SP)
	VMOVDQU64 Z4, BUF+256(SP)
	VMOVDQU64 Z5, BUF+320(SP)
	VMOVDQU64 Z6, BUF+384(SP)
	VMOVDQU64 Z7, BUF+448(SP)
	JMP xortail

tail4:
	SINGLE(rounds4, X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15)
	TR16(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15, X20, X21, X22, X23)
	LANES4(Z0, X4, X8, X12)
	LANES4(Z1, X5, X9, X13)
	LANES4(Z2, X6, X10, X14)
	LANES4(Z3, X7, X11, X15)
	VMOVDQU64 Z0, BUF+0(SP)
	VMOVDQU64 Z1, BUF+64(SP)
	VMOVDQU64 Z2, BUF+128(SP)
	VMOVDQU64 Z3, BUF+192(SP)

xortail:
	// XOR R9 virtual bytes from the buffer; buffer block 0 is the Poly1305
	// key if it is still pending.
	XORQ  CX, CX
	TESTQ R8, R8
	JZ    xorloop
	VMOVDQU BUF+0(SP), Y0
	VMOVDQU Y0, 0(DX)
	MOVQ    $64, CX

xorloop:
	MOVQ R9, BX
	SUBQ CX, BX
	JZ   done
	CMPQ BX, $64
	JB   partial
	VMOVDQU64 BUF(SP)(CX*1), Z0
	VPXORD    (SI)(CX*1), Z0, Z0
	VMOVDQU64 Z0, (DI)(CX*1)
	ADDQ      $64, CX
	JMP       xorloop

partial:
	// Masked byte loads/stores: bytes past the end are neither read nor written.
	MOVQ       $-1, AX
	BZHIQ      BX, AX, AX
	KMOVQ      AX, K1
	VMOVDQU8.Z (SI)(CX*1), K1, Z1
	VPXORD     BUF(SP)(CX*1), Z1, Z1
	VMOVDQU8   Z1, K1, (DI)(CX*1)

done:
	VZEROUPPER
	RET

DATA sigma<>+0(SB)/4, $0x61707865
DATA sigma<>+4(SB)/4, $0x3320646e
DATA sigma<>+8(SB)/4, $0x79622d32
DATA sigma<>+12(SB)/4, $0x6b206574
GLOBL sigma<>(SB), RODATA|NOPTR, $16

DATA iota<>+0(SB)/4, $0
DATA iota<>+4(SB)/4, $1
DATA iota<>+8(SB)/4, $2
DATA iota<>+12(SB)/4, $3
DATA iota<>+16(SB)/4, $4
DATA iota<>+20(SB)/4, $5
DATA iota<>+24(SB)/4, $6
DATA iota<>+28(SB)/4, $7
DATA iota<>+32(SB)/4, $8
DATA iota<>+36(SB)/4, $9
DATA iota<>+40(SB)/4, $10
DATA iota<>+44(SB)/4, $11
DATA iota<>+48(SB)/4, $12
DATA iota<>+52(SB)/4, $13
DATA iota<>+56(SB)/4, $14
DATA iota<>+60(SB)/4, $15
DATA iota<>+64(SB)/4, $16
DATA iota<>+68(SB)/4, $17
DATA iota<>+72(SB)/4, $18
DATA iota<>+76(SB)/4, $19
DATA iota<>+80(SB)/4, $20
DATA iota<>+84(SB)/4, $21
DATA iota<>+88(SB)/4, $22
DATA iota<>+92(SB)/4, $23
DATA iota<>+96(SB)/4, $24
DATA iota<>+100(SB)/4, $25
DATA iota<>+104(SB)/4, $26
DATA iota<>+108(SB)/4, $27
DATA iota<>+112(SB)/4, $28
DATA iota<>+116(SB)/4, $29
DATA iota<>+120(SB)/4, $30
DATA iota<>+124(SB)/4, $31
GLOBL iota<>(SB), RODATA|NOPTR, $128
