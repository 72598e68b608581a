package model

import "sort"

// tableKeys returns the committed keys of a table, sorted.
func (db *DB) tableKeys(table string) []string {
	var slots map[string]int32
	if t := db.tables[table]; t != nil {
		slots = t.slots
	}
	keys := make([]string, 0, len(slots))
	for k := range slots {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
