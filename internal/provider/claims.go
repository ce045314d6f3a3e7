package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// Claims: plan-time guards against resources that fight.
//
// An exclusive resource owns a whole set (a space's access table, a SCIM group's members) and removes whatever it
// does not declare. Beside another exclusive resource or a per-item resource on the same space or group, both
// apply without error and every later apply undoes the other. Terraform never tells a provider the address of
// the resource it plans, nor what else the configuration holds, so each resource's ModifyPlan records a claim on
// its space or group in a registry kept in providerData (one per provider configuration, so one walk of one
// run), and a claim that contradicts an earlier one is an error.
//
// What it cannot see: anything outside this provider instance's run. Two states (workspaces, root modules) or two
// provider configurations managing the same space are invisible to each other; so is a key that is unknown until
// apply, which is checked only when Terraform plans the resource again during apply.

// claimKind is what a claim is on: a space or a SCIM group, with the words its messages use.
type claimKind struct {
	noun          string // "space"
	set           string // what the exclusive resource owns: "access table"
	item          string // one element of the set: "grant"
	exclusiveType string // the resource that owns the whole set
	partialAdvice string // how to manage the set one item at a time instead
}

var (
	spaceClaimKind = claimKind{
		noun: "space", set: "access table", item: "grant",
		exclusiveType: "confluence_space_permissions_exclusive",
		partialAdvice: "manage each principal with its own confluence_space_principal_permissions or confluence_space_role_assignment",
	}
	groupClaimKind = claimKind{
		noun: "SCIM group", set: "member list", item: "member",
		exclusiveType: "confluence_scim_group_members_exclusive",
		partialAdvice: "manage each member with its own confluence_scim_group_member",
	}
)

// claim is one resource instance's hold on a space or group.
type claim struct {
	kind         claimKind
	key          string // space key or SCIM group id
	resourceType string
	exclusive    bool   // owns the whole set rather than one item of it
	fingerprint  string // of the instance's configuration: equal each time Terraform plans the same instance in a run
	subject      string // what identifies the instance beside its type, such as "for group 6f1c…" or "with 3 grants"
}

func (c claim) scope() string { return c.kind.noun + " " + c.key }

func (c claim) describe() string { return "a " + c.resourceType + " " + c.subject }

// sameInstance is how a resource planned twice (replacement, the apply walk's second plan) is told from a second
// resource: Terraform gives no address, so the same type with the same configuration counts as the same instance.
// Two identical exclusive resources would pass, but they declare the same set and do not undo each other.
func (c claim) sameInstance(o claim) bool {
	return c.resourceType == o.resourceType && c.fingerprint == o.fingerprint
}

// fights reports whether two claims on one scope undo each other: any exclusive claim against any other
// resource. Two per-item resources on one space or group are fine.
func (c claim) fights(o claim) bool {
	return c.scope() == o.scope() && (c.exclusive || o.exclusive) && !c.sameInstance(o)
}

// claims is the registry of one run's claims. The zero value is not used; a nil registry records nothing.
type claims struct {
	mu      sync.Mutex
	byScope map[string][]claim
}

func newClaims() *claims { return &claims{byScope: map[string][]claim{}} }

// add records c (once per instance) and returns the earlier claims it fights, in the order they were made. A
// claim that fights is recorded too, so that a third resource on the scope is told about both.
func (r *claims) add(c claim) []claim {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var fights []claim
	known := false
	for _, o := range r.byScope[c.scope()] {
		switch {
		case o.sameInstance(c):
			known = true
		case c.fights(o):
			fights = append(fights, o)
		}
	}
	if !known {
		r.byScope[c.scope()] = append(r.byScope[c.scope()], c)
	}
	return fights
}

// claim records c for the resource being planned and adds an error on attr when it fights a resource planned
// earlier in the run. It reports whether the plan may go on.
func (d *providerData) claim(c claim, attr path.Path, diags *diag.Diagnostics) bool {
	fights := d.claims.add(c)
	if len(fights) == 0 {
		return true
	}
	diags.AddAttributeError(attr, "Resources fight over "+c.scope(), fightDetail(c, fights))
	return false
}

