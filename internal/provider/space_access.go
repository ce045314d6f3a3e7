package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/access/cloud"
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

const administerSpace = access.AdministerSpace

// principalIDPattern is what a group id, account id or access class looks like: no slash (it is a part of
// import IDs) and no spaces.
var principalIDPattern = regexp.MustCompile(`^[^/\s]+$`)

// spacePrincipalID is the import ID of a principal's access in a space: SPACEKEY/type/id, or SPACEKEY/anonymous.
func spacePrincipalID(spaceKey string, p confluence.Principal) string {
	return spaceKey + "/" + p.String()
}

// spaceAccess is one space as the space access resources see it: the engine's table of it (internal/access),
// the Cloud client for what the engine does not cover yet, and the site's role mode as Cloud names it.
type spaceAccess struct {
	*access.Table
	client *confluence.Client
	mode   string
}

// newSpaceAccess is the spaceAccess of a space already looked up.
func newSpaceAccess(client *confluence.Client, space *confluence.Space, mode string) *spaceAccess {
	return &spaceAccess{Table: access.NewTable(cloud.New(client), spaceRef(space), cloud.CapabilitiesOf(mode)), client: client, mode: mode}
}

// spaceRef is the engine's reference to a space the Cloud client looked up.
func spaceRef(s *confluence.Space) access.Space { return access.Space{Key: s.Key, ID: s.ID} }

// loadSpace resolves a space key (batched with concurrent lookups, and known for the run once found; see
// confluence.Client.SpacesByKey) and the site's role mode (one read per run).
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
		addSpaceNotFound(&diags, key)
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
	return newSpaceAccess(client, space, mode), nil
}

// readStateSpace runs read on the space a resource's state names. With the id the state keeps, no key lookup is
// needed, so refreshing a space's resources costs their listings alone. When that id no longer answers (the space
// was deleted and made again under its key, or the state predates space_id), the key is looked up and read runs
// on what it names. found is false when no space the account can view has the key.
func readStateSpace(ctx context.Context, client *confluence.Client, key, id string, read func(*confluence.Space) error) (space *confluence.Space, found bool, err error) {
	if id != "" {
		space = &confluence.Space{Key: key, ID: id}
		if err = read(space); !transport.IsNotFound(err) {
			return space, true, err
		}
	}
	looked, lerr := client.SpaceByKey(ctx, key)
	switch {
	case transport.IsNotFound(lerr):
		return nil, false, nil
	case lerr != nil:
		return nil, true, lerr
	case looked.ID == id: // the space is there, but its listing is not: err says why
		return looked, true, err
	}
	return looked, true, read(looked)
}

// addSpaceNotFound is the attribute error of a space key that names no space the account can see.
func addSpaceNotFound(diags *diag.Diagnostics, key string) {
	diags.AddAttributeError(path.Root("space_key"), "Space not found",
		fmt.Sprintf("No space with key %q exists, or the Confluence account cannot view it (Confluence hides spaces it may not see). "+
			"Check the key (keys are case-sensitive) and that the account administers the space.", key))
}

// requireClassic refuses classic permission writes on a site whose spaces use roles only.
func (s *spaceAccess) requireClassic(diags *diag.Diagnostics) bool {
	if s.Caps.Classic {
		return true
	}
	diags.AddAttributeError(path.Root("space_key"), "Space uses roles, not classic permissions",
		fmt.Sprintf("The Confluence site is in space role mode %s, which refuses classic space permissions. Give access in space %s "+
			"with confluence_space_role_assignment, or with role_id grants in confluence_space_permissions_exclusive.", s.mode, s.Space.Key))
	return false
}

// requireRoles refuses role assignments on a site that has no space roles yet.
func (s *spaceAccess) requireRoles(diags *diag.Diagnostics) bool {
	if s.Caps.Roles {
		return true
	}
	diags.AddAttributeError(path.Root("space_key"), "Space uses classic permissions, not roles",
		fmt.Sprintf("The Confluence site is in space role mode %s, which has no space roles. Give access in space %s with "+
			"confluence_space_principal_permissions, or with permissions grants in confluence_space_permissions_exclusive.", s.mode, s.Space.Key))
	return false
}

// heldPermissions is what principal holds in the space, in key/target form, from the space's one listing per run.
func (s *spaceAccess) heldPermissions(ctx context.Context, principal confluence.Principal) ([]string, error) {
	held, err := s.Held(ctx, principal)
	return access.Permissions(held), err
}

// checkAdminKept refuses, at plan time, a change that would leave the space without an administrator, or take
// the calling account's own administration of the space away (unless allowSelfLockout). planned is the classic
// permission set of the principals the change manages; others keep what they hold.
func (s *spaceAccess) checkAdminKept(ctx context.Context, planned map[confluence.Principal][]string, allowSelfLockout bool, diags *diag.Diagnostics) {
	s.checkChange(ctx, access.Change{Classic: planned}, allowSelfLockout, diags)
}

// checkChange is checkAdminKept for any change: the engine's verdict as diagnostics.
func (s *spaceAccess) checkChange(ctx context.Context, c access.Change, allowSelfLockout bool, diags *diag.Diagnostics) {
	s.reportAdminCheck(s.CheckAdmins(ctx, c, allowSelfLockout), diags)
}

// reportAdminCheck turns the engine's answer on a change's administrators into a diagnostic.
func (s *spaceAccess) reportAdminCheck(err error, diags *diag.Diagnostics) {
	var noAdmin *access.NoAdminError
	var self *access.SelfLockoutError
	switch {
	case err == nil:
	case errors.As(err, &noAdmin):
		diags.AddError("The space would have no administrator",
			fmt.Sprintf("After this change nobody would hold %s in space %s, directly or through a role, and Confluence refuses "+
				"to remove its last administrator. Keep %s for at least one principal.", administerSpace, s.Space.Key, administerSpace))
	case errors.As(err, &self):
		diags.AddError("This change would remove your own administration of the space",
			fmt.Sprintf("The account the provider runs as (%s) administers space %s directly, and this configuration takes that "+
				"away: the provider could no longer manage the space's access. Keep %s (or an administering role) for that "+
				"account, or set allow_self_lockout = true if that is intended.", self.Account, s.Space.Key, administerSpace))
	default:
		addAPIError(diags, "Could not read who administers the space", err)
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

// operationStrings lists the Cloud client's permissions in key/target form, sorted and without duplicates.
func operationStrings(perms []confluence.Permission) []string {
	out := make([]string, 0, len(perms))
	for _, p := range perms {
		out = append(out, p.Operation.String())
	}
	slices.Sort(out)
	return slices.Compact(out)
}
