# shellcheck shell=bash
# Results of bench/run.sh over ROUNDS rounds, as JSON and as a table.
#
# run_case fills the R_* arrays (lib.sh) for one case in one round;
# save_round moves them into P["case/round/key"]. summarize then computes
# each round's ratios from that round's figures only (same round, same
# machine conditions) and puts "median min max n" over the rounds that were
# ok into SUM["case/key"], for every figure and every ratio.

declare -A P SUM

# Figures: key, the R_* array record fills, the format of their median, and
# the JSON name.
FIG_KEYS=(tp1 tp4 bytes1 pavg p99 cpu eff rssa rssb)
FIG_ARRS=(R_TP1 R_TP4 R_BYTES1 R_PAVG R_P99 R_CPU R_EFF R_RSSA R_RSSB)
FIG_FMTS=(%.3f %.3f %.0f %.3f %.3f %.2f %.3f %.1f %.1f)
FIG_JSON=(tcp_1stream_gbps tcp_4stream_gbps bytes_1stream ping_avg_ms ping_p99_ms
	cpu_seconds_1stream gbit_per_cpu_second peak_rss_mb_a peak_rss_mb_b)
# Ratio groups: wg (vs wireguard-go), ov (vs OpenVPN of the same layer),
# veth (vs no tunnel), tun (vs tuntap's own tun mode: the tap target).
RATIO_GROUPS="wg ov veth tun"

ratio_keys() { if [[ $1 == veth ]]; then echo "tp1 tp4"; else echo "tp1 tp4 eff"; fi; }
ratio_json() { case $1 in tp1) echo tcp_1stream ;; tp4) echo tcp_4stream ;; *) echo gbit_per_cpu_second ;; esac }
group_json() { case $1 in wg) echo vs_wireguard_go ;; ov) echo vs_openvpn ;; tun) echo vs_tuntap_tun ;; *) echo vs_veth ;; esac }

# ref_case prints the case that group g compares case c against: a TAP
# tunnel is compared with OpenVPN's TAP mode, everything else with TUN.
ref_case() {
	case $1 in
	wg) echo wireguard-go ;;
	veth) echo veth ;;
	tun) echo tuntap-tun ;;
	*) if [[ $2 == *-tap ]]; then echo openvpn-tap; else echo openvpn-tun; fi ;;
	esac
}

# ratio prints a/b with two decimals, or nothing when either is missing.
ratio() {
	[[ -n ${1:-} && -n ${2:-} ]] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b}'
}

# save_round keeps case c's figures of round r (only if it was ok) and
# clears the R_* arrays for the next case.
save_round() {
	local c=$1 r=$2 i ref
	P["$c/$r/status"]=${R_STATUS[$c]:-FAIL}
	P["$c/$r/reason"]=${R_REASON[$c]:-}
	if [[ ${P["$c/$r/status"]} == ok ]]; then
		for i in "${!FIG_KEYS[@]}"; do
			ref="${FIG_ARRS[i]}[$c]"
			P["$c/$r/${FIG_KEYS[i]}"]=${!ref:-}
		done
	fi
	R_STATUS=() R_REASON=() R_TP1=() R_TP4=() R_BYTES1=() R_PAVG=() R_P99=() R_CPU=() R_EFF=() R_RSSA=() R_RSSB=()
}

# stats prints "median min max n" of the numbers on stdin in format fmt, or
# nothing when there are none. An even count's median is the mean of the
# middle two.
stats() {
	grep -E '^-?[0-9]+(\.[0-9]+)?$' | sort -g | awk -v f="$1" '{v[++n] = $1}
		END {if (!n) exit; m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf f " " f " " f " %d\n", m, v[1], v[n], n}'
}

# round_vals prints case c's value of key k in every round that was ok.
round_vals() {
	local r
	for ((r = 1; r <= ROUNDS; r++)); do
		[[ ${P["$1/$r/status"]:-} == ok ]] && printf '%s\n' "${P["$1/$r/$2"]:-}"
	done
	return 0
}

