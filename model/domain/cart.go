package domain

// The built-in cart's event types.
const (
	ItemAdded   = "ItemAdded"
	ItemRemoved = "ItemRemoved"
	CheckedOut  = "CheckedOut"
)

// CartMax is the most items a built-in cart holds.
const CartMax = 10

// Cart is the built-in shopping cart aggregate. Commands: AddItem and
// RemoveItem (Amount items), Checkout. Events: ItemAdded, ItemRemoved,
// CheckedOut. A cart holds at most CartMax items, never fewer than none,
// and a checked-out cart accepts nothing more; an empty cart cannot check
// out.
type Cart struct{}

// CartState is the state of a [Cart].
type CartState struct {
	Items      int64
	CheckedOut bool
}

// Initial implements Aggregate.
func (Cart) Initial() any { return CartState{} }

// Apply implements Aggregate.
func (Cart) Apply(state any, e Event) any {
	s := state.(CartState)
	switch e.Type {
	case ItemAdded:
		s.Items += e.Amount
	case ItemRemoved:
		s.Items -= e.Amount
	case CheckedOut:
		s.CheckedOut = true
	}
	return boxCart(s)
}

// Decide implements Aggregate.
func (c Cart) Decide(state any, cmd Command) ([]Change, string) {
	return c.DecideAppend(nil, state, cmd)
}

// DecideAppend implements Appender.
func (Cart) DecideAppend(buf []Change, state any, c Command) ([]Change, string) {
	s := state.(CartState)
	if s.CheckedOut {
		return nil, "checked out"
	}
	switch c.Type {
	case "AddItem":
		if s.Items+c.Amount > CartMax {
			return nil, "cart full"
		}
		return append(buf, Change{Type: ItemAdded, Amount: c.Amount}), ""
	case "RemoveItem":
		if s.Items < c.Amount {
			return nil, "not in cart"
		}
		return append(buf, Change{Type: ItemRemoved, Amount: c.Amount}), ""
	case "Checkout":
		if s.Items == 0 {
			return nil, "empty cart"
		}
		return append(buf, Change{Type: CheckedOut}), ""
	}
	return nil, UnknownCommand(c)
}

// Describe implements Aggregate.
func (Cart) Describe(state any) string {
	s := state.(CartState)
	if s.Items >= 0 && s.Items < cartBoxMax {
		out := 0
		if s.CheckedOut {
			out = 1
		}
		return cartDescriptions()[out][s.Items]
	}
	var buf [48]byte
	return string(appendCart(buf[:0], s))
}

// Value implements Aggregate: the number of items.
func (Cart) Value(state any) int64 { return state.(CartState).Items }

// FromRow implements Aggregate. The read model does not know whether a
// cart checked out, which is the point of validating against the write model.
func (Cart) FromRow(value, version int64) any { return boxCart(CartState{Items: value}) }

// Types implements Typed.
func (Cart) Types() []string {
	return []string{"AddItem", "RemoveItem", "Checkout", ItemAdded, ItemRemoved, CheckedOut}
}
