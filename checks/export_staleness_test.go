package checks

import "github.com/evsim/evsim/model/history"

// StalenessWorstOnly is the report bounded-staleness reads: the worst a
// query saw and each read model's staleness at the end, without the
// series or a sample per query.
func StalenessWorstOnly(h *history.History) StalenessReport { return staleness(h, 0) }
