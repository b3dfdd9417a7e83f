// Package e2e holds tuntap's end-to-end tests: the built tuntap binary runs
// in network namespaces against the real wireguard-go and the stock wg and
// wg-quick tools, and the tests check what a user would check (ping, a TCP
// transfer's SHA-256, wg show, tuntap show --json). The package has no
// code of its own outside its tests.
package e2e
