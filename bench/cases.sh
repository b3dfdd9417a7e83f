# shellcheck shell=bash
# The benchmark cases. Each gets fresh namespaces NS_A and NS_B joined by a
# veth (VETH_A, VETH_B), sets up its tunnel, checks it with a ping, and
# calls measure from NS_A to the tunnel address in NS_B.

# gen_key writes a private key (mode 0600) and prints its public key.
gen_key() {
	local f="$OUT/keys/$TAG-$1.key"
	(umask 077 && wg genkey >"$f")
	wg pubkey <"$f"
}

# up_or_fail waits for the tunnel and records why it failed if it did not
# come up; the log tail helps the reader without opening files.
up_or_fail() {
	local c=$1 ip=$2
	shift 2
	wait_ping "$NS_A" "$ip" "$@" && return 0
	local why="no ping through the tunnel within ${UP_TIMEOUT}s"
	local p f last
	for p in "$@"; do alive "$p" || why="a tunnel process exited"; done
	for f in "$LOGS/$c-a.log" "$LOGS/$c-b.log"; do
		last=$(grep -v '^[[:space:]]*$' "$f" 2>/dev/null | tail -n 1 | cut -c1-160)
		[[ -n $last ]] && why+="; ${f##*/}: $last"
	done
	set_status "$c" FAIL "$why"
	return 1
}

case_veth() {
	measure "$1" "$VETH_B"
}

case_wireguard_go() {
	local c=$1 pa pb ka kb ia="wg${$}a" ib="wg${$}b" n
	[[ -x $WIREGUARD_GO ]] || {
		set_status "$c" FAIL "wireguard-go not installed"
		return
	}
	ka=$(gen_key wg-a) kb=$(gen_key wg-b)
	# Interface names are unique per run: the control socket path
	# (/var/run/wireguard/NAME.sock) is shared by all namespaces.
	start_in "$NS_A" "$LOGS/$c-a.log" env WG_PROCESS_FOREGROUND=1 "$WIREGUARD_GO" -f "$ia"
	pa=$LAST_PID
	start_in "$NS_B" "$LOGS/$c-b.log" env WG_PROCESS_FOREGROUND=1 "$WIREGUARD_GO" -f "$ib"
	pb=$LAST_PID
	if ! wait_link "$NS_A" "$ia" "$pa" || ! wait_link "$NS_B" "$ib" "$pb"; then
		set_status "$c" FAIL "wireguard-go device did not appear; logs: $LOGS/$c-*.log"
		return
	fi
	if ! wg_conf "$NS_A" "$ia" wg-a "$kb" "$VETH_B" 10.78.1.1 ||
		! wg_conf "$NS_B" "$ib" wg-b "$ka" "$VETH_A" 10.78.1.2; then
		set_status "$c" FAIL "configuring the wireguard-go devices failed"
		return
	fi
	n=10.78.1.2
	up_or_fail "$c" "$n" "$pa" "$pb" || return
	measure "$c" "$n" "$pa" "$pb"
}

wg_conf() {
	local ns=$1 dev=$2 key=$3 peer=$4 endpoint=$5 addr=$6
	ip netns exec "$ns" wg set "$dev" listen-port 51820 private-key "$OUT/keys/$TAG-$key.key" \
		peer "$peer" endpoint "$endpoint:51820" allowed-ips 10.78.1.0/24 &&
		ip -n "$ns" addr add "$addr/24" dev "$dev" &&
		ip -n "$ns" link set "$dev" mtu 1420 up
}

# ensure_pki makes a CA and a server and a client certificate once.
ensure_pki() {
	local d="$OUT/pki"
	[[ -s $d/client.crt ]] && return 0
	mkdir -p "$d" && chmod 700 "$d"
	local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
	openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.crt" -days 3650 -subj /CN=bench-ca \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign || return 1
	local who eku
	for who in server client; do
		eku=serverAuth
		[[ $who == client ]] && eku=clientAuth
		openssl req "${ec[@]}" -keyout "$d/$who.key" -out "$d/$who.csr" -subj "/CN=bench-$who" &&
			printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' \
				"$eku" >"$d/$who.ext" &&
			openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
				-days 3650 -extfile "$d/$who.ext" -out "$d/$who.crt" || return 1
	done
}

