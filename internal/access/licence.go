package access

import (
	"slices"
	"strings"
	"time"
)

// Licence hygiene: who holds product access to the Confluence site without using it. Deactivated and suspended
// accounts are not billed, so the saving is in active accounts that have been idle; the others are reported
// because they get their access back on reactivation.

// AccountTypeApp is the account type of apps, which hold access for integrations and are set apart.
const AccountTypeApp = "app"

// Usage sorts the site's licensed accounts.
type Usage struct {
	Idle        []Account // active, and inactive for the period (or never active and added before it)
	Deactivated []Account // deactivated, still in a group that gives product access
	Suspended   []Account // suspended, likewise
	Apps        []Account // app accounts, whatever their activity
	Licensed    int       // accounts with product access, apps included, kept accounts excluded
}

// LicenceUsage sorts licensed accounts as of now: idle means no activity in the inactiveDays before now.
// Accounts in keep are left out of every list.
func LicenceUsage(licensed []Account, now time.Time, inactiveDays int, keep []string) Usage {
	cutoff := now.AddDate(0, 0, -inactiveDays)
	var u Usage
	for _, a := range licensed {
		if slices.Contains(keep, a.ID) {
			continue
		}
		u.Licensed++
		switch {
		case a.Type == AccountTypeApp:
			u.Apps = append(u.Apps, a)
		case a.Status == "deactivated":
			u.Deactivated = append(u.Deactivated, a)
		case a.Status == "suspended":
			u.Suspended = append(u.Suspended, a)
		case a.Status != AccountActive:
		case a.LastActive.IsZero() && !a.AddedToOrg.IsZero() && a.AddedToOrg.Before(cutoff),
			!a.LastActive.IsZero() && a.LastActive.Before(cutoff):
			u.Idle = append(u.Idle, a)
		}
	}
	for _, list := range [][]Account{u.Idle, u.Deactivated, u.Suspended, u.Apps} {
		slices.SortFunc(list, func(x, y Account) int { return strings.Compare(x.Email+x.ID, y.Email+y.ID) })
	}
	return u
}
