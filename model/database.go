package model

import (
	"sync"
	"unsafe"
)

// DB is a simulated transactional store of named tables of integers. It is
// durable: it survives the crash of the nodes that use it, and what a
// transaction writes is visible only once the transaction commits,
// atomically. A DB is not safe for concurrent use.
type DB struct {
	tables map[string]*dbTable
	// spare is a finished transaction kept for the next Begin.
	spare *Tx
	// named holds the tables found last, looked up again by their
	// names' addresses: a handler names its tables by constants, and a
	// transaction goes through a few tables by turns. Tables are never
	// dropped, so an entry stays true.
	named [dbNamedLen]dbNamed
	// nextNamed is the entry the next table found takes.
	nextNamed int
}

// dbNamedLen is the number of tables [DB.table] finds by address.
const dbNamedLen = 4

// dbNamed is a table found by the address of its name.
type dbNamed struct {
	name  string
	table *dbTable
}

// dbTable is one table: its keys number its values, and a key looked up
// again by the same string (a record's key) is found by its address,
// without hashing it.
type dbTable struct {
	slots map[string]int32
	vals  []int64
	cache [dbCacheLen]dbCached
}

// dbCacheLen is the number of entries of a table's address cache.
const dbCacheLen = 1 << 8

// dbCached is an entry of a table's address cache: slot is the key's
// slot plus one (0: empty).
type dbCached struct {
	key  string
	slot int32
}

// find returns the slot of key's value.
func (t *dbTable) find(key string) (int32, bool) {
	c := &t.cache[(uint64(uintptr(unsafe.Pointer(unsafe.StringData(key))))*0x9e3779b97f4a7c15)>>(64-8)]
	if c.slot > 0 && unsafe.StringData(c.key) == unsafe.StringData(key) && len(c.key) == len(key) {
		return c.slot - 1, true
	}
	slot, ok := t.slots[key]
	if ok {
		c.key, c.slot = key, slot+1
	}
	return slot, ok
}

// put sets key's value.
func (t *dbTable) put(key string, v int64) {
	if slot, ok := t.find(key); ok {
		t.vals[slot] = v
		return
	}
	t.slots[key] = int32(len(t.vals))
	t.vals = append(t.vals, v)
}

// tablePool keeps the tables of released databases ([DB.release]),
// emptied, for new tables to reuse their memory: a sweep's runs do not
// grow each table's index again.
var tablePool sync.Pool

// newTable returns an empty table.
func newTable() *dbTable {
	if t, ok := tablePool.Get().(*dbTable); ok {
		return t
	}
	return &dbTable{slots: map[string]int32{}}
}

// release hands db's tables back for reuse, each once, emptied (no key
// of db's is kept alive); nothing may use db, nor a transaction of it,
// after it. Releasing db again does nothing.
func (db *DB) release() {
	for _, t := range db.tables {
		clear(t.slots)
		t.vals = t.vals[:0]
		t.cache = [dbCacheLen]dbCached{}
		tablePool.Put(t)
	}
	db.tables, db.named, db.spare = nil, [dbNamedLen]dbNamed{}, nil
}

// NewDB returns an empty database.
func NewDB() *DB { return &DB{tables: map[string]*dbTable{}} }

// Get reads a committed value.
func (db *DB) Get(table, key string) (int64, bool) {
	t := db.table(table)
	if t == nil {
		return 0, false
	}
	slot, ok := t.find(key)
	if !ok {
		return 0, false
	}
	return t.vals[slot], true
}

// table returns the table of that name (nil: none yet).
func (db *DB) table(name string) *dbTable {
	p := unsafe.StringData(name)
	for i := range db.named {
		if c := &db.named[i]; unsafe.StringData(c.name) == p && len(c.name) == len(name) && c.table != nil {
			return c.table
		}
	}
	t := db.tables[name]
	if t != nil {
		db.named[db.nextNamed] = dbNamed{name, t}
		db.nextNamed = (db.nextNamed + 1) % dbNamedLen
	}
	return t
}

// Keys returns the number of keys in a table.
func (db *DB) Keys(table string) int {
	if t := db.tables[table]; t != nil {
		return len(t.slots)
	}
	return 0
}

// Begin starts a transaction.
func (db *DB) Begin() *Tx {
	if tx := db.spare; tx != nil {
		db.spare = nil
		return tx
	}
	return &Tx{db: db}
}

// end takes back a transaction its caller is done with (committed or
// dropped, and referenced nowhere), for a later Begin to reuse.
func (db *DB) end(tx *Tx) {
	clear(tx.writes)
	tx.writes, tx.skipped = tx.writes[:0], false
	tx.readT, tx.readKey = nil, ""
	db.spare = tx
}

// Tx is a transaction: reads see its own writes, and Commit applies all of
// them at once. A transaction that is never committed leaves no trace. A
// handler's transaction lasts until the handler returns: the consumer
// reuses it for its next record, so a handler must not keep it.
type Tx struct {
	db      *DB
	writes  []write
	skipped bool
	// readT, readKey and readSlot are the row read last from the
	// database, so that a commit writing it back (a handler's read,
	// change, write) finds it without a lookup.
	readT    *dbTable
	readKey  string
	readSlot int32
}

type write struct {
	table, key string
	value      int64
}

// same reports whether a and b are equal, telling strings at one address
// (a table's or key's name passed again) without comparing their bytes.
func same(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// Get reads a value, seeing the transaction's own writes first.
func (tx *Tx) Get(table, key string) (int64, bool) {
	for i := len(tx.writes) - 1; i >= 0; i-- {
		if w := &tx.writes[i]; same(w.key, key) && same(w.table, table) {
			return w.value, true
		}
	}
	t := tx.db.table(table)
	if t == nil {
		return 0, false
	}
	slot, ok := t.find(key)
	if !ok {
		return 0, false
	}
	tx.readT, tx.readKey, tx.readSlot = t, key, slot
	return t.vals[slot], true
}

// Put writes a value.
func (tx *Tx) Put(table, key string, value int64) {
	tx.writes = append(tx.writes, write{})
	w := &tx.writes[len(tx.writes)-1]
	w.table, w.key, w.value = table, key, value
}

// Skip tells the consumer running a handler that the handler skipped the
// record, having recognised its id as already processed: the transaction's
// writes are discarded, and the consumer records a dedup instead of an
// effect. A handler that keeps its own table of processed ids calls it
// when it finds the id there. It is not a filter: a record skipped
// whose id was never applied is lost, and no-loss says so.
func (tx *Tx) Skip() {
	tx.skipped = true
	tx.writes = nil
}

// Skipped reports whether [Tx.Skip] was called.
func (tx *Tx) Skipped() bool { return tx.skipped }

// Commit applies every write atomically.
func (tx *Tx) Commit() {
	for i := range tx.writes {
		w := &tx.writes[i]
		t := tx.db.table(w.table)
		if t == nil {
			t = newTable()
			tx.db.tables[w.table] = t
		}
		if t == tx.readT && same(w.key, tx.readKey) {
			t.vals[tx.readSlot] = w.value // a slot keeps its key for good
			continue
		}
		t.put(w.key, w.value)
	}
	tx.writes = tx.writes[:0]
}
