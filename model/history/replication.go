package history

// The record kinds of replication, registered here so that ReadJSONL
// accepts them.
func init() {
	for _, k := range []Kind{PartitionChange, Truncate} {
		knownKinds[k] = true
	}
}
