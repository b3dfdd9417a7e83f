#!/usr/bin/env bash
# Memory over a long transfer: one tuntap-tun tunnel between two fresh
# network namespaces, the resident memory (VmRSS) of both tunnel processes
# sampled idle and then every INTERVAL seconds during one iperf3 TCP stream
# of SOAK seconds. Reports the growth after a WARMUP: flat memory means the
# data path allocates nothing per packet and holds no growing state.
#
#   sudo bench/soak.sh                   # 600 s transfer
#   sudo SOAK=300 bench/soak.sh
#   env: SOAK (600), INTERVAL (10), WARMUP (60), TUNTAP (binary to test)
# Writes bench/out/soak.tsv (time, rss a, rss b in KB) and prints a summary.
# shellcheck source-path=SCRIPTDIR
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
LOGS="$OUT/logs"
SOAK=${SOAK:-600}
INTERVAL=${INTERVAL:-10}
WARMUP=${WARMUP:-60}
UP_TIMEOUT=${UP_TIMEOUT:-10}
LOCK_WAIT=${LOCK_WAIT:-900}
TUNTAP_GIVEN=${TUNTAP:+1}
TUNTAP=${TUNTAP:-$OUT/tuntap}
TAG="tts$$"
VETH_A=10.77.0.1 VETH_B=10.77.0.2
PIDS=() NAMESPACES=() NS_COUNT=0 APT_UPDATED=0

source "$BENCH_DIR/lib.sh"
source "$BENCH_DIR/cases.sh"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

main() {
	[[ $(id -u) -eq 0 ]] || die "run as root (needs network namespaces)"
	for v in SOAK INTERVAL WARMUP; do
		[[ ${!v} =~ ^[0-9]+$ && ${!v} -ge 1 ]] || die "$v must be a positive integer"
	done
	((SOAK > WARMUP)) || die "SOAK must be longer than WARMUP"
	mkdir -p "$OUT" "$LOGS" "$OUT/keys" "$OUT/conf"
	chmod 700 "$OUT/keys" "$OUT/conf"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	exec 9>"$OUT/.lock"
	flock -w "$LOCK_WAIT" 9 || die "a bench run holds $OUT/.lock"
	ensure_pkg iperf3 iperf3
	ensure_pkg wg wireguard-tools
	build
	ns_pair || die "namespace setup failed"
	tt_confs soak tun tun 10.78.4 || die "config failed"
	start_in "$NS_A" "$LOGS/soak-a.log" "$TUNTAP" up "$TT_FA"
	local pa=$LAST_PID
	start_in "$NS_B" "$LOGS/soak-b.log" "$TUNTAP" up "$TT_FB"
	local pb=$LAST_PID
	wait_ping "$NS_A" 10.78.4.2 "$pa" "$pb" || die "no ping through the tunnel; logs: $LOGS/soak-*.log"
	sleep 5
	local idle_a idle_b
	idle_a=$(rss_kb "$pa") idle_b=$(rss_kb "$pb")
	start_in "$NS_B" "$LOGS/soak-iperf-server.log" iperf3 -s -p 5201
	wait_listen "$NS_B" 5201 || die "iperf3 server did not start"
	start_in "$NS_A" "$LOGS/soak-iperf.log" iperf3 -c 10.78.4.2 -t "$SOAK" -i 0 -f g
	local client=$LAST_PID t=0
	log "idle: a ${idle_a} KB, b ${idle_b} KB; sampling every ${INTERVAL}s for ${SOAK}s"
	printf 't_s\trss_a_kb\trss_b_kb\n' >"$OUT/soak.tsv"
	while ((t < SOAK)) && alive "$client"; do
		sleep "$INTERVAL"
		t=$((t + INTERVAL))
		printf '%s\t%s\t%s\n' "$t" "$(rss_kb "$pa")" "$(rss_kb "$pb")" | tee -a "$OUT/soak.tsv"
	done
	wait "$client" 2>/dev/null
	if ! alive "$pa" || ! alive "$pb"; then die "a tunnel process died; logs: $LOGS/soak-*.log"; fi
	summary "$idle_a" "$idle_b"
	grep -E 'receiver|sender' "$LOGS/soak-iperf.log" | tail -n 2
}

build() {
	[[ -n $TUNTAP_GIVEN ]] && return 0
	cd "$REPO" || die "no repo at $REPO"
	log "building tuntap"
	bounded 600 "$LOGS/tuntap-build.log" go build -o "$OUT/tuntap.new" ./cmd/tuntap ||
		die "tuntap build failed, see $LOGS/tuntap-build.log"
	mv "$OUT/tuntap.new" "$OUT/tuntap"
}

# summary compares the samples after WARMUP: first, last, min, max per end.
summary() {
	awk -v w="$WARMUP" -v ia="$1" -v ib="$2" -F'\t' '
		NR > 1 && $1 >= w && $2 != "" && $3 != "" {
			if (!n++) {fa = $2; fb = $3; mina = maxa = $2; minb = maxb = $3}
			la = $2; lb = $3
			if ($2 < mina) mina = $2; if ($2 > maxa) maxa = $2
			if ($3 < minb) minb = $3; if ($3 > maxb) maxb = $3
		}
		END {
			if (!n) {print "no samples after warm-up"; exit 1}
			printf "idle RSS MB          a %.1f  b %.1f\n", ia / 1024, ib / 1024
			printf "after %ds warm-up: %d samples\n", w, n
			printf "first/last RSS MB    a %.1f -> %.1f  b %.1f -> %.1f\n", fa / 1024, la / 1024, fb / 1024, lb / 1024
			printf "growth first->last   a %+.1f MB  b %+.1f MB\n", (la - fa) / 1024, (lb - fb) / 1024
			printf "range (max-min)      a %.1f MB  b %.1f MB\n", (maxa - mina) / 1024, (maxb - minb) / 1024
		}' "$OUT/soak.tsv"
}

main "$@"
exit
