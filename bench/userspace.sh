# shellcheck shell=bash
# The tuntap-userspace case: NS_A runs tuntap's user-space network stack (no
# TUN device) reached through its SOCKS5 proxy, NS_B a normal TUN-mode
# tuntap. iperf3 and ping cannot use a proxy, so bench/socksperf stands in:
# a sink in NS_B, bulk sends and 1-byte round trips from NS_A.

SOCKS=127.0.0.1:1080
SINK_PORT=5202

case_tuntap_userspace() {
	local c=$1 net=10.78.6 pa pb help
	# up --help exits 2 (pipefail would hide a match) and Go's flag package
	# prints flags with one dash.
	help=$([[ -x $TUNTAP ]] && timeout 5 "$TUNTAP" up --help 2>&1)
	if [[ $help != *-userspace* || $help != *-socks5* ]]; then
		set_status "$c" SKIP "tuntap up has no --userspace/--socks5 yet"
		return
	fi
	[[ -x $OUT/socksperf ]] || {
		set_status "$c" FAIL "bench/socksperf did not build"
		return
	}
	tt_confs "$c" tun user "$net" || return
	# NS_A has /dev/net/tun, so the stack must be asked for.
	start_in "$NS_A" "$LOGS/$c-a.log" "$TUNTAP" up --userspace --socks5 "$SOCKS" "$TT_FA"
	pa=$LAST_PID
	start_in "$NS_B" "$LOGS/$c-b.log" "$TUNTAP" up "$TT_FB"
	pb=$LAST_PID
	start_in "$NS_B" "$LOGS/$c-sink.log" "$OUT/socksperf" sink -listen ":$SINK_PORT" \
		-max "$((DURATION * 2 + PINGS / 10 + 300))s"
	socks_up "$c" "$net.2:$SINK_PORT" "$pa" "$pb" || return
	measure_socks "$c" "$net.2:$SINK_PORT" "$pa" "$pb"
}

socksperf_in_a() {
	local secs=$1 out=$2
	shift 2
	bounded "$secs" "$out" ip netns exec "$NS_A" "$OUT/socksperf" "$@" -socks5 "$SOCKS"
}

# socks_up waits until one round trip crosses proxy and tunnel.
socks_up() {
	local c=$1 to=$2 p deadline
	shift 2
	deadline=$((SECONDS + UP_TIMEOUT))
	while ((SECONDS < deadline)); do
		socksperf_in_a 5 "$LOGS/$c-probe.log" rtt -n 1 -to "$to" && return 0
		for p in "$@"; do alive "$p" || break 2; done
		sleep 0.2
	done
	set_status "$c" FAIL "no round trip through the SOCKS5 proxy within ${UP_TIMEOUT}s; logs: $LOGS/$c-*.log"
	return 1
}

# socks_sum turns socksperf's "bytes=N seconds=S" into "bytes bits_per_second".
socks_sum() {
	awk -F'[= ]' '/^bytes=/ && $4 > 0 {printf "%s %.0f\n", $2, $2 * 8 / $4}' "$1" 2>/dev/null
}

measure_socks() {
	local c=$1 to=$2 t0 t1
	shift 2
	t0=$(cpu_ticks "$@")
	socksperf_in_a $((DURATION + 30)) "$LOGS/$c-send-P1.log" send -to "$to" -t "${DURATION}s" -P 1
	t1=$(cpu_ticks "$@")
	socksperf_in_a $((DURATION + 30)) "$LOGS/$c-send-P4.log" send -to "$to" -t "${DURATION}s" -P 4
	socksperf_in_a $((PINGS / 10 + 30)) "$LOGS/$c-ping.log" rtt -n "$PINGS" -to "$to"
	record "$c" "$(socks_sum "$LOGS/$c-send-P1.log")" "$(socks_sum "$LOGS/$c-send-P4.log")" \
		"$LOGS/$c-send-*.log" "$((t1 - t0))" "$@"
}
