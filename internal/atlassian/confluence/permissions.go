package confluence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Principal types: the space-access engine's (access.PrincipalUser, …).
const (
	PrincipalUser        = access.PrincipalUser
	PrincipalGroup       = access.PrincipalGroup
	PrincipalAnonymous   = access.PrincipalAnonymous
	PrincipalAccessClass = access.PrincipalAccessClass
)

// anonymousIdentifier is how v1 names anonymous users: subject {"type":"user","identifier":"anonymous"}
// (spec PermissionSubject). The v2 read documents no anonymous principal; the same form is expected there
// (UNCONFIRMED), and a principal typed "anonymous" is read as anonymous too.
const anonymousIdentifier = "anonymous"

// Principal is who a permission or a role is granted to: the engine's type, so that its results need no
// conversion.
type Principal = access.Principal

// Operation is a classic space permission: key and target, e.g. read/space.
type Operation struct {
	Key    string
	Target string
}

// String is the canonical "key/target" form, the id the permission catalogue uses too.
func (o Operation) String() string { return o.Key + "/" + o.Target }

// ParseOperation reads the "key/target" form.
func ParseOperation(s string) (Operation, error) {
	key, target, ok := strings.Cut(s, "/")
	if !ok || key == "" || target == "" || strings.Contains(target, "/") {
		return Operation{}, fmt.Errorf("confluence: %q is not a space permission: want key/target, e.g. read/space", s)
	}
	return Operation{Key: key, Target: target}, nil
}

// ReadSpace is the permission every other classic permission of a principal depends on: it must be
// granted first, and removing it removes all of the principal's permissions in the space.
var ReadSpace = Operation{Key: "read", Target: "space"}

// Permission is one classic space permission. ID is the v2 id (a numeric string), which v1 deletes take.
type Permission struct {
	ID        string
	Principal Principal
	Operation Operation
}