summarize() {
	local c r i g k ref
	for c in "${CASE_ORDER[@]}"; do
		for ((r = 1; r <= ROUNDS; r++)); do
			for g in $RATIO_GROUPS; do
				ref=$(ref_case "$g" "$c")
				[[ ${P["$c/$r/status"]:-} == ok && ${P["$ref/$r/status"]:-} == ok ]] || continue
				for k in $(ratio_keys "$g"); do
					P["$c/$r/x_${g}_$k"]=$(ratio "${P["$c/$r/$k"]:-}" "${P["$ref/$r/$k"]:-}")
				done
			done
		done
		for i in "${!FIG_KEYS[@]}"; do
			SUM["$c/${FIG_KEYS[i]}"]=$(round_vals "$c" "${FIG_KEYS[i]}" | stats "${FIG_FMTS[i]}")
		done
		for g in $RATIO_GROUPS; do
			for k in $(ratio_keys "$g"); do
				SUM["$c/x_${g}_$k"]=$(round_vals "$c" "x_${g}_$k" | stats %.2f)
			done
		done
		case_status "$c"
	done
}

# case_status sets SUM[c/status]: ok when every round was ok, "ok K/N" when
# only K were, else FAIL (or SKIP if no round failed); SUM[c/reason] lists
# each distinct reason once with the rounds it came from.
case_status() {
	local c=$1 r st why rs word ok=0 fail=0 reason="" order=()
	local -A seen=()
	for ((r = 1; r <= ROUNDS; r++)); do
		st=${P["$c/$r/status"]:-FAIL} why=${P["$c/$r/reason"]:-}
		[[ $st == ok ]] && ok=$((ok + 1))
		[[ $st == FAIL ]] && fail=$((fail + 1))
		[[ -n $why ]] || continue
		[[ -n ${seen[$why]:-} ]] || order+=("$why")
		seen[$why]+="${seen[$why]:+,}$r"
	done
	if ((ok == ROUNDS)); then
		st=ok
	elif ((ok > 0)); then
		st="ok $ok/$ROUNDS"
	elif ((fail > 0)); then
		st=FAIL
	else
		st=SKIP
	fi
	for why in "${order[@]}"; do
		rs=${seen[$why]} word=round
		[[ $rs == *,* ]] && word=rounds
		((ROUNDS > 1)) && why="$word $rs: $why"
		reason+="${reason:+; }$why"
	done
	SUM["$c/status"]=$st SUM["$c/rounds_ok"]=$ok SUM["$c/reason"]=$reason
}

json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/ }
	printf '"%s"' "${s//$'\n'/ }"
}

json_num() { if [[ -n ${1:-} ]]; then printf '%s' "$1"; else printf null; fi; }

tool_version() { timeout 5 "$@" 2>&1 | head -n 1; }

# val prints case c's key k: round r's value or, without r, the median.
val() {
	if [[ -n ${3:-} ]]; then
		printf '%s' "${P["$1/$3/$2"]:-}"
	else
		local s=${SUM["$1/$2"]:-}
		printf '%s' "${s%% *}"
	fi
}

# figures_json prints the figure and ratio fields of case c: round r's, or
# without r the medians. The field names are those of a one-round run.
figures_json() {
	local c=$1 r=${2:-} in=${3:-     } g k sep
	printf '%s"tcp_1stream_gbps": %s, "tcp_4stream_gbps": %s, "bytes_1stream": %s,\n' "$in" \
		"$(json_num "$(val "$c" tp1 "$r")")" "$(json_num "$(val "$c" tp4 "$r")")" "$(json_num "$(val "$c" bytes1 "$r")")"
	printf '%s"ping_avg_ms": %s, "ping_p99_ms": %s,\n' "$in" \
		"$(json_num "$(val "$c" pavg "$r")")" "$(json_num "$(val "$c" p99 "$r")")"
	printf '%s"cpu_seconds_1stream": %s, "gbit_per_cpu_second": %s,\n' "$in" \
		"$(json_num "$(val "$c" cpu "$r")")" "$(json_num "$(val "$c" eff "$r")")"
	printf '%s"peak_rss_mb": {"a": %s, "b": %s}' "$in" \
		"$(json_num "$(val "$c" rssa "$r")")" "$(json_num "$(val "$c" rssb "$r")")"
	for g in $RATIO_GROUPS; do
		printf ',\n%s"%s": {' "$in" "$(group_json "$g")"
		sep=""
		for k in $(ratio_keys "$g"); do
			printf '%s"%s": %s' "$sep" "$(ratio_json "$k")" "$(json_num "$(val "$c" "x_${g}_$k" "$r")")"
			sep=", "
		done
		printf '}'
	done
}

