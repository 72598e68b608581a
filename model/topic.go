package model

import "hash/fnv"

// partitionLog is one append-only partition of a topic.
type partitionLog struct {
	records []Record
}

// topic is a named set of partitions on the broker.
type topic struct {
	name       string
	partitions []partitionLog
	groups     []*group
}

// KeyPartition is the key-hash partitioner: fnv-1a of the key modulo the
// number of partitions.
func KeyPartition(key string, partitions int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(partitions))
}
