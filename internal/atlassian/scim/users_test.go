package scim_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func TestWithPrimaryEmail(t *testing.T) {
	t.Parallel()
	work := func(v string) scim.Email { return scim.Email{Value: v, Type: "work", Primary: true} }
	cases := map[string]struct {
		in   []scim.Email
		addr string
		want []scim.Email
	}{
		"no emails": {nil, "a@x.com", []scim.Email{work("a@x.com")}},
		"replaces the primary, keeps the others": {
			[]scim.Email{{Value: "home@x.com", Type: "home"}, {Value: "old@x.com", Type: "work", Primary: true}},
			"new@x.com",
			[]scim.Email{work("new@x.com"), {Value: "home@x.com", Type: "home"}},
		},
		"first stands for the primary when none is marked": {
			[]scim.Email{{Value: "old@x.com"}, {Value: "other@x.com", Type: "other"}},
			"new@x.com",
			[]scim.Email{work("new@x.com"), {Value: "other@x.com", Type: "other"}},
		},
		"a secondary promoted to primary is not listed twice": {
			[]scim.Email{{Value: "old@x.com", Primary: true}, {Value: "Alias@X.com", Type: "other"}},
			"alias@x.com",
			[]scim.Email{work("alias@x.com")},
		},
	}
	for name, c := range cases {
		u := scim.User{Emails: c.in}
		if got := u.WithPrimaryEmail(c.addr); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", name, got, c.want)
		}
	}
}

func TestUserAccessors(t *testing.T) {
	t.Parallel()
	if got := scim.EnterprisePath("department"); got != "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" {
		t.Errorf("EnterprisePath = %q", got)
	}
	top := scim.User{Department: "Sales", Organization: "Acme"}
	if top.DepartmentValue() != "Sales" || top.OrganizationValue() != "Acme" {
		t.Errorf("top-level fallback not read: %q %q", top.DepartmentValue(), top.OrganizationValue())
	}
	both := scim.User{Department: "Sales", Enterprise: &scim.Enterprise{Department: "R&D", Organization: "Example"}, Organization: "Acme"}
	if both.DepartmentValue() != "R&D" || both.OrganizationValue() != "Example" {
		t.Errorf("enterprise extension not preferred: %q %q", both.DepartmentValue(), both.OrganizationValue())
	}
	var none scim.User
	if none.GivenNameValue() != "" || none.FamilyNameValue() != "" || !none.IsActive() {
		t.Errorf("zero user: %q %q active=%v", none.GivenNameValue(), none.FamilyNameValue(), none.IsActive())
	}
}

// The PATCH forms the provider sends are the ones the directory applies: enterprise paths set and remove
// department, a replaced emails list keeps the secondary address, and a removed sub-attribute of name goes.
func TestPatchUserForms(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{}, transport.Config{})
	ctx := context.Background()
	active := true
	u, err := c.CreateUser(ctx, scim.User{
		UserName: "Jane.Doe@Example.com",
		Emails:   []scim.Email{{Value: "jane.doe@example.com", Type: "work", Primary: true}, {Value: "jd@home.example", Type: "home"}},
		Name:     &scim.Name{GivenName: "Jane", FamilyName: "Doe"},
		Active:   &active,
		Enterprise: &scim.Enterprise{
			Department: "R&D",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.AccountID() == "" || u.DepartmentValue() != "R&D" {
		t.Fatalf("created user: account %q, department %q", u.AccountID(), u.DepartmentValue())
	}
	found, err := c.FindUsers(ctx, "userName", "jane.doe@example.com")
	if err != nil || len(found) != 1 || found[0].ID != u.ID {
		t.Fatalf("userName lookup in another case: %+v, %v", found, err)
	}
	emu.ResetStats()
	u, err = c.PatchUser(ctx, u.ID,
		scim.Replace(scim.EnterprisePath("department"), "Platform"),
		scim.Replace("emails", u.WithPrimaryEmail("jane@example.com")),
		scim.Remove("name.familyName"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if u.DepartmentValue() != "Platform" || u.PrimaryEmail() != "jane@example.com" || len(u.Emails) != 2 ||
		u.FamilyNameValue() != "" || u.GivenNameValue() != "Jane" {
		t.Errorf("after patch: department %q, emails %+v, name %+v", u.DepartmentValue(), u.Emails, u.Name)
	}
	u, err = c.PatchUser(ctx, u.ID, scim.Remove(scim.EnterprisePath("department")), scim.Replace("active", false))
	if err != nil {
		t.Fatal(err)
	}
	if u.DepartmentValue() != "" || u.IsActive() {
		t.Errorf("after remove: department %q, active %v", u.DepartmentValue(), u.IsActive())
	}
	stats := emu.Stats()
	if stats["PATCH /scim/directory/{directoryId}/Users/{userId}"] != 2 || stats["PUT /scim/directory/{directoryId}/Users/{userId}"] != 0 {
		t.Errorf("requests: %v", stats)
	}
}
