package access

import (
	"fmt"
	"slices"
	"strings"
)

// Policy is an organisation's guardrails on space access, checked before anything is written.
type Policy struct {
	DenyAnonymous bool        // anonymous users may hold nothing
	DenyUsers     bool        // access goes to groups, not to single accounts…
	AllowedUsers  []string    // …except these account ids (break-glass accounts)
	Admins        []Principal // when set, only these may administer a space, directly or through a role
}

// Empty reports whether the policy has no rule.
func (p Policy) Empty() bool {
	return !p.DenyAnonymous && !p.DenyUsers && len(p.Admins) == 0
}

// MayAdminister reports whether the policy lets pr administer: anyone when Admins is empty.
func (p Policy) MayAdminister(pr Principal) bool {
	return len(p.Admins) == 0 || slices.Contains(p.Admins, pr)
}

// The rules, by the name of the provider setting that turns them on.
const (
	RuleDenyAnonymous   = "deny_anonymous"
	RuleDenyUsers       = "deny_user_principals"
	RuleAdminPrincipals = "admin_principals"
)

// Violation is one principal's access that a rule forbids.
type Violation struct {
	Rule      string
	Principal Principal
	Access    string // what it would hold: "read/space, create/page" or "role r-1"
}

func (v Violation) String() string {
	return fmt.Sprintf("%s would hold %s, which %s forbids", v.Principal, v.Access, v.Rule)
}

// Check lists what c would give that the policy forbids, sorted by principal then rule. adminRoles names the
// roles that carry administer/space. Only the principals c names are judged: others keep what they hold, and
// their own resources answer for them.
func (p Policy) Check(c Change, adminRoles map[string]bool) []Violation {
	var out []Violation
	judge := func(pr Principal, what string, admin bool) {
		if what == "" {
			return
		}
		switch {
		case p.DenyAnonymous && pr.Type == PrincipalAnonymous:
			out = append(out, Violation{Rule: RuleDenyAnonymous, Principal: pr, Access: what})
		case p.DenyUsers && pr.Type == PrincipalUser && !slices.Contains(p.AllowedUsers, pr.ID):
			out = append(out, Violation{Rule: RuleDenyUsers, Principal: pr, Access: what})
		}
		if admin && !p.MayAdminister(pr) {
			out = append(out, Violation{Rule: RuleAdminPrincipals, Principal: pr, Access: what})
		}
	}
	for pr, perms := range c.Classic {
		judge(pr, strings.Join(perms, ", "), slices.Contains(perms, AdministerSpace))
	}
	for pr, role := range c.Roles {
		if role != "" {
			judge(pr, "role "+role, adminRoles[role])
		}
	}
	slices.SortFunc(out, func(a, b Violation) int {
		if c := strings.Compare(a.Principal.String(), b.Principal.String()); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return out
}
