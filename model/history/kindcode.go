package history

// KindCode is a record kind's code: what a [Record] keeps of its kind. A
// recorder takes the codes of the kinds it records once ([Kind.Code]),
// to make its [Stamp]s with no lookup.
type KindCode uint8

// Code returns the code of k; 0 when k is not a record kind.
func (k Kind) Code() KindCode {
	c, ok := kindCodes.code(k)
	if !ok {
		return 0
	}
	return KindCode(c)
}

// Kind returns the kind of code c; "" when c is no kind's code.
func (c KindCode) Kind() Kind {
	if int(c) >= len(kindCodes.vals) {
		return ""
	}
	return kindCodes.value(uint8(c))
}
