package history

// The record kinds of Kafka transactions (KIP-98, KIP-447). A
// transactional producer's records are Append records like any other,
// with its ProducerID and Epoch; which transaction an append belongs to
// follows from the markers: in a partition, the records of a producer id
// belong to the transaction that the next TxnCommit or TxnAbort of that
// producer id in that partition ends.
const (
	// TxnInit: producer Node called InitProducerId for transactional id
	// TxnID and got ProducerID at Epoch. With fencing, the same producer
	// id at a higher epoch: an older instance holding the id is fenced,
	// and its ongoing transaction was aborted first (its TxnAbort records
	// come before this one).
	TxnInit Kind = "txn-init"
	// TxnBegin: the coordinator started a transaction of TxnID
	// (ProducerID at Epoch) for Node: its first write or offsets.
	TxnBegin Kind = "txn-begin"
	// TxnCommit: the coordinator wrote a commit marker of TxnID's
	// transaction (ProducerID, Epoch) in Topic/Partition at Offset; Node
	// is the producer that ended it ("broker" when the coordinator did).
	// A transaction that wrote no partition but offsets gets one record
	// without a Topic.
	TxnCommit Kind = "txn-commit"
	// TxnAbort: the same for an abort marker: every record of the
	// transaction in that partition is aborted. The coordinator aborts on
	// its own when a transaction outlives its timeout, and when a new
	// instance of the transactional id calls InitProducerId.
	TxnAbort Kind = "txn-abort"
	// ProducerFenced: Node's write, offsets or commit for TxnID under
	// Epoch was refused (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH): a
	// newer instance holds the transactional id. Event names the record
	// it tried to write, if any.
	ProducerFenced Kind = "producer-fenced"
)
