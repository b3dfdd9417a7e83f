//go:build !amd64 || purego

package poly

func hasIFMA() bool { return false }

func (m *MAC) blocksVector(p []byte) { panic("poly: no vector path on this platform") }
