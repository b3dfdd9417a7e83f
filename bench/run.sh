#!/usr/bin/env bash
# Side-by-side tunnel benchmark: the same iperf3 and ping runs through each
# tunnel between two network namespaces joined by a veth. Everything it starts
# lives in namespaces it creates; the host's interfaces, routes and firewall
# are never touched. See bench/README.md.
# shellcheck source-path=SCRIPTDIR
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
LOG_ROOT="$OUT/logs"
LOGS=$LOG_ROOT # each round's case logs go to $LOG_ROOT/round-N
BIN="$OUT/bin"
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CASES=${CASES:-"veth wireguard-go openvpn-tun openvpn-tap tuntap-tun tuntap-tap tuntap-userspace"}
UP_TIMEOUT=${UP_TIMEOUT:-10}
LOCK_WAIT=${LOCK_WAIT:-900}
PINGS=${PINGS:-200}
TUNTAP_GIVEN=${TUNTAP:+1}
TUNTAP=${TUNTAP:-$OUT/tuntap}
WIREGUARD_GO=${WIREGUARD_GO:-$BIN/wireguard}
TAG="ttb$$"
HZ=$(getconf CLK_TCK)

# Addresses exist only inside the benchmark's namespaces.
VETH_A=10.77.0.1 VETH_B=10.77.0.2

PIDS=()        # every background process started, killed on exit
NAMESPACES=()  # every namespace created, deleted on exit
NS_COUNT=0
APT_UPDATED=0

source "$BENCH_DIR/lib.sh"
source "$BENCH_DIR/cases.sh"
source "$BENCH_DIR/userspace.sh"
source "$BENCH_DIR/report.sh"

usage() {
	cat <<USAGE
usage: bench/run.sh [-d SECONDS] [-r ROUNDS] [CASE...]
  cases: veth wireguard-go openvpn-tun openvpn-tap tuntap-tun tuntap-tap tuntap-userspace
  env:   CASES="..." (default all), DURATION (10, per measurement), ROUNDS (3: the whole
         case list runs that many times, interleaved), PINGS (200), UP_TIMEOUT (10),
         TUNTAP (binary to test, default bench/out/tuntap built from ./cmd/tuntap)
USAGE
}

main() {
	while getopts "d:r:h" opt; do
		case $opt in
		d) DURATION=$OPTARG ;;
		r) ROUNDS=$OPTARG ;;
		h)
			usage
			exit 0
			;;
		*)
			usage >&2
			exit 2
			;;
		esac
	done
	shift $((OPTIND - 1))
	(($# > 0)) && CASES="$*"
	[[ $(id -u) -eq 0 ]] || die "run as root (needs network namespaces)"
	[[ $DURATION =~ ^[0-9]+$ && $DURATION -ge 1 ]] || die "DURATION must be a positive integer"
	[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 && $ROUNDS -le 100 ]] || die "ROUNDS must be an integer from 1 to 100"
	local names
	read -r -a names <<<"$CASES"
	set_cases "${names[@]}"
	mkdir -p "$OUT" "$LOG_ROOT" "$BIN" "$OUT/keys" "$OUT/conf"
	chmod 700 "$OUT/keys" "$OUT/conf"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	lock
	ensure_tools
	run_rounds
	summarize
	write_json "$OUT/results.json"
	print_table
	if [[ -x $OUT/chart ]] && "$OUT/chart" "$OUT/results.json" "$OUT/chart.svg"; then
		log "wrote $OUT/results.json and $OUT/chart.svg"
	else
		log "chart failed, see $LOGS/helpers-build.log; wrote $OUT/results.json"
	fi
}

