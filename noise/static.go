package noise

// Static is the identity of the local node: its key pair and the two keys
// derived from its public key that protect handshake messages sent to it.
// It is immutable; to change the private key make a new Static and hand it to
// each Handshake with SetLocal.
type Static struct {
	Private   PrivateKey
	Public    PublicKey
	mac1Key   [32]byte
	cookieKey [32]byte
}

// NewStatic derives the public key and the MAC keys of priv.
func NewStatic(priv PrivateKey) *Static {
	priv.clamp()
	s := &Static{Private: priv, Public: priv.Public()}
	s.mac1Key = labelHash(labelMAC1, s.Public[:])
	s.cookieKey = labelHash(labelCookie, s.Public[:])
	return s
}

// checkMAC1 verifies the mac1 of a handshake message sent to this node.
func (s *Static) checkMAC1(msg []byte) bool {
	n := len(msg)
	var m [16]byte
	mac(&m, s.mac1Key[:], msg[:n-32])
	return macEqual(m[:], msg[n-32:n-16])
}
