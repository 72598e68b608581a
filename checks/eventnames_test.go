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