# range_json prints {"median", "min", "max", "n"} of case c's key k, or null.
range_json() {
	local m lo hi n
	read -r m lo hi n <<<"${SUM["$1/$2"]:-}"
	if [[ -z ${n:-} ]]; then printf null; else printf '{"median": %s, "min": %s, "max": %s, "n": %s}' "$m" "$lo" "$hi" "$n"; fi
}

ranges_json() {
	local c=$1 in="     " i g k sep=""
	printf '%s"range": {' "$in"
	for i in "${!FIG_KEYS[@]}"; do
		printf '%s\n%s  "%s": %s' "$sep" "$in" "${FIG_JSON[i]}" "$(range_json "$c" "${FIG_KEYS[i]}")"
		sep=","
	done
	printf '}'
	for g in $RATIO_GROUPS; do
		printf ',\n%s"%s_range": {' "$in" "$(group_json "$g")"
		sep=""
		for k in $(ratio_keys "$g"); do
			printf '%s\n%s  "%s": %s' "$sep" "$in" "$(ratio_json "$k")" "$(range_json "$c" "x_${g}_$k")"
			sep=","
		done
		printf '}'
	done
}

case_json() {
	local c=$1 r
	printf '    {"name": %s, "status": %s, "reason": %s, "rounds_ok": %s, "openvpn_reference": %s,\n' \
		"$(json_str "$c")" "$(json_str "${SUM["$c/status"]}")" "$(json_str "${SUM["$c/reason"]}")" \
		"${SUM["$c/rounds_ok"]}" "$(json_str "$(ref_case ov "$c")")"
	figures_json "$c"
	printf ',\n'
	ranges_json "$c"
	printf ',\n     "per_round": ['
	for ((r = 1; r <= ROUNDS; r++)); do
		((r > 1)) && printf ','
		printf '\n       {"round": %s, "status": %s, "reason": %s,\n' "$r" \
			"$(json_str "${P["$c/$r/status"]:-FAIL}")" "$(json_str "${P["$c/$r/reason"]:-}")"
		figures_json "$c" "$r" "        "
		printf '}'
	done
	printf ']}'
}

write_json() {
	local f=$1 c i=0 n=${#CASE_ORDER[@]} tt=missing
	if [[ -x $TUNTAP ]]; then
		tt="present, sha256 $(sha256sum "$TUNTAP" | cut -c1-12)"
		timeout 5 "$TUNTAP" version >/dev/null 2>&1 && tt=$(tool_version "$TUNTAP" version)
	fi
	{
		printf '{\n  "machine": {\n'
		printf '    "nproc": %s,\n' "$(nproc)"
		printf '    "cpu_model": %s,\n' "$(json_str "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)")"
		printf '    "kernel": %s,\n' "$(json_str "$(uname -r)")"
		printf '    "date": %s\n  },\n' "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
		printf '  "settings": {"duration_s": %s, "pings": %s, "ping_interval_s": 0.01, "rounds": %s},\n' \
			"$DURATION" "$PINGS" "$ROUNDS"
		printf '  "tools": {\n'
		printf '    "iperf3": %s,\n' "$(json_str "$(tool_version iperf3 --version)")"
		printf '    "openvpn": %s,\n' "$(json_str "$(tool_version openvpn --version)")"
		printf '    "openssl": %s,\n' "$(json_str "$(tool_version openssl version)")"
		printf '    "wg": %s,\n' "$(json_str "$(tool_version wg --version)")"
		printf '    "wireguard_go": %s,\n' "$(json_str "$(tool_version "$WIREGUARD_GO" --version)")"
		printf '    "go": %s,\n' "$(json_str "$(tool_version go version)")"
		printf '    "tuntap": %s\n  },\n' "$(json_str "$tt")"
		printf '  "cases": [\n'
		for c in "${CASE_ORDER[@]}"; do
			i=$((i + 1))
			case_json "$c"
			((i < n)) && printf ','
			printf '\n'
		done
		printf '  ]\n}\n'
	} >"$f"
}