# case_openvpn runs OpenVPN in TLS point-to-point mode: the server in NS_B,
# the client in NS_A. DCO is off so that the whole data path is the openvpn
# processes being measured (DCO has no TAP mode either).
case_openvpn() {
	local mode=$1 c=$2 net la lb pa pb d="$OUT/pki"
	ensure_pki >"$LOGS/pki.log" 2>&1 || {
		set_status "$c" FAIL "certificate generation failed, see $LOGS/pki.log"
		return
	}
	net=10.78.2
	[[ $mode == tap ]] && net=10.78.3
	la=("$net.1" "$net.2") lb=("$net.2" "$net.1")
	if [[ $mode == tap ]]; then la=("$net.1" 255.255.255.0) lb=("$net.2" 255.255.255.0); fi
	local common=(--proto udp --port 1194 --dev "ov$mode" --dev-type "$mode" --data-ciphers AES-256-GCM
		--disable-dco --ca "$d/ca.crt" --verb 3)
	start_in "$NS_B" "$LOGS/$c-b.log" openvpn "${common[@]}" --tls-server --dh none \
		--cert "$d/server.crt" --key "$d/server.key" --remote-cert-tls client --ifconfig "${lb[@]}"
	pb=$LAST_PID
	start_in "$NS_A" "$LOGS/$c-a.log" openvpn "${common[@]}" --tls-client --nobind --remote "$VETH_B" \
		--cert "$d/client.crt" --key "$d/client.key" --remote-cert-tls server --ifconfig "${la[@]}"
	pa=$LAST_PID
	up_or_fail "$c" "$net.2" "$pa" "$pb" || return
	measure "$c" "$net.2" "$pa" "$pb"
}

# case_tuntap runs `tuntap up FILE` in the foreground at each end with a
# wg-quick style file.
case_tuntap() {
	local mode=$1 c=$2 net pa pb
	[[ -x $TUNTAP ]] || {
		set_status "$c" FAIL "tuntap binary not built (see $LOGS/tuntap-build.log)"
		return
	}
	net=10.78.4
	[[ $mode == tap ]] && net=10.78.5
	tt_confs "$c" "$mode" "$mode" "$net" || return
	start_in "$NS_A" "$LOGS/$c-a.log" "$TUNTAP" up "$TT_FA"
	pa=$LAST_PID
	start_in "$NS_B" "$LOGS/$c-b.log" "$TUNTAP" up "$TT_FB"
	pb=$LAST_PID
	up_or_fail "$c" "$net.2" "$pa" "$pb" || return
	measure "$c" "$net.2" "$pa" "$pb"
}

# tt_confs writes the two ends' files (mode 0600) into TT_FA and TT_FB. The
# file's base name is a valid interface name, as wg-quick expects.
tt_confs() {
	local c=$1 mode=$2 name=$3 net=$4 ka kb
	ka=$(gen_key "tt-$name-a") kb=$(gen_key "tt-$name-b")
	TT_FA="$OUT/conf/tt${$}${name}a.conf" TT_FB="$OUT/conf/tt${$}${name}b.conf"
	(
		umask 077
		tt_conf "$mode" "tt-$name-a" "$net.1" "$kb" "$VETH_B" "$net.2" >"$TT_FA" &&
			tt_conf "$mode" "tt-$name-b" "$net.2" "$ka" "$VETH_A" "$net.1" >"$TT_FB" &&
			chmod 600 "$TT_FA" "$TT_FB"
	) && return 0
	set_status "$c" FAIL "writing the configuration failed"
	return 1
}

tt_conf() {
	local mode=$1 key=$2 addr=$3 peer=$4 endpoint=$5 peeraddr=$6
	printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\nAddress = %s/24\nMTU = 1420\n' \
		"$(cat "$OUT/keys/$TAG-$key.key")" "$addr"
	[[ $mode == tap ]] && printf 'Mode = tap\n'
	printf '\n[Peer]\nPublicKey = %s\nEndpoint = %s:51820\n' "$peer" "$endpoint"
	[[ $mode == tun ]] && printf 'AllowedIPs = %s/32\n' "$peeraddr"
	return 0
}
