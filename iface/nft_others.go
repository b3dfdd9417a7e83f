//go:build !linux

package iface

// nftState is empty: the full tunnel's nftables rules are Linux-only, and
// addRoutes already refuses a full tunnel here.
type nftState struct{}
