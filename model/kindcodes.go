package model

import "github.com/evsim/evsim/model/history"

// The codes of the kinds of the records of the delivery path and of the
// offset commits, which the model records with [history.Stamp]s.
var (
	codePublish      = history.Publish.Code()
	codeAppend       = history.Append.Code()
	codePublishAck   = history.PublishAck.Code()
	codeDeliver      = history.Deliver.Code()
	codeEffect       = history.Effect.Code()
	codeOffsetCommit = history.OffsetCommit.Code()
)
