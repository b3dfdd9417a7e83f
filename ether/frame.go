package ether

// Frame builds an Ethernet frame. Tests use it to make tagged frames, and it
// inverts Parse: a parsed Header with its payload encodes to the same bytes.
type Frame struct {
	Dst, Src [MACLen]byte
	// Tags are written outermost first, any number of them.
	Tags      []Tag
	EtherType uint16
	Payload   []byte
}

// Len is the encoded size of f.
func (f *Frame) Len() int { return HeaderLen + TagLen*len(f.Tags) + len(f.Payload) }

// AppendTo appends the encoded frame to b and returns the extended slice.
func (f *Frame) AppendTo(b []byte) []byte {
	b = append(b, f.Dst[:]...)
	b = append(b, f.Src[:]...)
	for _, t := range f.Tags {
		b = appendBE16(b, t.TPID)
		b = appendBE16(b, t.TCI)
	}
	b = appendBE16(b, f.EtherType)
	return append(b, f.Payload...)
}

// MarshalBinary implements encoding.BinaryMarshaler. It never fails.
func (f *Frame) MarshalBinary() ([]byte, error) {
	return f.AppendTo(make([]byte, 0, f.Len())), nil
}

// FromHeader returns the Frame that h and payload encode, the inverse of
// Parse: FromHeader(Parse(b), b[h.PayloadOffset:]) encodes to b. The tags
// slice refers to h.
func FromHeader(h *Header, payload []byte) Frame {
	return Frame{
		Dst:       h.Dst,
		Src:       h.Src,
		Tags:      h.Tags[:h.NumTags],
		EtherType: h.EtherType,
		Payload:   payload,
	}
}

func appendBE16(b []byte, v uint16) []byte { return append(b, byte(v>>8), byte(v)) }
