package checks

import (
	"strings"
	"testing"
)

func TestEventName(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
		hint string
	}{
		{"SendWelcomeEmail", false, "WelcomeEmailSent"},
		{"CreateOrder", false, "OrderCreated"},
		{"ResetPassword", false, "PasswordReset"},
		{"ApplyDiscount", false, "DiscountApplied"},
		{"ShipOrder", false, "OrderShipped"},
		{"Deposit", false, "Deposited"},
		{"send-welcome-email", false, "welcomeemailSent"},
		{"AccountBalance", false, "no past-tense verb"},
		{"Deposited", true, ""},
		{"Withdrew", true, ""},
		{"WelcomeEmailSent", true, ""},
		{"PasswordReset", true, ""},
		{"OrderPlaced", true, ""},
		{"PaymentReceived", true, ""},
		{"HTTPRequestFailed", true, ""},
		{"CartCheckedOut", true, ""},
	} {
		p, ok := EventName(c.name)
		if ok != c.ok {
			t.Errorf("EventName(%q) ok = %v, want %v (%s)", c.name, ok, c.ok, p)
			continue
		}
		if !ok && !strings.Contains(strings.ToLower(p), strings.ToLower(c.hint)) {
			t.Errorf("EventName(%q) = %q, want it to mention %q", c.name, p, c.hint)
		}
	}
}

// TestEventNameFactsAndCommands: many nouns are verbs too (email, invoice,
// transfer, refund). A name that starts with one and ends in a past
// participle is a fact; the same verb with no past-tense word after it is
// a command.
func TestEventNameFactsAndCommands(t *testing.T) {
	for _, name := range []string{"EmailSent", "InvoicePaid", "TransferCompleted", "RefundIssued",
		"OrderShipped", "PaymentFailed", "DepositReceived", "CheckCompleted", "MailBounced", "SignupRequested"} {
		if p, ok := EventName(name); !ok {
			t.Errorf("EventName(%q): %s, want a fact", name, p)
		}
	}
	for _, c := range []struct{ name, hint string }{
		{"SendEmail", "EmailSent"}, {"PayInvoice", "InvoicePaid"}, {"CompleteTransfer", "TransferCompleted"},
		{"IssueRefund", "RefundIssued"}, {"Deposit", "Deposited"}, {"EmailCustomer", "CustomerEmailed"},
		{"MarkAsRead", `verb "Mark"`}, {"TransferFunds", "FundsTransferred"},
	} {
		p, ok := EventName(c.name)
		if ok || !strings.Contains(p, c.hint) {
			t.Errorf("EventName(%q) = %q, %v: want a command, suggesting %s", c.name, p, ok, c.hint)
		}
	}
	// Words that end in -ed without being past forms give no fact.
	if p, ok := EventName("EmbedVideo"); ok {
		t.Errorf("EventName(EmbedVideo) is a fact: %s", p)
	}
}