# rx prints a ratio for the table: "median (min-max)", just the median when
# all rounds agree, or "-".
rx() {
	local m lo hi n
	read -r m lo hi n <<<"${SUM["$1/$2"]:-}"
	if [[ -z ${n:-} ]]; then echo -; elif [[ $lo == "$hi" ]]; then echo "$m"; else echo "$m ($lo-$hi)"; fi
}

# print_table prints the medians, then the ratios in two blocks so that
# each line stays readable.
print_table() {
	local c rss fmt='%-17s %-8s %7s %7s %8s %8s %6s %8s %11s\n' rf='%-17s %-19s %-19s %-19s %-19s %s\n' of='%-17s %-19s %-19s %s\n'
	printf '\nDURATION=%ss, %s pings at 0.01 s, ROUNDS=%s; %s CPUs, %s, kernel %s\n' "$DURATION" "$PINGS" "$ROUNDS" \
		"$(nproc)" "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" "$(uname -r)"
	printf 'Figures: median over the rounds that were ok.\n'
	# shellcheck disable=SC2059 # the formats are fixed strings
	printf "$fmt" case status "1s Gb/s" "4s Gb/s" "ping ms" "p99 ms" "CPU-s" "Gb/CPU-s" "RSS MB a/b"
	for c in "${CASE_ORDER[@]}"; do
		rss=-
		[[ -n $(val "$c" rssa) ]] && rss="$(val "$c" rssa)/$(val "$c" rssb)"
		# shellcheck disable=SC2059
		printf "$fmt" "$c" "${SUM["$c/status"]}" "$(dash "$(val "$c" tp1)")" "$(dash "$(val "$c" tp4)")" \
			"$(dash "$(val "$c" pavg)")" "$(dash "$(val "$c" p99)")" "$(dash "$(val "$c" cpu)" n/a)" \
			"$(dash "$(val "$c" eff)" n/a)" "$rss"
	done
	printf '\nRatios: median (min-max) of the per-round ratios; TAP cases against openvpn-tap, others openvpn-tun.\n'
	# shellcheck disable=SC2059
	printf "$rf" case "xwg 1s" "xwg 4s" "xwg eff" "xveth 1s" "xveth 4s"
	for c in "${CASE_ORDER[@]}"; do
		# shellcheck disable=SC2059
		printf "$rf" "$c" "$(rx "$c" x_wg_tp1)" "$(rx "$c" x_wg_tp4)" "$(rx "$c" x_wg_eff)" \
			"$(rx "$c" x_veth_tp1)" "$(rx "$c" x_veth_tp4)"
	done
	if [[ " ${CASE_ORDER[*]} " == *" openvpn-t"[ua]p" "* ]]; then
		# shellcheck disable=SC2059
		printf "\n$of" case "xovpn 1s" "xovpn 4s" "xovpn eff"
		for c in "${CASE_ORDER[@]}"; do
			# shellcheck disable=SC2059
			printf "$of" "$c" "$(rx "$c" x_ov_tp1)" "$(rx "$c" x_ov_tp4)" "$(rx "$c" x_ov_eff)"
		done
	fi
	if [[ -n ${SUM["tuntap-tap/x_tun_tp1"]:-} ]]; then
		printf '\ntuntap-tap x tuntap-tun: 1s %s, 4s %s, eff %s\n' "$(rx tuntap-tap x_tun_tp1)" \
			"$(rx tuntap-tap x_tun_tp4)" "$(rx tuntap-tap x_tun_eff)"
	fi
	for c in "${CASE_ORDER[@]}"; do
		[[ -n ${SUM["$c/reason"]} ]] && printf '  %s: %s\n' "$c" "${SUM["$c/reason"]}"
	done
	printf '\n'
}

# dash prints its first argument, or the second (default "-") if it is empty.
dash() { if [[ -n ${1:-} ]]; then echo "$1"; else echo "${2:--}"; fi; }
