package access_test

import (
	"slices"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	anon := access.Principal{Type: access.PrincipalAnonymous}
	breakGlass := access.Principal{Type: access.PrincipalUser, ID: "bg"}
	admins := access.Principal{Type: access.PrincipalGroup, ID: "admins"}
	adminRoles := map[string]bool{"r-admin": true, "r-viewer": false}
	guest := access.Principal{Type: access.PrincipalUser, ID: "guest"}
	guests := map[string]bool{"guest": true, "me": false}
	everyone := access.Principal{Type: access.PrincipalAccessClass, ID: "authenticated-users"}
	tests := map[string]struct {
		policy access.Policy
		space  string // ENG when empty
		change access.Change
		want   []string // rule:principal
	}{
		"no rule": {change: access.Change{Classic: map[access.Principal][]string{anon: {access.ReadSpace}}}},
		"anonymous": {
			policy: access.Policy{DenyAnonymous: true},
			change: access.Change{Classic: map[access.Principal][]string{anon: {access.ReadSpace}, team: {access.ReadSpace}}},
			want:   []string{"deny_anonymous:anonymous"},
		},
		"a removal never violates": {
			policy: access.Policy{DenyAnonymous: true, DenyUsers: true},
			change: access.Change{Classic: map[access.Principal][]string{anon: nil, me: nil}, Roles: map[access.Principal]string{me: ""}},
		},
		"users, with a break-glass account": {
			policy: access.Policy{DenyUsers: true, AllowedUsers: []string{"bg"}},
			change: access.Change{Classic: map[access.Principal][]string{me: {access.ReadSpace}, breakGlass: {access.ReadSpace}}, Roles: map[access.Principal]string{me: "r-viewer"}},
			want:   []string{"deny_user_principals:user/me", "deny_user_principals:user/me"},
		},
		"admins, directly and through a role": {
			policy: access.Policy{Admins: []access.Principal{admins}},
			change: access.Change{
				Classic: map[access.Principal][]string{admins: {access.ReadSpace, access.AdministerSpace}, team: {access.ReadSpace, access.AdministerSpace}},
				Roles:   map[access.Principal]string{me: "r-admin", breakGlass: "r-viewer"},
			},
			want: []string{"admin_principals:group/team", "admin_principals:user/me"},
		},
		"guests, in a listed space, by permission and by role": {
			policy: access.Policy{DenyGuestsIn: []string{"OPS", "eng"}},
			change: access.Change{
				Classic: map[access.Principal][]string{guest: {access.ReadSpace}, me: {access.ReadSpace}, team: {access.ReadSpace}, everyone: {access.ReadSpace}},
				Roles:   map[access.Principal]string{guest: "r-viewer"},
			},
			want: []string{"deny_guests_in:user/guest", "deny_guests_in:user/guest"},
		},
		"guests, in a space the rule does not list": {
			policy: access.Policy{DenyGuestsIn: []string{"OPS"}},
			change: access.Change{Classic: map[access.Principal][]string{guest: {access.ReadSpace}}, Roles: map[access.Principal]string{guest: "r-viewer"}},
		},
		"guests, removing access": {
			policy: access.Policy{DenyGuestsIn: []string{"ENG"}},
			change: access.Change{Classic: map[access.Principal][]string{guest: nil}, Roles: map[access.Principal]string{guest: ""}},
		},
		"a guest the user rule refuses too, and its administration": {
			policy: access.Policy{DenyGuestsIn: []string{"ENG"}, DenyUsers: true, Admins: []access.Principal{admins}},
			change: access.Change{Classic: map[access.Principal][]string{guest: {access.ReadSpace, access.AdministerSpace}}},
			want:   []string{"admin_principals:user/guest", "deny_guests_in:user/guest", "deny_user_principals:user/guest"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []string
			space := tt.space
			if space == "" {
				space = "ENG"
			}
			for _, v := range tt.policy.Check(tt.change, access.Facts{Space: space, AdminRoles: adminRoles, Guests: guests}) {
				got = append(got, v.Rule+":"+v.Principal.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

// Only the users a change gives access to in a listed space need looking up; nothing at all elsewhere.
func TestPolicyGuestCandidates(t *testing.T) {
	t.Parallel()
	p := access.Policy{DenyGuestsIn: []string{"ENG"}}
	b := access.Principal{Type: access.PrincipalUser, ID: "b"}
	a := access.Principal{Type: access.PrincipalUser, ID: "a"}
	gone := access.Principal{Type: access.PrincipalUser, ID: "gone"}
	c := access.Change{
		Classic: map[access.Principal][]string{b: {access.ReadSpace}, team: {access.ReadSpace}, gone: nil, {Type: access.PrincipalAnonymous}: {access.ReadSpace}},
		Roles:   map[access.Principal]string{a: "r-viewer", b: "r-viewer", me: ""},
	}
	if got := p.GuestCandidates("eng", c); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("candidates in ENG: %v, want [a b]", got)
	}
	if got := p.GuestCandidates("OPS", c); got != nil {
		t.Errorf("candidates in OPS, which the rule does not list: %v", got)
	}
	if got := (access.Policy{DenyUsers: true}).GuestCandidates("ENG", c); got != nil {
		t.Errorf("candidates without the rule: %v", got)
	}
	if (access.Policy{DenyGuestsIn: []string{"ENG"}}).Empty() {
		t.Error("a policy with deny_guests_in reports itself empty")
	}
}
