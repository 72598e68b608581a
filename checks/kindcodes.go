package checks

import "github.com/evsim/evsim/model/history"

// The codes of the record kinds that the checks' loops over many records
// tell apart ([history.Record.KindCode]): comparing a record's code costs
// less than comparing its kind's string.
var (
	codeAck          = history.Ack.Code()
	codeAppend       = history.Append.Code()
	codeCrash        = history.Crash.Code()
	codeDeadLetter   = history.DeadLetter.Code()
	codeEffect       = history.Effect.Code()
	codeEnd          = history.End.Code()
	codeOffsetCommit = history.OffsetCommit.Code()
	codePoll         = history.Poll.Code()
	codePublishAck   = history.PublishAck.Code()
)
