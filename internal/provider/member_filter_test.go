package provider

import (
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
)

func TestMemberFilterExcludes(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	const site = "ari:cloud:confluence::site/1"
	stamp := func(days int) string { return now.AddDate(0, 0, -days).Format(time.RFC3339) }
	user := func(status string, lastActiveDays, addedDays int) admin.User {
		u := admin.User{AccountID: "a", Status: status, AddedToOrg: stamp(addedDays)}
		if lastActiveDays >= 0 {
			u.ProductAccess = []admin.ProductAccess{{ID: "ari:cloud:jira::site/1", LastActiveTimestamp: stamp(0)}, {ID: site, LastActiveTimestamp: stamp(lastActiveDays)}}
		}
		return u
	}
	f := memberFilter{statuses: []string{"active"}, inactiveDays: 30}
	for _, c := range []struct {
		u    admin.User
		want string
	}{
		{user("active", 5, 400), ""},
		{user("suspended", 5, 400), "status suspended"},
		{user("active", 45, 400), "inactive since 2026-10-17"},
		{user("active", -1, 400), "never active"},
		{user("active", -1, 10), ""}, // new: not yet idle
	} {
		if got := f.excludes(c.u, site, now); got != c.want {
			t.Errorf("%+v: %q, want %q", c.u, got, c.want)
		}
	}
	if got := (memberFilter{}).excludes(user("deactivated", -1, 400), site, now); got != "" {
		t.Errorf("no filter excludes %q", got)
	}
}
