// Package emulator is an in-memory Atlassian Cloud: the SCIM user provisioning API, the Organizations
// (Admin) API and the Confluence REST API (v1 and v2, on the site form and on the api.atlassian.com
// gateway form) served from one HTTP server, path-compatible with the real hosts. It keeps state and
// enforces the rules of the real services (see the reference notes), so the provider can be pointed at
// it by URL settings alone.
//
// Files by concern: router.go (routes, query parameter tables, middleware, error shapes), reply.go (the
// one way a handler answers), scim*.go, admin_*.go, confluence_*.go, model.go (the state all three APIs
// share) and faults*.go.
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
//
// Confluence
//   - Writes the site's role mode refuses answer 400 naming the mode (confluence_access.go).
//   - Anonymous access reads in v2 as principal {"type":"user","id":"anonymous"} (confluence_access.go).
//   - Space roles: system roles are read-only (400), duplicate names are 400, required permissions are
//     enforced, assigned roles cannot be deleted, and role assignment writes apply at once
//     (confluence_roles.go).
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
