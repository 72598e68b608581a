package model

import "sort"

// tableKeys returns the committed keys of a table, sorted.
func (db *DB) tableKeys(table string) []string {
	keys := make([]string, 0, len(db.tables[table]))
	for k := range db.tables[table] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
