package model

import "testing"

// TestSagaDecide pins the order saga's decisions: any event starts an
// unknown order, a payment outcome ends a started one, an ended saga
// ignores everything.
func TestSagaDecide(t *testing.T) {
	cases := []struct {
		from  SagaState
		typ   string
		to    SagaState
		start bool
	}{
		{SagaAbsent, OrderPlaced, SagaStarted, true},
		{SagaAbsent, PaymentSucceeded, SagaCompleted, true},
		{SagaAbsent, PaymentTimedOut, SagaCompensated, true},
		{SagaStarted, OrderPlaced, SagaStarted, false},
		{SagaStarted, PaymentSucceeded, SagaCompleted, false},
		{SagaStarted, PaymentTimedOut, SagaCompensated, false},
		{SagaCompleted, PaymentTimedOut, SagaCompleted, false},
		{SagaCompensated, PaymentSucceeded, SagaCompensated, false},
		{SagaCompensated, OrderPlaced, SagaCompensated, false},
	}
	for _, c := range cases {
		to, start := OrderSaga{}.Decide(c.from, Record{Type: c.typ})
		if to != c.to || start != c.start {
			t.Errorf("%s on %s: %s (start %v), want %s (start %v)", c.typ, c.from, to, start, c.to, c.start)
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
	if row := loadSaga(db, "order-1"); row != (sagaRow{SagaCompensated, 2}) {
		t.Fatalf("row %+v, want compensated at version 2", row)
	}
}
