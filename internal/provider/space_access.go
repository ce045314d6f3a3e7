package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// classicPermissions are the key/target pairs a v1 write accepts: the pairs Atlassian's schema documents as
// valid, plus update/page and update/blogpost (reference §3.3).
var classicPermissions = []string{
	"read/space", "administer/space", "export/space", "restrict_content/space", "delete/space",
	"create/page", "update/page", "delete/page", "archive/page",
	"create/blogpost", "update/blogpost", "delete/blogpost",
	"create/comment", "delete/comment",
	"create/attachment", "delete/attachment",
}

const administerSpace = "administer/space"

// principalIDPattern is what a group id, account id or access class looks like: no slash (it is a part of
// import IDs) and no spaces.
var principalIDPattern = regexp.MustCompile(`^[^/\s]+$`)

// spacePrincipalID is the import ID of a principal's access in a space: SPACEKEY/type/id, or SPACEKEY/anonymous.
func spacePrincipalID(spaceKey string, p confluence.Principal) string {
	return spaceKey + "/" + p.String()
}

// Space role modes (GET /wiki/api/v2/space-role-mode).
const (
	rolesModeClassic    = "PRE_ROLES"
	rolesModeTransition = "ROLES_TRANSITION"
	rolesModeRoles      = "ROLES"
)

// spaceAccess is one space as the space access resources see it: the client, the space and the site's role mode.
type spaceAccess struct {
	client *confluence.Client
	space  *confluence.Space
	mode   string
}

// loadSpace resolves a space key (one batched lookup per run) and the site's role mode (one read per run).
// A missing space is an attribute error on space_key.
func (d *providerData) loadSpace(ctx context.Context, key string) (*spaceAccess, diag.Diagnostics) {
	var diags diag.Diagnostics
	client, cd := d.Confluence(ctx)
	diags.Append(cd...)
	if diags.HasError() {
		return nil, diags
	}
	space, err := client.SpaceByKey(ctx, key)
	if transport.IsNotFound(err) {
		diags.AddAttributeError(path.Root("space_key"), "Space not found",
			fmt.Sprintf("No space with key %q exists, or the Confluence account cannot view it (Confluence hides spaces it may not see). "+
				"Check the key (keys are case-sensitive) and that the account administers the space.", key))
		return nil, diags
	}
	if err != nil {
		addAPIError(&diags, "Could not look up the space", err)
		return nil, diags
	}
	mode, err := client.SpaceRoleMode(ctx)
	if err != nil {
		addAPIError(&diags, "Could not read the site's space role mode", err)
		return nil, diags
	}
	return &spaceAccess{client: client, space: space, mode: mode}, nil
}

// requireClassic refuses classic permission writes on a site whose spaces use roles only.
func (s *spaceAccess) requireClassic(diags *diag.Diagnostics) bool {
	if s.mode != rolesModeRoles {
		return true
	}
	diags.AddAttributeError(path.Root("space_key"), "Space uses roles, not classic permissions",
		fmt.Sprintf("The Confluence site is in space role mode %s, which refuses classic space permissions. Give access in space %s "+
			"with confluence_space_role_assignment, or with role_id grants in confluence_space_permissions_exclusive.", s.mode, s.space.Key))
	return false
}

// requireRoles refuses role assignments on a site that has no space roles yet.
func (s *spaceAccess) requireRoles(diags *diag.Diagnostics) bool {
	if s.mode != rolesModeClassic {
		return true
	}
	diags.AddAttributeError(path.Root("space_key"), "Space uses classic permissions, not roles",
		fmt.Sprintf("The Confluence site is in space role mode %s, which has no space roles. Give access in space %s with "+
			"confluence_space_principal_permissions, or with permissions grants in confluence_space_permissions_exclusive.", s.mode, s.space.Key))
	return false
}

