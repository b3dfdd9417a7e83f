// Package paths holds tuntap's end-to-end tests of the network path under
// the tunnel: source NAT with short conntrack timeouts, MTU-sized and
// fragmented packets over IPv4 and IPv6 underlays, padding against the path
// MTU, byte-exact counters between two tuntap nodes, and IPv6 roaming. The
// built tuntap binary runs in network namespaces the tests create; the
// package has no code of its own outside its tests.
package paths
