# shellcheck shell=bash disable=SC2034 # the R_* arrays are read by report.sh
# Helpers for bench/run.sh: processes, namespaces and measurements.
# Sourced by run.sh; relies on its globals (OUT, LOGS, PIDS, ...).

declare -A R_STATUS R_REASON R_TP1 R_TP4 R_BYTES1 R_PAVG R_P99 R_CPU R_EFF R_RSSA R_RSSB
CASE_ORDER=()
CASE_PIDS=()
NS_A="" NS_B=""
LAST_PID=""
FG_PID=""
export LC_ALL=C

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

ensure_pkg() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null 2>&1 && return 0
	if ((APT_UPDATED == 0)); then
		log "apt-get update (missing $cmd)"
		timeout 300 apt-get update >"$LOGS/apt.log" 2>&1 || log "apt-get update failed"
		APT_UPDATED=1
	fi
	log "installing $pkg"
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y "$pkg" >>"$LOGS/apt.log" 2>&1 ||
		die "apt-get install $pkg failed, see $LOGS/apt.log"
}

set_status() { R_STATUS[$1]=$2 R_REASON[$1]=${3:-}; }

# start_in runs a command in the background inside a namespace. ip netns exec
# and env both exec, so $! is the process itself: its /proc entry is the
# tunnel's CPU and memory.
start_in() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" >"$logf" 2>&1 9>&- &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
	CASE_PIDS+=("$LAST_PID")
}

alive() { kill -0 "$1" 2>/dev/null; }

# stop_pids sends SIGTERM, gives the processes 3 s, then SIGKILL.
stop_pids() {
	local p i
	for p in "$@"; do alive "$p" && kill -TERM "$p" 2>/dev/null; done
	for ((i = 0; i < 30; i++)); do
		local any=0
		for p in "$@"; do
			if alive "$p" && [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) != Z ]]; then any=1; fi
		done
		((any)) || break
		sleep 0.1
	done
	for p in "$@"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
	return 0
}

# ns_pair makes two fresh namespaces joined by a veth created from inside the
# first one, so no interface ever exists on the host.
ns_pair() {
	NS_COUNT=$((NS_COUNT + 1))
	NS_A="${TAG}-${NS_COUNT}a" NS_B="${TAG}-${NS_COUNT}b"
	ip netns add "$NS_A" && NAMESPACES+=("$NS_A") || return 1
	ip netns add "$NS_B" && NAMESPACES+=("$NS_B") || return 1
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B" || return 1
	ip -n "$NS_A" addr add "$VETH_A/24" dev veth0 &&
		ip -n "$NS_B" addr add "$VETH_B/24" dev veth0 &&
		ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
		ip -n "$NS_A" link set veth0 up && ip -n "$NS_B" link set veth0 up
}

del_ns() {
	local ns=$1 p pids
	pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
	# Processes left in a namespace this script created were started by it.
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	return 0
}

teardown_case() {
	stop_pids "${CASE_PIDS[@]}"
	CASE_PIDS=()
	del_ns "$NS_A"
	del_ns "$NS_B"
}

cleanup() {
	local rc=$? ns
	trap - EXIT INT TERM
	stop_pids ${FG_PID:+"$FG_PID"} "${PIDS[@]}"
	for ns in "${NAMESPACES[@]}"; do del_ns "$ns"; done
	# This run's throwaway keys and the files holding them.
	rm -f "$OUT/keys/$TAG"-*.key "$OUT/conf/tt$$"*.conf
	exit "$rc"
}

# wait_link waits until a device appears in a namespace or its process dies.
wait_link() {
	local ns=$1 dev=$2 pid=$3 i
	for ((i = 0; i < UP_TIMEOUT * 10; i++)); do
		ip -n "$ns" link show "$dev" >/dev/null 2>&1 && return 0
		alive "$pid" || return 1
		sleep 0.1
	done
	return 1
}

# wait_ping succeeds once one ping crosses the tunnel; it gives up after
# UP_TIMEOUT seconds or as soon as a tunnel process has exited.
wait_ping() {
	local ns=$1 ip=$2 p deadline
	shift 2
	deadline=$((SECONDS + UP_TIMEOUT))
	while ((SECONDS < deadline)); do
		ip netns exec "$ns" ping -n -c 1 -W 1 "$ip" >/dev/null 2>&1 && return 0
		for p in "$@"; do alive "$p" || return 1; done
		sleep 0.2
	done
	return 1
}