// principalPermissions returns the classic permissions principal holds in the space, from the space's one
// listing per run.
func (s *spaceAccess) principalPermissions(ctx context.Context, principal confluence.Principal) ([]confluence.Permission, error) {
	all, err := s.client.SpacePermissions(ctx, s.space.ID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(p confluence.Permission) bool { return p.Principal != principal }), nil
}

// operationStrings lists permissions in key/target form, sorted and without duplicates.
func operationStrings(perms []confluence.Permission) []string {
	out := make([]string, 0, len(perms))
	for _, p := range perms {
		out = append(out, p.Operation.String())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// setPrincipalPermissions makes principal hold exactly want (key/target strings) in the space, in the order the
// API needs: read/space added first, the other additions and removals concurrently (up to parallelism), and
// read/space removed last (which removes whatever the principal still holds). Every write is attempted even
// when some fail; the result is what the principal holds afterwards, read back from the space's listing, so
// that a partial failure leaves the truth in state. An error names every write that failed.
func (s *spaceAccess) setPrincipalPermissions(ctx context.Context, principal confluence.Principal, want []string, parallelism int) ([]string, error) {
	current, err := s.principalPermissions(ctx, principal)
	if err != nil {
		return nil, err
	}
	have := operationStrings(current)
	add := difference(want, have)
	var remove []confluence.Permission
	var removeRead *confluence.Permission
	for i, p := range current {
		switch {
		case slices.Contains(want, p.Operation.String()):
		case p.Operation == confluence.ReadSpace:
			removeRead = &current[i]
		default:
			remove = append(remove, p)
		}
	}
	if removeRead != nil {
		remove = nil // removing read/space removes the rest with it
	}

	grant := func(ctx context.Context, op string) error {
		o, err := confluence.ParseOperation(op)
		if err == nil {
			_, err = s.client.AddPermission(ctx, s.space.Key, s.space.ID, confluence.Permission{Principal: principal, Operation: o})
		}
		if err != nil {
			return fmt.Errorf("granting %s to %s: %w", op, principal, err)
		}
		return nil
	}
	revoke := func(ctx context.Context, p confluence.Permission) error {
		if err := s.client.RemovePermission(ctx, s.space.Key, s.space.ID, p.ID); err != nil {
			return fmt.Errorf("removing %s from %s: %w", p.Operation, principal, err)
		}
		return nil
	}

	var errs []error
	if slices.Contains(add, confluence.ReadSpace.String()) {
		if err := grant(ctx, confluence.ReadSpace.String()); err != nil {
			// Nothing else can be granted without read/space.
			return s.held(ctx, principal, err)
		}
		add = slices.DeleteFunc(add, func(op string) bool { return op == confluence.ReadSpace.String() })
	}
	errs = append(errs,
		forEach(ctx, parallelism, add, grant),
		forEach(ctx, parallelism, remove, revoke),
	)
	if removeRead != nil {
		errs = append(errs, revoke(ctx, *removeRead))
	}
	return s.held(ctx, principal, errors.Join(errs...))
}

// held reads back what principal holds, joining any read error to err.
func (s *spaceAccess) held(ctx context.Context, principal confluence.Principal, err error) ([]string, error) {
	if err != nil {
		s.client.ForgetSpacePermissions(s.space.ID) // a failed write may still have happened
	}
	// Read back even when interrupted, so that what was applied is in the state.
	ctx, cancel := transport.Detached(ctx)
	defer cancel()
	now, rerr := s.principalPermissions(ctx, principal)
	if rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	return operationStrings(now), err
}

// accessPlan is what a change leaves principals holding in a space: classic permissions and role ids for the
// principals it names. When exhaustive, every principal it does not name loses all access (the authoritative
// table); otherwise they keep what they hold.
type accessPlan struct {
	classic    map[confluence.Principal][]string
	roles      map[confluence.Principal]string
	exhaustive bool
}

// admins lists who holds administer/space once plan is applied, directly or through a role.
func (s *spaceAccess) admins(ctx context.Context, plan accessPlan) ([]confluence.Principal, error) {
	perms, err := s.client.SpacePermissions(ctx, s.space.ID)
	if err != nil {
		return nil, err
	}
	var assignments []confluence.RoleAssignment
	adminRoles := map[string]bool{}
	if s.mode != rolesModeClassic {
		if assignments, err = s.client.RoleAssignments(ctx, s.space.ID); err != nil {
			return nil, err
		}
		roles, err := s.client.SpaceRoles(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			adminRoles[r.ID] = slices.Contains(r.Permissions, administerSpace)
		}
	}
	var out []confluence.Principal
	add := func(p confluence.Principal) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for p, ops := range plan.classic {
		if slices.Contains(ops, administerSpace) {
			add(p)
		}
	}
	for p, role := range plan.roles {
		if adminRoles[role] {
			add(p)
		}
	}
	if plan.exhaustive {
		return out, nil
	}
	for _, perm := range perms {
		if _, planned := plan.classic[perm.Principal]; !planned && perm.Operation.String() == administerSpace {
			add(perm.Principal)
		}
	}
	for _, a := range assignments {
		if _, planned := plan.roles[a.Principal]; !planned && adminRoles[a.RoleID] {
			add(a.Principal)
		}
	}
	return out, nil
}

// checkAdminKept refuses, at plan time, a change that would leave the space without an administrator, or take
// the calling account's own administration of the space away (unless allowSelfLockout). planned is the classic
// permission set of the principals the change manages; others keep what they hold.
func (s *spaceAccess) checkAdminKept(ctx context.Context, planned map[confluence.Principal][]string, allowSelfLockout bool, diags *diag.Diagnostics) {
	s.checkAccessPlan(ctx, accessPlan{classic: planned}, allowSelfLockout, diags)
}

// checkAccessPlan is checkAdminKept for any accessPlan.
func (s *spaceAccess) checkAccessPlan(ctx context.Context, plan accessPlan, allowSelfLockout bool, diags *diag.Diagnostics) {
	after, err := s.admins(ctx, plan)
	if err != nil {
		addAPIError(diags, "Could not read who administers the space", err)
		return
	}
	if len(after) == 0 {
		diags.AddError("The space would have no administrator",
			fmt.Sprintf("After this change nobody would hold %s in space %s, directly or through a role, and Confluence refuses "+
				"to remove its last administrator. Keep %s for at least one principal.", administerSpace, s.space.Key, administerSpace))
		return
	}
	if allowSelfLockout {
		return
	}
	me, err := s.client.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Could not read the calling account", err)
		return
	}
	self := confluence.Principal{Type: confluence.PrincipalUser, ID: me.AccountID}
	if slices.Contains(after, self) {
		return
	}
	before, err := s.admins(ctx, accessPlan{})
	if err != nil {
		addAPIError(diags, "Could not read who administers the space", err)
		return
	}
	if slices.Contains(before, self) {
		diags.AddError("This change would remove your own administration of the space",
			fmt.Sprintf("The account the provider runs as (%s) administers space %s directly, and this configuration takes that "+
				"away: the provider could no longer manage the space's access. Keep %s (or an administering role) for that "+
				"account, or set allow_self_lockout = true if that is intended.", me.AccountID, s.space.Key, administerSpace))
	}
}

// groupExists turns a group id that names no group into a plan-time error on principal_id, so that nothing in
// the same apply (a role, another grant) is written before the API refuses the principal.
func groupExists(ctx context.Context, c *confluence.Client, id string, diags *diag.Diagnostics) bool {
	_, err := c.GroupByID(ctx, id)
	if transport.IsNotFound(err) {
		diags.AddAttributeError(path.Root("principal_id"), "Group not found",
			fmt.Sprintf("No group with id %q exists on the Confluence site. principal_id takes the group's id, not its name: "+
				"use confluence_group_mapping.<name>.confluence_group_id, confluence_group.<name>.id or "+
				"data.confluence_group.<name>.id.", id))
		return false
	}
	if err != nil {
		addAPIError(diags, "Could not check that the group exists", err)
		return false
	}
	return true
}
