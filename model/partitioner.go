package model

// KeyPartition is the key-hash partitioner: fnv-1a of the key modulo the
// number of partitions.
func KeyPartition(key string, partitions int) int {
	return int(keyHash(key) % uint32(partitions))
}

// keyHash is the fnv-1a hash of key that KeyPartition takes modulo the
// partition count.
func keyHash(key string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return h
}

// partition picks the partition of a record with key for a producer
// configured with cfg, on a topic of n partitions. rr is the producer's
// round-robin counter.
func partition(cfg *ProducerConfig, key string, n int, rr *int) int {
	switch cfg.Partitioner {
	case PartitionRoundRobin, PartitionExplicit:
		return partitionHashed(cfg, 0, n, rr)
	}
	return KeyPartition(key, n)
}

// partitionHashed is partition of a key whose keyHash is hash (which the
// round-robin and explicit partitioners ignore).
func partitionHashed(cfg *ProducerConfig, hash uint32, n int, rr *int) int {
	switch cfg.Partitioner {
	case PartitionRoundRobin:
		p := *rr % n
		*rr++
		return p
	case PartitionExplicit:
		return cfg.Partition
	}
	return int(hash % uint32(n))
}
