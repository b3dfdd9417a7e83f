# shellcheck shell=bash
# Results of bench/run.sh: the JSON file and the table, from the R_* arrays.

# ratio prints a/b with two decimals, or nothing when either is missing.
ratio() {
	[[ -n ${1:-} && -n ${2:-} ]] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b}'
}

json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/ }
	printf '"%s"' "${s//$'\n'/ }"
}

json_num() { if [[ -n ${1:-} ]]; then printf '%s' "$1"; else printf null; fi; }

tool_version() { timeout 5 "$@" 2>&1 | head -n 1; }

# ratios fills RX_* for one case against wireguard-go and veth.
ratios() {
	local c=$1 wg=wireguard-go
	RX_WG1=$(ratio "${R_TP1[$c]:-}" "${R_TP1[$wg]:-}")
	RX_WG4=$(ratio "${R_TP4[$c]:-}" "${R_TP4[$wg]:-}")
	RX_WGE=$(ratio "${R_EFF[$c]:-}" "${R_EFF[$wg]:-}")
	RX_V1=$(ratio "${R_TP1[$c]:-}" "${R_TP1[veth]:-}")
	RX_V4=$(ratio "${R_TP4[$c]:-}" "${R_TP4[veth]:-}")
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
		printf '  "settings": {"duration_s": %s, "pings": %s, "ping_interval_s": 0.01},\n' "$DURATION" "$PINGS"
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
			ratios "$c"
			printf '    {"name": %s, "status": %s, "reason": %s,\n' \
				"$(json_str "$c")" "$(json_str "${R_STATUS[$c]:-FAIL}")" "$(json_str "${R_REASON[$c]:-}")"
			printf '     "tcp_1stream_gbps": %s, "tcp_4stream_gbps": %s, "bytes_1stream": %s,\n' \
				"$(json_num "${R_TP1[$c]:-}")" "$(json_num "${R_TP4[$c]:-}")" "$(json_num "${R_BYTES1[$c]:-}")"
			printf '     "ping_avg_ms": %s, "ping_p99_ms": %s,\n' "$(json_num "${R_PAVG[$c]:-}")" "$(json_num "${R_P99[$c]:-}")"
			printf '     "cpu_seconds_1stream": %s, "gbit_per_cpu_second": %s,\n' \
				"$(json_num "${R_CPU[$c]:-}")" "$(json_num "${R_EFF[$c]:-}")"
			printf '     "peak_rss_mb": {"a": %s, "b": %s},\n' "$(json_num "${R_RSSA[$c]:-}")" "$(json_num "${R_RSSB[$c]:-}")"
			printf '     "vs_wireguard_go": {"tcp_1stream": %s, "tcp_4stream": %s, "gbit_per_cpu_second": %s},\n' \
				"$(json_num "$RX_WG1")" "$(json_num "$RX_WG4")" "$(json_num "$RX_WGE")"
			printf '     "vs_veth": {"tcp_1stream": %s, "tcp_4stream": %s}}' "$(json_num "$RX_V1")" "$(json_num "$RX_V4")"
			((i < n)) && printf ','
			printf '\n'
		done
		printf '  ]\n}\n'
	} >"$f"
}

print_table() {
	local c fmt='%-17s %-5s %7s %7s %8s %8s %6s %8s %11s %6s %6s %6s %7s %7s\n'
	printf '\nDURATION=%ss, %s pings at 0.01 s; %s CPUs, %s, kernel %s\n' "$DURATION" "$PINGS" "$(nproc)" \
		"$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" "$(uname -r)"
	# shellcheck disable=SC2059 # fmt is a fixed format string
	printf "$fmt" case status "1s Gb/s" "4s Gb/s" "ping ms" "p99 ms" "CPU-s" "Gb/CPU-s" "RSS MB a/b" \
		"xwg 1s" "xwg 4s" "xwg eff" "xveth 1s" "xveth 4s"
	for c in "${CASE_ORDER[@]}"; do
		ratios "$c"
		local rss=-
		[[ -n ${R_RSSA[$c]:-} ]] && rss="${R_RSSA[$c]}/${R_RSSB[$c]}"
		# shellcheck disable=SC2059
		printf "$fmt" "$c" "${R_STATUS[$c]:-FAIL}" "${R_TP1[$c]:--}" "${R_TP4[$c]:--}" "${R_PAVG[$c]:--}" \
			"${R_P99[$c]:--}" "${R_CPU[$c]:-n/a}" "${R_EFF[$c]:-n/a}" "$rss" "${RX_WG1:--}" "${RX_WG4:--}" \
			"${RX_WGE:--}" "${RX_V1:--}" "${RX_V4:--}"
	done
	for c in "${CASE_ORDER[@]}"; do
		[[ -n ${R_REASON[$c]:-} ]] && printf '  %s: %s\n' "$c" "${R_REASON[$c]}"
	done
	printf '\n'
}
