package history

// pub/sub: the record kinds of the pub/sub model, registered
// here so that ReadJSONL accepts them.
func init() {
	for _, k := range []Kind{PublishRetry, PublishFail, Poll, Join, Leave, Expire, Rebalance, Assign,
		CommitFenced, Fenced, HandlerError, DeadLetter, Ack, Pause} {
		knownKinds[k] = true
	}
}