type wirePermission struct {
	ID        string `json:"id"`
	Principal struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"principal"`
	Operation struct {
		Key        string `json:"key"`
		TargetType string `json:"targetType"`
	} `json:"operation"`
}

func classicPrincipal(typ, id string) Principal {
	if typ == PrincipalAnonymous || typ == PrincipalUser && id == anonymousIdentifier {
		return Principal{Type: PrincipalAnonymous}
	}
	return Principal{Type: typ, ID: id}
}

// SpacePermissions returns every classic permission of a space (v2 id), all pages. The listing is read
// once per space per run, however many callers ask, concurrently or not; writes through this client keep
// it current.
func (c *Client) SpacePermissions(ctx context.Context, spaceID string) ([]Permission, error) {
	set, err := c.permissionSet(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	return set.all(), nil
}

// PrincipalPermissions returns what one principal holds in a space, from the same listing as
// SpacePermissions, in time proportional to what it holds.
func (c *Client) PrincipalPermissions(ctx context.Context, spaceID string, p Principal) ([]Permission, error) {
	set, err := c.permissionSet(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	return set.of(p), nil
}

// permissionSet is the run's listing of a space's permissions, read on first use.
func (c *Client) permissionSet(ctx context.Context, spaceID string) (*permissionSet, error) {
	return c.permissions.Get(ctx, spaceID, func(ctx context.Context) (*permissionSet, error) {
		rows, err := listAll[wirePermission](ctx, c, v2+"/spaces/"+url.PathEscape(spaceID)+"/permissions", url.Values{})
		if err != nil {
			return nil, err
		}
		out := make([]Permission, 0, len(rows))
		for _, r := range rows {
			out = append(out, Permission{
				ID:        r.ID,
				Principal: classicPrincipal(r.Principal.Type, r.Principal.ID),
				Operation: Operation{Key: r.Operation.Key, Target: r.Operation.TargetType},
			})
		}
		return newPermissionSet(out), nil
	})
}

// ForgetSpacePermissions drops what the client remembers of a space's permissions, so the next
// SpacePermissions reads them again (after writes whose side effects the API does not report).
func (c *Client) ForgetSpacePermissions(spaceID string) { c.permissions.Forget(spaceID) }

type v1Subject struct {
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
}

type v1Operation struct {
	Key    string `json:"key"`
	Target string `json:"target"`
}

type v1Permission struct {
	ID        int64       `json:"id"`
	Subject   v1Subject   `json:"subject"`
	Operation v1Operation `json:"operation"`
}

func v1SubjectOf(p Principal) (v1Subject, error) {
	switch p.Type {
	case PrincipalAnonymous:
		return v1Subject{Type: PrincipalUser, Identifier: anonymousIdentifier}, nil
	case PrincipalUser, PrincipalGroup:
		if strings.TrimSpace(p.ID) == "" {
			return v1Subject{}, fmt.Errorf("confluence: a %s principal needs an id", p.Type)
		}
		return v1Subject{Type: p.Type, Identifier: p.ID}, nil
	}
	return v1Subject{}, fmt.Errorf("confluence: principal type %q cannot hold classic space permissions (want user, group or anonymous)", p.Type)
}

// AddPermission grants one classic permission in a space (v1 write by key; spaceID names the listing to
// keep current). A grant that already exists is success: the listing is read again to return its id. When
// the answer is lost, that same read settles it (transport.Settle): a grant is identified by its key, target
// and principal, so one found is the one asked for. Grant read/space before any other permission of a
// principal.
func (c *Client) AddPermission(ctx context.Context, spaceKey, spaceID string, p Permission) (Permission, error) {
	subject, err := v1SubjectOf(p.Principal)
	if err != nil {
		return Permission{}, err
	}
	body := map[string]any{"subject": subject, "operation": v1Operation{Key: p.Operation.Key, Target: p.Operation.Target}}
	find := func(ctx context.Context) (Permission, bool, error) {
		set, err := c.permissionSet(ctx, spaceID)
		if err != nil {
			return Permission{}, false, err
		}
		found, ok := set.find(p.Principal, p.Operation)
		return found, ok, nil
	}
	got, err := transport.Settle(ctx, transport.Write[Permission]{
		What: fmt.Sprintf("permission %s for %s in space %s", p.Operation, p.Principal, spaceKey),
		Send: func(ctx context.Context) (Permission, error) {
			var out v1Permission
			err := c.api.Do(ctx, http.MethodPost, v1+"/space/"+url.PathEscape(spaceKey)+"/permission", nil, body, &out)
			if err != nil {
				c.permissions.Forget(spaceID) // failed, or maybe applied: read the truth next time
				return Permission{}, err
			}
			got := Permission{
				ID:        strconv.FormatInt(out.ID, 10),
				Principal: classicPrincipal(out.Subject.Type, out.Subject.Identifier),
				Operation: Operation{Key: out.Operation.Key, Target: out.Operation.Target},
			}
			if got.Principal.Type == "" { // an answer without a subject: trust the request
				got.Principal = p.Principal
			}
			return got, nil
		},
		Find:    find,
		Differs: func(Permission) string { return "" },
		ID:      func(found Permission) string { return found.ID },
		Taken:   alreadyExists,
	})
	if alreadyExists(err) {
		found, ok, lerr := find(ctx)
		if lerr != nil {
			return Permission{}, errors.Join(err, lerr)
		}
		if !ok {
			return Permission{}, err
		}
		return found, nil
	}
	if err != nil {
		return got, err
	}
	c.permissions.Update(spaceID, func(set *permissionSet) *permissionSet {
		set.put(got) // unless the settling read already holds it
		return set
	})
	return got, nil
}

// alreadyExists recognises the 400 "Permission already exists for the given user or group".
func alreadyExists(err error) bool {
	var e *transport.Error
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(e.Message), "already exists")
}

// RemovePermission removes one classic permission by id. A permission already gone (404) is success.
// Removing read/space removes all of the principal's permissions in the space, and the client's listing
// follows.
func (c *Client) RemovePermission(ctx context.Context, spaceKey, spaceID, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 1 {
		return fmt.Errorf("confluence: space permission id %q is not a positive integer", id)
	}
	err = c.api.Do(ctx, http.MethodDelete, v1+"/space/"+url.PathEscape(spaceKey)+"/permission/"+strconv.FormatInt(n, 10), nil, nil, nil)
	if err != nil && !transport.IsNotFound(err) {
		c.permissions.Forget(spaceID)
		return err
	}
	stale := false
	c.permissions.Update(spaceID, func(set *permissionSet) *permissionSet {
		// Not known here but removed on the server: the listing predates something.
		stale = !set.remove(id) && err == nil
		return set
	})
	if stale {
		c.permissions.Forget(spaceID)
	}
	return nil
}
