//go:build !linux

package uapi

func umask(m int) int { return m }
