package domain

import (
	"strconv"
	"sync"
	"unsafe"
)

// The built-in aggregates' states are values held in an any: each Apply
// would box its result anew, and the simulator and the checks apply
// millions of events. Most states of a run are small ones (a balance
// below a thousand, a cart of a few items), so those are boxed once per
// process, on first use, and handed out again: an any holding the same
// value is the same state (states compare with ==), whichever box holds
// it. The descriptions of small account states are spelled once too.

// accountBoxMax bounds the balances whose states are boxed once, and
// whose descriptions are spelled once.
const accountBoxMax = 1024

// cartBoxMax bounds the item counts whose cart states are boxed once.
const cartBoxMax = 64

var accountBoxes = sync.OnceValue(func() *[2][]any {
	return boxTable(accountBoxMax, func(open bool, bal int64) any { return AccountState{Open: open, Balance: bal} })
})

// boxAccount returns s in an any, boxed once per process when its
// balance is small.
func boxAccount(s AccountState) any { return box(accountBoxes(), s.Open, s.Balance, s) }

// boxTable returns the states state(flag, i) for i below n, each boxed
// once, by flag and i.
func boxTable(n int, state func(flag bool, i int64) any) *[2][]any {
	var t [2][]any
	for f := range t {
		t[f] = make([]any, n)
		for i := range n {
			t[f][i] = state(f == 1, int64(i))
		}
	}
	return &t
}

// box returns s in an any: the one of t, by flag and i, when i is below
// the table's size, else s boxed anew.
func box[S any](t *[2][]any, flag bool, i int64, s S) any {
	if i < 0 || i >= int64(len(t[0])) {
		return s
	}
	if flag {
		return t[1][i]
	}
	return t[0][i]
}

// accountDescriptions holds Describe of the small account states, by
// cents, open and balance, spelled into one block.
var accountDescriptions = sync.OnceValue(func() *[2][2][accountBoxMax]string {
	d := new([2][2][accountBoxMax]string)
	var buf []byte
	var at [2][2][accountBoxMax][2]int
	for cents := range 2 {
		for open := range 2 {
			for bal := range accountBoxMax {
				start := len(buf)
				buf = appendAccount(buf, AccountState{Open: open == 1, Balance: int64(bal)}, cents == 1)
				at[cents][open][bal] = [2]int{start, len(buf)}
			}
		}
	}
	for cents := range 2 {
		for open := range 2 {
			for bal := range accountBoxMax {
				r := at[cents][open][bal]
				d[cents][open][bal] = unsafe.String(&buf[r[0]], r[1]-r[0])
			}
		}
	}
	return d
})

// appendAccount appends Account.Describe of s to b: open=%t balance=%d,
// and a c for cents.
func appendAccount(b []byte, s AccountState, cents bool) []byte {
	b = strconv.AppendBool(append(b, "open="...), s.Open)
	b = strconv.AppendInt(append(b, " balance="...), s.Balance, 10)
	if cents {
		b = append(b, 'c')
	}
	return b
}

var cartBoxes = sync.OnceValue(func() *[2][]any {
	return boxTable(cartBoxMax, func(out bool, items int64) any { return CartState{Items: items, CheckedOut: out} })
})

// boxCart returns s in an any, boxed once per process when it holds few
// items.
func boxCart(s CartState) any { return box(cartBoxes(), s.CheckedOut, s.Items, s) }

var cartDescriptions = sync.OnceValue(func() *[2][cartBoxMax]string {
	d := new([2][cartBoxMax]string)
	for out := range 2 {
		for items := range cartBoxMax {
			d[out][items] = string(appendCart(nil, CartState{Items: int64(items), CheckedOut: out == 1}))
		}
	}
	return d
})

// appendCart appends Cart.Describe of s to b: items=%d checked-out=%t.
func appendCart(b []byte, s CartState) []byte {
	b = strconv.AppendInt(append(b, "items="...), s.Items, 10)
	return strconv.AppendBool(append(b, " checked-out="...), s.CheckedOut)
}
