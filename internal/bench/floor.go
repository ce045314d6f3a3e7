package bench

import "fmt"

// The API floor of a step is the fewest requests Atlassian's API allows for it
// (/work/shared/reference/atlassian-api.md §3): classic space permissions are read only through v2, one listing
// per space and page (GET /wiki/api/v2/spaces/{id}/permissions, limit ≤ 250), and that route takes the space id,
// so the keys of the configuration are resolved to ids first (GET /wiki/api/v2/spaces?keys=…, ≤ 250 keys per
// request). They are written only through v1, one permission per request (POST
// /wiki/rest/api/space/{key}/permission, DELETE /wiki/rest/api/space/{key}/permission/{id}): there is no bulk
// write. Reading the site's space role mode (GET /wiki/api/v2/space-role-mode) decides whether grants are classic
// permissions or roles; the provider reads it once per run, as it does the current user when a resource needs it
// (GET /wiki/rest/api/user/current). With the organization's credentials beside the site's, as the bench
// configures them, each run also checks once that both name one organization (GET .../directories, POST
// .../workspaces): a fixed per-run read that keeps the provider from writing to another organization's site.
const (
	// v2PageSize is the largest page of a v2 listing (permissions, role assignments and spaces).
	v2PageSize = 250
	// keysPerLookup is the most keys one v2 spaces request resolves.
	keysPerLookup = 250
	// roleModeReads is the fixed per-run read every step needs: the site's space role mode.
	roleModeReads = 1
	// currentUserReads is the read of the provider's own account, which only a step that changes an exclusive
	// table needs (it refuses a table that takes the account's administration of the space away).
	currentUserReads = 1
	// orgCheckReads is the per-run check that the site and the organization credential belong together.
	orgCheckReads = 2
)

// seededPermissionsPerSpace is how many permissions a generated space holds before the run: the provider account's
// (Site.AdminPermissions) and confluence-users' read/space.
func seededPermissionsPerSpace(site Site) int { return len(site.AdminPermissions) + 1 }

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Floors are the API floors of a scenario's four steps, with how the refresh floor was counted.
type Floors struct {
	Apply, Refresh, Plan, Destroy int
	Formula                       string
}

// FloorsOf counts the floors of s on site (the emulator's default role mode, ROLES_TRANSITION).
//
//   - refresh and plan: one permission listing per space and page of its permissions after the apply (the
//     seeded ones and G × P) and the organization check. The state holds each space's id, so no key is looked
//     up. An exclusive table is the whole access table of its space, and on a site with space
//     roles a role assignment is a server state apart from classic permissions (atlassian-api.md §3.7): it also
//     needs one role-assignment listing per space (none are made, so one page each). A per-principal resource
//     holds classic permissions only and needs none; the exclusive table also needs the role mode, to know
//     which of the two it reads.
//   - apply (from nothing): the refresh floor (a create must still read what the space holds, to add only what
//     is missing and to read back what it wrote), one key→id lookup per 250 spaces (the configuration names
//     keys), plus one v1 write per grant added (S × G × P; both shapes keep every seeded grant, so nothing is
//     revoked), plus the role mode for per-principal resources (a write must know the site takes classic
//     permissions) and the current user for exclusive tables.
//   - destroy: terraform destroy refreshes first, so the refresh floor, plus one v1 delete per permission removed
//     for the per-principal shape: removing read/space removes all of that principal's permissions in the space
//     (atlassian-api.md §3.4), so one delete per (space, group), S × G. The exclusive table's destroy revokes
//     nothing.
//
// Terraform runs a plan walk and an apply walk in two provider processes, so a provider cannot share what it
// read in the first with the second; the floor still counts each read once: it is the API's minimum, and the
// budgets (budget.go) allow the second walk.
func FloorsOf(s Scenario, site Site) Floors {
	perSpace := seededPermissionsPerSpace(site) + s.Groups*s.Permissions
	listings := s.Spaces * ceilDiv(perSpace, v2PageSize)
	lookups := ceilDiv(s.Spaces, keysPerLookup)
	roleListings, roleMode := 0, 0
	if s.Shape == Exclusive {
		roleListings, roleMode = s.Spaces, roleModeReads
	}
	refresh := listings + roleListings + roleMode + orgCheckReads
	f := Floors{
		Refresh: refresh,
		Plan:    refresh,
		Apply:   refresh + lookups + s.Grants(),
		Destroy: refresh,
		Formula: fmt.Sprintf("refresh floor %d = %d permission listings (%d spaces × %d page of %d permissions) + %d role-assignment listings + %d role mode + %d organization check",
			refresh, listings, s.Spaces, ceilDiv(perSpace, v2PageSize), perSpace, roleListings, roleMode, orgCheckReads),
	}
	switch s.Shape {
	case PerPrincipal:
		f.Apply += roleModeReads // a write must know the site takes classic permissions
		f.Destroy += s.Spaces * s.Groups
	case Exclusive:
		f.Apply += currentUserReads
	}
	return f
}