// fightDetail says what else manages the scope, why the two cannot both stay, and how to fix the configuration.
func fightDetail(c claim, fights []claim) string {
	k := c.kind
	var b strings.Builder
	if len(fights) == 1 {
		fmt.Fprintf(&b, "%s is also managed in this configuration by %s.", capitalize(c.scope()), fights[0].describe())
	} else {
		fmt.Fprintf(&b, "%s is also managed in this configuration by:", capitalize(c.scope()))
		for _, o := range fights {
			b.WriteString("\n  - " + o.describe())
		}
	}
	b.WriteString("\n\n")
	if c.exclusive {
		fmt.Fprintf(&b, "This %s owns the whole %s of the %s and removes every %s it does not declare, while the other "+
			"resource declares its own: each apply would undo the other, and the %s would flip between the two on every apply.",
			c.resourceType, k.set, k.noun, k.item, k.noun)
	} else {
		fmt.Fprintf(&b, "The %s owns the whole %s of the %s and removes every %s it does not declare, including this "+
			"resource's, which this resource then adds back: each apply would undo the other, and the %s would flip "+
			"between the two on every apply.", k.exclusiveType, k.set, k.noun, k.item, k.noun)
	}
	b.WriteString("\n\nTerraform does not pass resource addresses to providers, so the other resource's address cannot be " +
		"shown here; it is described by its type and what identifies it.")
	fmt.Fprintf(&b, "\n\nTo fix it, declare the %s's whole %s in one %s (move the other resource's %ss into it and remove "+
		"the other resource), or remove the %s and %s.", k.noun, k.set, k.exclusiveType, k.item, k.exclusiveType, k.partialAdvice)
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// configFingerprint identifies a resource instance's configuration within one run. The string form is stable:
// object attributes are written in sorted order and set elements in the order Terraform sends them.
func configFingerprint(cfg tfsdk.Config) string {
	sum := sha256.Sum256([]byte(cfg.Raw.String()))
	return hex.EncodeToString(sum[:])
}

// countSubject describes a set or map by its size, for the claims of exclusive resources: "with 3 grants".
func countSubject(s interface{ IsUnknown() bool }, item, attr string) string {
	if s.IsUnknown() {
		return "whose " + attr + " are not known yet"
	}
	n := 0
	switch v := s.(type) {
	case types.Set:
		n = len(v.Elements())
	case types.Map:
		n = len(v.Elements())
	}
	switch n {
	case 0:
		return "with no " + item + "s"
	case 1:
		return "with 1 " + item
	default:
		return fmt.Sprintf("with %d %ss", n, item)
	}
}

// principalSubject describes the principal of a per-principal space resource: "for group 6f1c…".
func principalSubject(typ, id types.String) string {
	switch {
	case typ.IsUnknown() || typ.IsNull():
		return "for a principal not known yet"
	case typ.ValueString() == confluence.PrincipalAnonymous:
		return "for anonymous users"
	case id.IsUnknown() || id.IsNull():
		return "for a " + typ.ValueString() + " whose id is not known yet"
	}
	return "for " + typ.ValueString() + " " + id.ValueString()
}

// roleSubject adds the role of a role assignment to its description: " (role 1234)".
func roleSubject(role types.String) string {
	if role.IsUnknown() || role.IsNull() {
		return ""
	}
	return " (role " + role.ValueString() + ")"
}

// userSubject describes the user of a SCIM membership: "for user 5020…".
func userSubject(user types.String) string {
	if user.IsUnknown() || user.IsNull() {
		return "for a user not known yet"
	}
	return "for user " + user.ValueString()
}

// crossStateNote is the schema descriptions' sentence on what the guard cannot see.
func crossStateNote(noun string) string {
	return "Two states (workspaces, root modules) managing the same " + noun + " cannot see each other, so no plan can " +
		"refuse that: it shows as the same changes in every `terraform plan -detailed-exitcode` (see the guide " +
		"*Authoritative and additive resources*)."
}