# set_cases fills CASE_ORDER with the named cases, each once. Names are
# checked only for their characters here: an unknown case is reported FAIL.
set_cases() {
	local c k
	(($# > 0)) || die "no cases given"
	for c in "$@"; do
		[[ $c =~ ^[A-Za-z0-9._-]+$ ]] || die "bad case name: $c"
		for k in "${CASE_ORDER[@]}"; do [[ $k == "$c" ]] && continue 2; done
		CASE_ORDER+=("$c")
	done
}

# run_rounds runs the whole case list ROUNDS times, round by round, so that
# a slow drift of the shared machine hits every case alike.
run_rounds() {
	local r c
	rm -rf "$LOG_ROOT"/round-[0-9]*
	for ((r = 1; r <= ROUNDS; r++)); do
		LOGS="$LOG_ROOT/round-$r"
		mkdir -p "$LOGS"
		log "round $r of $ROUNDS"
		for c in "${CASE_ORDER[@]}"; do
			run_case "$c" "$r"
			save_round "$c" "$r"
		done
	done
	LOGS=$LOG_ROOT
}

# lock keeps runs from overlapping: they would share bench/out and the two
# cores, and both would measure nonsense.
lock() {
	exec 9>"$OUT/.lock"
	flock -n 9 && return 0
	log "another bench run holds $OUT/.lock; waiting up to ${LOCK_WAIT}s"
	flock -w "$LOCK_WAIT" 9 || die "another bench run is still going after ${LOCK_WAIT}s"
}

ensure_tools() {
	ensure_pkg iperf3 iperf3
	ensure_pkg ping iputils-ping
	ensure_pkg openvpn openvpn
	ensure_pkg openssl openssl
	ensure_pkg wg wireguard-tools
	ensure_pkg ip iproute2
	ensure_pkg ss iproute2
	command -v go >/dev/null 2>&1 || die "needs the Go toolchain (go) on PATH"
	cd "$REPO" || die "no repo at $REPO"
	if [[ ! -x $WIREGUARD_GO ]]; then
		log "installing wireguard-go into $BIN"
		bounded 600 "$LOGS/wireguard-go-install.log" env GOBIN="$BIN" go install golang.zx2c4.com/wireguard@latest ||
			log "wireguard-go install failed, see $LOGS/wireguard-go-install.log"
	fi
	rm -f "$OUT/chart" "$OUT/socksperf"
	bounded 300 "$LOGS/helpers-build.log" go build -o "$OUT/" ./bench/chart ./bench/socksperf ||
		log "building bench/chart and bench/socksperf failed, see $LOGS/helpers-build.log"
	[[ -n $TUNTAP_GIVEN ]] && return 0
	log "building tuntap"
	rm -f "$OUT/tuntap.new"
	if bounded 600 "$LOGS/tuntap-build.log" go build -o "$OUT/tuntap.new" ./cmd/tuntap; then
		mv "$OUT/tuntap.new" "$OUT/tuntap"
	else
		log "tuntap build failed (see $LOGS/tuntap-build.log); tuntap cases will FAIL"
		rm -f "$OUT/tuntap"
	fi
}

# run_case runs one case in a fresh pair of namespaces and always tears them
# down, so one case's failure cannot leak into the next.
run_case() {
	local c=$1 r=$2 fn
	case $c in
	veth) fn=case_veth ;;
	wireguard-go) fn=case_wireguard_go ;;
	openvpn-tun) fn="case_openvpn tun" ;;
	openvpn-tap) fn="case_openvpn tap" ;;
	tuntap-tun) fn="case_tuntap tun" ;;
	tuntap-tap) fn="case_tuntap tap" ;;
	tuntap-userspace) fn=case_tuntap_userspace ;;
	*)
		set_status "$c" FAIL "unknown case"
		return
		;;
	esac
	log "case $c (round $r of $ROUNDS)"
	CASE_PIDS=()
	ns_pair || {
		set_status "$c" FAIL "namespace setup failed"
		return
	}
	$fn "$c"
	teardown_case
	log "case $c: ${R_STATUS[$c]}${R_REASON[$c]:+ (${R_REASON[$c]})}"
}

main "$@"; exit
