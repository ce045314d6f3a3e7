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
	tests := map[string]struct {
		policy access.Policy
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
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, v := range tt.policy.Check(tt.change, adminRoles) {
				got = append(got, v.Rule+":"+v.Principal.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("violations %v, want %v", got, tt.want)
			}
		})
	}
}
