#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine,
# then runs gofmt, go vet (Linux and the other OSes) and every test with the
# race detector. Run as root so the network-namespace tests run too;
# TUNTAP_REQUIRE_PRIVILEGED=1 (set by .ci/run) turns their skips into failures.
set -euo pipefail
cd "$(dirname "$0")"

need_pkgs=()
for pair in ip:iproute2 ping:iputils-ping wg:wireguard-tools wg-quick:wireguard-tools iperf3:iperf3 \
	openvpn:openvpn openssl:openssl dnsmasq:dnsmasq-base curl:curl setpriv:util-linux unshare:util-linux \
	busybox:busybox nft:nftables qemu-aarch64:qemu-user; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || need_pkgs+=("${pair#*:}")
done
if [ ${#need_pkgs[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
	echo "== installing: ${need_pkgs[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

GOBIN_DIR="$(go env GOPATH)/bin"
export PATH="$GOBIN_DIR:$PATH"
if ! command -v wireguard >/dev/null 2>&1; then
	echo "== installing wireguard-go (reference peer for interop tests)"
	go install golang.zx2c4.com/wireguard@latest
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi

echo "== go vet (linux, darwin, freebsd, windows)"
go vet ./...
for os in darwin freebsd windows; do
	GOOS=$os go vet ./...
done

echo "== go vet (arm64)"
GOARCH=arm64 go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 15m "$@" ./...

# Under -race the user-space stack is too slow to fill its queue, so this
# backpressure test proves something only without it.
echo "== go test (timing-dependent tests that skip under -race)"
go test -count=1 -run 'TestSOCKS5ParallelStreamsAllProgress' ./proxy/

# The data path's pure packages on another architecture (qemu-user runs the
# arm64 test binaries): the cipher (x/crypto there), the handshake, and the
# zero-allocation pins. qemu-user has no SO_MARK, hence the skip.
echo "== go test on arm64 (qemu-user)"
GOARCH=arm64 go test -count=1 -exec qemu-aarch64 -skip 'TestFwmark' ./chachapoly/... ./noise/ ./replay/ \
	./ratelimit/ ./allowedips/ ./ether/ ./l2switch/ ./gso/ ./config/ ./uapi/ ./engine/

# The portable code paths of the cipher, which this AVX-512 machine never
# takes in production.
echo "== go test -tags purego ./chachapoly/..."
go test -count=1 -tags purego ./chachapoly/...
