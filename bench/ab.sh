#!/usr/bin/env bash
# Same-run A/B of two tuntap binaries: bench/run.sh on one case, the two
# binaries alternating (A B A B ...), so that the machine's drift hits both
# alike. Prints each run and the ratio B/A of the medians.
#
#   sudo bench/ab.sh OLD_BINARY NEW_BINARY [REPS]     (REPS default 3)
#   env: CASE (tuntap-tun), DURATION (8), and run.sh's own variables.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
(($# >= 2)) || {
	echo "usage: bench/ab.sh OLD_BINARY NEW_BINARY [REPS]" >&2
	exit 2
}
A=$(realpath "$1") B=$(realpath "$2") REPS=${3:-3}
CASE=${CASE:-tuntap-tun}
export DURATION=${DURATION:-8}
# Each A or B run is one round: ab.sh does its own alternation.
export ROUNDS=${ROUNDS:-1}
RES=$(mktemp -d)
trap 'rm -rf "$RES"' EXIT

# busy_pct prints the machine's busy share over one second, from /proc/stat.
busy_pct() {
	local a b
	a=$(awk '/^cpu / {print $2+$3+$4+$7+$8, $5+$6}' /proc/stat)
	sleep 1
	b=$(awk '/^cpu / {print $2+$3+$4+$7+$8, $5+$6}' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {split(a, x); split(b, y); t = y[1] - x[1] + y[2] - x[2]; print (t > 0) ? int(100 * (y[1] - x[1]) / t) : 0}'
}

# wait_quiet waits (up to 120 s) until other work on this shared machine
# leaves it mostly idle, so that a run does not start in someone's build.
wait_quiet() {
	local i
	for ((i = 0; i < 60; i++)); do
		(($(busy_pct) < 20)) && return 0
		sleep 1
	done
}

# one runs a case with a binary and appends its figures to $RES/$2.
one() {
	local bin=$1 tag=$2 j="$BENCH_DIR/out/results.json"
	rm -f "$j"
	wait_quiet
	TUNTAP=$bin CASES=$CASE bash "$BENCH_DIR/run.sh" >"$RES/last.log" 2>&1
	[[ -s $j ]] && jq -r --arg c "$CASE" '.cases[] | select(.name == $c and .status == "ok") |
		"\(.tcp_1stream_gbps) \(.tcp_4stream_gbps) \(.gbit_per_cpu_second) \(.ping_avg_ms) \(.ping_p99_ms)"' "$j" >>"$RES/$tag"
	tail -n 1 "$RES/$tag" | sed "s/^/$tag: /"
}

echo "fields: 1-stream Gb/s, 4-stream Gb/s, Gbit/CPU-s, ping avg ms, ping p99 ms"
for ((i = 1; i <= REPS; i++)); do
	one "$A" A
	one "$B" B
done

# median of column k of a file
median() { awk -v k="$2" '{print $k}' "$1" | sort -g | awk '{v[NR] = $1} END {if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

names=("1-stream" "4-stream" "Gbit/CPU-s" "ping avg" "ping p99")
for k in 1 2 3 4 5; do
	a=$(median "$RES/A" "$k") b=$(median "$RES/B" "$k")
	awk -v n="${names[k - 1]}" -v a="$a" -v b="$b" 'BEGIN {printf "%-11s A %7.3f  B %7.3f  B/A %.3f\n", n, a, b, (a > 0) ? b / a : 0}'
done
