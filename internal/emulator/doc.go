// Package emulator is an in-memory Atlassian Cloud: the SCIM user provisioning API, the Organizations
// (Admin) API and the Confluence REST API (v1 and v2, on the site form and on the api.atlassian.com
// gateway form) served from one HTTP server, path-compatible with the real hosts. It keeps state and
// enforces the rules of the real services (see the reference notes), so the provider can be pointed at
// it by URL settings alone.
//
// Files by concern: router.go (routes, query parameter tables, middleware, error shapes), reply.go (the
// one way a handler answers), scim*.go, admin_*.go (admin_users_lifecycle.go: suspension, product access
// and last-active dates), confluence_*.go (confluence_permission_check.go: the v1 content permission check
// on the spaces' home pages), model.go (the state all three APIs share, and the seeded Options.Population)
// and faults*.go.
//
// Space permissions are evaluated in one place: state.holds (classic grants and role assignments for a
// user, a group or anonymous users, confluence_access.go); the permission check adds the site access a
// user needs (state.contentAccess). No route records product activity: Options.Population (standalone:
// -idle, -never-active, -suspended, -deactivated, -guests) seeds last-active times and account states.
//
// Where Atlassian's documents are silent the emulator models one behaviour, marked UNCONFIRMED beside its
// code. The list:
//
// SCIM
//   - A user deactivated by DELETE or by active=false answers 404 everywhere and leaves the lists; a POST of
//     the same userName re-activates the record with its SCIM id and Atlassian account, the POST's
//     attributes replacing the stored ones (scim_state.go).
//   - A deactivated member disappears from its groups' members but keeps the membership, which comes back
//     when the user is re-activated (scim_state.go).
//
// Organizations API
//   - A write naming the all-directories id "-" is answered 400 ADMIN-400-24 (admin_directories.go).
//   - Creating a group in the identity provider's directory is refused 403 ADMIN-403-5 (admin_groups.go).
//   - Assigning a held role is a 200 no-op and revoking one not held a 204 no-op (admin_roles.go).
//   - An unmodelled query parameter is answered 400 ADMIN-400-24 (router.go).
//   - Suspending a suspended account and restoring one not suspended are 204 no-ops; a deactivated
//     account's suspension is kept and shows once it is reactivated (admin_users_lifecycle.go).
//   - A suspended account keeps its groups and still matches roleIds/resourceIds filters through them;
//     it has no productAccess, and its Confluence token answers 401 (admin_users_lifecycle.go, router.go).
//   - A product the account never used is left out of productAccess and of last-active-dates'
//     product_access; the v1 route's product id is the site's cloud id (admin_users_lifecycle.go).
//   - Guests hold atlassian/guest on the site through a seeded confluence-guests group (model.go).
//
// Confluence
//   - Writes the site's role mode refuses answer 400 naming the mode (confluence_access.go).
//   - Anonymous access reads in v2 as principal {"type":"user","id":"anonymous"} (confluence_access.go).
//   - Space roles: system roles are read-only (400), duplicate names are 400, required permissions are
//     enforced, assigned roles cannot be deleted, and role assignment writes apply at once
//     (confluence_roles.go).
//   - Content permission check: the content is each space's home page; classic "create/page" lets a user
//     edit (update); a Confluence administrator is a member of site-admins or org-admins; an unknown
//     account or group id is 400; site-wide anonymous access is not modelled (confluence_permission_check.go).
//   - Permission "companion" side effects reported by third parties are not modelled
//     (confluence_permissions.go).
//   - Confluence and Admin API group ids are one id (confluence_permissions.go, confluence_groups.go).
//   - v1 groups: list order and caps, next links, a taken name on create (400), created groups visible at
//     once, refusals of synced, default and admin groups (403), unknown group on membersByGroupId (400),
//     adding a member twice (201), memberof without or with an unknown accountId (confluence_groups.go).
//   - v1 user/bulk: account ids comma-separated in one accountId, unknown ids left out, a missing accountId
//     400 (confluence_permissions.go).
//   - Labels: several match any one of them, exactly (confluence_v2.go); gateway next links keep the
//     gateway prefix (confluence_v2.go).
//   - Removed v1 routes answer 410, and which ones do (router.go); the gateway's answer to an unknown cloud
//     id is a 404 in the v2 shape (router.go, contract/gateway.go).
//
// All APIs
//   - Query parameters a route does not model are refused with 400 in the API's error shape rather than
//     ignored, so a client never acts on an unfiltered answer (router.go).
//   - The body of an answer outside every API's prefix (router.go).
package emulator
