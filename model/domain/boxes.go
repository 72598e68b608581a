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

var accountBoxes = sync.OnceValue(func() *[2][accountBoxMax]any {
	b := new([2][accountBoxMax]any)
	for open := range 2 {
		for bal := range accountBoxMax {
			b[open][bal] = AccountState{Open: open == 1, Balance: int64(bal)}
		}
	}
	return b
})

// boxAccount returns s in an any, boxed once per process when its
// balance is small.
func boxAccount(s AccountState) any {
	if s.Balance >= 0 && s.Balance < accountBoxMax {
		open := 0
		if s.Open {
			open = 1
		}
		return accountBoxes()[open][s.Balance]
	}
	return s
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

var cartBoxes = sync.OnceValue(func() *[2][cartBoxMax]any {
	b := new([2][cartBoxMax]any)
	for out := range 2 {
		for items := range cartBoxMax {
			b[out][items] = CartState{Items: int64(items), CheckedOut: out == 1}
		}
	}
	return b
})

// boxCart returns s in an any, boxed once per process when it holds few
// items.
func boxCart(s CartState) any {
	if s.Items >= 0 && s.Items < cartBoxMax {
		out := 0
		if s.CheckedOut {
			out = 1
		}
		return cartBoxes()[out][s.Items]
	}
	return s
}

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
