// Package taptest holds the end-to-end tests of tuntap's layer-2 mode: the
// built tuntap binary runs tap-mode interfaces and the user-space switch in
// network namespaces the tests create, and the tests check what a user
// would: ARP, ping, DHCP through a bridge, broadcasts and tagged frames
// counted byte for byte with AF_PACKET sockets, and `tuntap show --json`.
// The package has no code of its own outside its tests.
package taptest
