// Package userspace holds the end-to-end tests of tuntap's user-space mode:
// the built binary runs where no TUN device can be had (an empty /dev/net in
// a mount namespace of its own, or an unprivileged user), with gVisor's stack
// in place of the kernel's device, and the tests reach the far side the way
// a user would: curl through the SOCKS5 and HTTP proxies, forwarded and
// exposed ports, ping both ways. The package has no code outside its tests.
package userspace