# cpu_ticks sums utime+stime (all threads) of the given processes.
cpu_ticks() {
	local p line rest total=0
	for p in "$@"; do
		read -r line <"/proc/$p/stat" || continue
		rest=${line##*) }
		read -r -a f <<<"$rest"
		total=$((total + f[11] + f[12]))
	done
	echo "$total"
}

vmhwm_mb() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }

# iperf_sum prints "bytes bits_per_second" received, from iperf3 -J output.
iperf_sum() {
	awk '/"sum_received"/ {f = 1}
		f && $1 == "\"bytes\":" {gsub(/,/, "", $2); b = $2}
		f && $1 == "\"bits_per_second\":" {gsub(/,/, "", $2); print b, $2; exit}' "$1"
}

# bounded runs a command under timeout in the background and waits for it:
# bash runs a trap only between commands, and `wait` is the one command a
# signal interrupts, so Ctrl-C or SIGTERM cleans up at once.
bounded() {
	local secs=$1 out=$2
	shift 2
	timeout "$secs" "$@" >"$out" 2>&1 9>&- &
	FG_PID=$!
	wait "$FG_PID"
	local rc=$?
	FG_PID=""
	return "$rc"
}

iperf_run() {
	local ip=$1 streams=$2 out=$3
	bounded $((DURATION + 30)) "$out" ip netns exec "$NS_A" iperf3 -c "$ip" -t "$DURATION" \
		-P "$streams" -J --connect-timeout 5000
}

wait_listen() {
	local ns=$1 port=$2 i
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# ping_stats prints "avg p99" in ms from the per-packet RTTs in a ping log.
ping_stats() {
	local rtts="${1%.log}-rtts.txt"
	awk -F'time=' 'NF > 1 {split($2, a, " "); print a[1]}' "$1" | sort -g >"$rtts"
	awk '{v[NR] = $1; s += $1}
		END {if (NR == 0) exit 1; i = int(NR * 0.99); if (i < NR * 0.99) i++; if (i < 1) i = 1
			printf "%.3f %.3f\n", s / NR, v[i]}' "$rtts"
}

calc() { awk "BEGIN {printf \"$1\", $2}"; }

# measure runs the iperf3 and ping suite from NS_A to ip in NS_B. The given
# pids are the tunnel processes whose CPU and memory are counted.
measure() {
	local c=$1 ip=$2
	shift 2
	local t0 t1
	start_in "$NS_B" "$LOGS/$c-iperf-server.log" iperf3 -s -p 5201
	wait_listen "$NS_B" 5201 || {
		set_status "$c" FAIL "iperf3 server did not start"
		return
	}
	t0=$(cpu_ticks "$@")
	iperf_run "$ip" 1 "$LOGS/$c-iperf-P1.json"
	t1=$(cpu_ticks "$@")
	iperf_run "$ip" 4 "$LOGS/$c-iperf-P4.json"
	bounded $((PINGS / 10 + 20)) "$LOGS/$c-ping.log" ip netns exec "$NS_A" ping -n -c "$PINGS" -i 0.01 -W 1 "$ip"
	record "$c" "$(iperf_sum "$LOGS/$c-iperf-P1.json")" "$(iperf_sum "$LOGS/$c-iperf-P4.json")" \
		"$LOGS/$c-iperf-*.json" "$((t1 - t0))" "$@"
}

# record stores one case's figures. r1 and r4 are "bytes bits_per_second"
# of the 1- and 4-stream runs, ticks the tunnel's CPU during the 1-stream
# run, then the tunnel pids (none for veth).
record() {
	local c=$1 r1=$2 r4=$3 where=$4 ticks=$5 bps1 pst
	shift 5
	if [[ -z $r1 || -z $r4 ]]; then
		set_status "$c" FAIL "throughput run failed, see $where"
		return
	fi
	read -r "R_BYTES1[$c]" bps1 <<<"$r1"
	R_TP1[$c]=$(calc "%.3f" "$bps1 / 1e9")
	R_TP4[$c]=$(calc "%.3f" "$(cut -d' ' -f2 <<<"$r4") / 1e9")
	pst=$(ping_stats "$LOGS/$c-ping.log")
	if [[ -n $pst ]]; then read -r "R_PAVG[$c]" "R_P99[$c]" <<<"$pst"; fi
	if (($# > 0)); then
		R_CPU[$c]=$(calc "%.2f" "$ticks / $HZ")
		if ((ticks > 0)); then
			R_EFF[$c]=$(calc "%.3f" "${R_BYTES1[$c]} * 8 / 1e9 / ($ticks / $HZ)")
		fi
		R_RSSA[$c]=$(vmhwm_mb "$1")
		R_RSSB[$c]=$(vmhwm_mb "${2:-$1}")
	fi
	set_status "$c" ok
}
