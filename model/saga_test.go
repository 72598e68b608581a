package model

import "testing"

// TestSagaDecide pins the order saga's decisions: any event starts an
// unknown order, a payment outcome ends a started one, an ended saga
// ignores everything.
func TestSagaDecide(t *testing.T) {
	cases := []struct {
		from  int64
		typ   string
		to    int64
		start bool
	}{
		{sagaAbsent, OrderPlaced, sagaStarted, true},
		{sagaAbsent, PaymentSucceeded, sagaCompleted, true},
		{sagaAbsent, PaymentTimedOut, sagaCompensated, true},
		{sagaStarted, OrderPlaced, sagaStarted, false},
		{sagaStarted, PaymentSucceeded, sagaCompleted, false},
		{sagaStarted, PaymentTimedOut, sagaCompensated, false},
		{sagaCompleted, PaymentTimedOut, sagaCompleted, false},
		{sagaCompensated, PaymentSucceeded, sagaCompensated, false},
		{sagaCompensated, OrderPlaced, sagaCompensated, false},
	}
	for _, c := range cases {
		to, start := sagaDecide(c.from, c.typ)
		if to != c.to || start != c.start {
			t.Errorf("%s on %s: %s (start %v), want %s (start %v)", c.typ, SagaStates[c.from], SagaStates[to], start,
				SagaStates[c.to], c.start)
		}
	}
}

// TestOrderSagaAsPlainHandler applies the saga in one step per event: a
// late success after the timeout changes nothing.
func TestOrderSagaAsPlainHandler(t *testing.T) {
	db := NewDB()
	for _, typ := range []string{OrderPlaced, PaymentTimedOut, PaymentSucceeded} {
		tx := db.Begin()
		OrderSaga{}.Handle(tx, Record{Key: "order-1", Type: typ})
		tx.Commit()
	}
	if row := loadSaga(db, "order-1"); row != (sagaRow{sagaCompensated, 2}) {
		t.Fatalf("row %+v, want compensated at version 2", row)
	}
}
