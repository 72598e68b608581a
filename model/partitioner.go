package model

// KeyPartition is the key-hash partitioner: fnv-1a of the key modulo the
// number of partitions.
func KeyPartition(key string, partitions int) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(partitions))
}

// partition picks the partition of a record with key for a producer
// configured with cfg, on a topic of n partitions. rr is the producer's
// round-robin counter.
func partition(cfg *ProducerConfig, key string, n int, rr *int) int {
	switch cfg.Partitioner {
	case PartitionRoundRobin:
		p := *rr % n
		*rr++
		return p
	case PartitionExplicit:
		return cfg.Partition
	}
	return KeyPartition(key, n)
}
