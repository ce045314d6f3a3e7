package access_test

import (
	"slices"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

func TestLicenceUsage(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	licensed := []access.Account{
		{ID: "busy", Email: "a@x", Status: "active", LastActive: days(3), AddedToOrg: days(400)},
		{ID: "idle", Email: "b@x", Status: "active", LastActive: days(120), AddedToOrg: days(400)},
		{ID: "never-old", Email: "c@x", Status: "active", AddedToOrg: days(200)},
		{ID: "never-new", Email: "d@x", Status: "active", AddedToOrg: days(10)},
		{ID: "gone", Email: "e@x", Status: "deactivated", LastActive: days(300)},
		{ID: "paused", Email: "f@x", Status: "suspended"},
		{ID: "bot", Email: "g@x", Status: "active", Type: access.AccountTypeApp, LastActive: days(500)},
		{ID: "kept", Email: "h@x", Status: "active", LastActive: days(365)},
	}
	u := access.LicenceUsage(licensed, now, 90, []string{"kept"})
	ids := func(list []access.Account) []string {
		var out []string
		for _, a := range list {
			out = append(out, a.ID)
		}
		return out
	}
	for name, c := range map[string][2][]string{
		"idle":        {ids(u.Idle), {"idle", "never-old"}},
		"deactivated": {ids(u.Deactivated), {"gone"}},
		"suspended":   {ids(u.Suspended), {"paused"}},
		"apps":        {ids(u.Apps), {"bot"}},
	} {
		if !slices.Equal(c[0], c[1]) {
			t.Errorf("%s: %q, want %q", name, c[0], c[1])
		}
	}
	if u.Licensed != 7 {
		t.Errorf("licensed %d, want 7 (kept accounts left out)", u.Licensed)
	}
}
