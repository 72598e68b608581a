package model

import (
	"strconv"
	"testing"
)

// BenchmarkBalanceHandler runs the balance handler over records of 100
// keys, each record in its own transaction, as a consumer does.
func BenchmarkBalanceHandler(b *testing.B) {
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	db := NewDB()
	i := 0
	for b.Loop() {
		tx := db.Begin()
		Balance(tx, Record{Key: keys[i%len(keys)], Type: "Deposited", Amount: 5})
		tx.Commit()
		db.end(tx)
		i++
	}
}

// BenchmarkBalanceApply runs the balance handler as a member applies a
// record: the handler on the batch's record in place, its state read
// back, the commit, and the transaction handed back.
func BenchmarkBalanceApply(b *testing.B) {
	recs := make([]Record, 100)
	for i := range recs {
		recs[i] = Record{Key: "k" + strconv.Itoa(i), Type: "Deposited", Amount: 5}
	}
	db := NewDB()
	h := tableHandler{balance}
	i := 0
	for b.Loop() {
		tx := db.Begin()
		r := &recs[i%len(recs)]
		h.fn(tx, r)
		h.State(tx, r.Key)
		tx.Commit()
		db.end(tx)
		i++
	}
}

// TestDBFindsKeysByContent: a key written through one string is read
// through another string of the same bytes, and through the same string
// after the value changed, and a table's keys are counted once.
func TestDBFindsKeysByContent(t *testing.T) {
	db := NewDB()
	k1 := "acct-" + strconv.Itoa(7)
	k2 := "acct-" + strconv.Itoa(7)
	for i, k := range []string{k1, k1, k2, k1} {
		tx := db.Begin()
		v, _ := tx.Get("t", k)
		if v != int64(i) {
			t.Fatalf("write %d: read %d, want %d", i, v, i)
		}
		tx.Put("t", k, v+1)
		tx.Commit()
		db.end(tx)
	}
	if v, ok := db.Get("t", k2); !ok || v != 4 || db.Keys("t") != 1 || db.Keys("none") != 0 {
		t.Fatalf("got %d %v with %d keys, want 4 true with 1 key", v, ok, db.Keys("t"))
	}
	if _, ok := db.Get("t", "acct-8"); ok {
		t.Fatal("a key never written was found")
	}
}

// TestCommitWritesBackTheRowRead: a commit writes each key where it
// belongs, whether or not it is the row the transaction read last.
func TestCommitWritesBackTheRowRead(t *testing.T) {
	db := NewDB()
	tx := db.Begin()
	tx.Put("t", "a", 1)
	tx.Put("t", "b", 2)
	tx.Put("u", "a", 3)
	tx.Commit()
	tx = db.Begin()
	va, _ := tx.Get("t", "a")
	tx.Put("t", "b", va+10) // not the row read
	tx.Put("u", "a", va+20) // the key read, in another table
	tx.Commit()
	tx = db.Begin()
	vb, _ := tx.Get("t", "b")
	tx.Put("t", "b", vb+100) // the row read
	tx.Commit()
	for _, c := range []struct {
		table, key string
		want       int64
	}{{"t", "a", 1}, {"t", "b", 111}, {"u", "a", 21}} {
		if got, _ := db.Get(c.table, c.key); got != c.want {
			t.Errorf("%s/%s = %d, want %d", c.table, c.key, got, c.want)
		}
	}
}

// TestDBTablesByTurns checks that a DB finds the right table when more
// tables than it keeps by name's address are used by turns, by constant
// names and by equal names spelled anew.
func TestDBTablesByTurns(t *testing.T) {
	db := NewDB()
	names := []string{"t0", "t1", "t2", "t3", "t4", "t5"}
	for round := int64(1); round <= 3; round++ {
		for i, n := range names {
			tx := db.Begin()
			tx.Put(n, "k", round*10+int64(i))
			tx.Commit()
		}
		for i, n := range names {
			spelled := string([]byte(n))
			for _, name := range []string{n, spelled} {
				if v, ok := db.Get(name, "k"); !ok || v != round*10+int64(i) {
					t.Fatalf("round %d: Get(%q) = %d, %t; want %d", round, name, v, ok, round*10+int64(i))
				}
			}
		}
	}
	if _, ok := db.Get("t6", "k"); ok {
		t.Errorf("Get of a table never written found a value")
	}
}

// TestReleasedTablesComeBackEmpty: tables of a released database serve
// later databases empty, whether or not the pool hands them back, and a
// database released twice gives its tables once.
func TestReleasedTablesComeBackEmpty(t *testing.T) {
	for round := range 20 {
		db := NewDB()
		tx := db.Begin()
		for i := range 50 {
			tx.Put("balances", "acct-"+strconv.Itoa(i), int64(i+round))
			tx.Put("processed", "e-"+strconv.Itoa(i), 1)
		}
		tx.Commit()
		db.end(tx)
		if got := db.Keys("balances"); got != 50 {
			t.Fatalf("round %d: %d keys, want 50", round, got)
		}
		db.release()
		db.release()
		other, again := NewDB(), NewDB()
		for _, d := range []*DB{other, again} {
			tx := d.Begin()
			tx.Put("balances", "acct-0", -1)
			tx.Commit()
		}
		if v, ok := other.Get("balances", "acct-0"); !ok || v != -1 {
			t.Fatalf("round %d: acct-0 = %d, %t; want -1", round, v, ok)
		}
		for _, key := range []string{"acct-1", "acct-49"} {
			if v, ok := other.Get("balances", key); ok {
				t.Fatalf("round %d: a new database holds %s = %d of a released one", round, key, v)
			}
		}
		if other.Keys("balances") != 1 || again.Keys("balances") != 1 || other.tables["balances"] == again.tables["balances"] {
			t.Fatalf("round %d: two databases share a table, or hold keys they never wrote", round)
		}
	}
}
