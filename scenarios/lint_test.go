package scenarios

import (
	"strings"
	"testing"
)

// TestLintFactsAndCommands: lint warns at every command-shaped event type
// (SendEmail, PayInvoice, CompleteTransfer, IssueRefund, Deposit) and at
// none of the facts, even those whose first word is also a verb (EmailSent,
// InvoicePaid, TransferCompleted, RefundIssued).
func TestLintFactsAndCommands(t *testing.T) {
	facts := []string{"EmailSent", "InvoicePaid", "TransferCompleted", "RefundIssued"}
	commands := []string{"SendEmail", "PayInvoice", "CompleteTransfer", "IssueRefund", "Deposit"}
	var events strings.Builder
	for _, name := range append(append([]string{}, facts...), commands...) {
		events.WriteString("      - type: " + name + "\n")
	}
	src := strings.Replace(pubsubBase, "      - type: OrderPlaced\n", events.String(), 1)
	s, err := Parse("lint.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ws := Lint(s)
	lines := strings.Split(src, "\n")
	var warned []string
	for _, w := range ws {
		line := lines[w.Line-1]
		warned = append(warned, strings.TrimSpace(line[w.Col-1:]))
	}
	if strings.Join(warned, ",") != strings.Join(commands, ",") {
		t.Errorf("lint warned at %v, want exactly the commands %v; warnings: %v", warned, commands, ws)
	}
}
