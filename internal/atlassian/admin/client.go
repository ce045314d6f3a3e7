// Package admin is a client for the Atlassian Organizations (Admin) REST API v2: directories, groups, group
// membership, group role assignments (product access), users and workspaces of one organization.
package admin

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/runcache"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// MaxSearchIDs is how many groupIds or accountIds one user or group search takes (reference §2.4, §2.7).
const MaxSearchIDs = 10

// AllDirectories in place of a directory id widens a read or search to every directory the key can manage.
// It is documented for reads only (reference §2.3): every write takes a real directory id, which this
// client finds itself from the group it writes to.
const AllDirectories = "-"

// DefaultConsistencyTimeout bounds the waits this package makes on its own (a new group appearing after its
// create) when the context carries no deadline.
const DefaultConsistencyTimeout = 2 * time.Minute

const (
	pageLimit    = 100 // the v2 maximum for limit on groups, users and role assignments
	maxPages     = 100000
	maxNames     = 100 // groupNames and emails per search
	maxResources = 20  // resourceIds per role-assignment query
)

// Product roles a group can hold on a Confluence site (reference §2.6).
const (
	RoleUser            = "atlassian/user"              // can use the product (a billable seat)
	RoleAdmin           = "atlassian/admin"             // product admin
	RoleGuest           = "atlassian/guest"             // guest: only the spaces it is given
	RoleUserAccessAdmin = "atlassian/user-access-admin" // administers users and groups, no product access
)

// ConfluenceRoles returns the role ids a group can be assigned on a Confluence site.
func ConfluenceRoles() []string {
	return []string{RoleUser, RoleAdmin, RoleGuest, RoleUserAccessAdmin}
}

// Client talks to one organization. It remembers for the run each Confluence site's resource id, the
// organization's directories and the directory of each group it has read.
type Client struct {
	api   *transport.Client
	orgID string

	siteARIs    runcache.Cache[string, string]        // by normalised site key
	directories runcache.Cache[struct{}, []Directory] // the one listing of the run
	groupDirs   runcache.Cache[string, string]        // group id → the group's directory id
}

// New returns a client for organization orgID on the Organizations API at adminAPIURL (https://api.atlassian.com,
// or the emulator's base URL), authenticated with an organization API key. Paths go under <adminAPIURL>/admin.
func New(hc *http.Client, adminAPIURL, orgID, apiKey string) (*Client, error) {
	if strings.TrimSpace(orgID) == "" {
		return nil, errors.New("admin: the organization id is empty")
	}
	if strings.TrimSpace(apiKey) == "" {
		return nil, errors.New("admin: the organization API key is empty")
	}
	base := strings.TrimRight(strings.TrimSpace(adminAPIURL), "/") + "/admin"
	api, err := transport.NewClient(hc, transport.Admin, base, transport.Bearer(apiKey))
	if err != nil {
		return nil, err
	}
	return &Client{api: api, orgID: orgID}, nil
}

// OrgID is the organization the client works on.
func (c *Client) OrgID() string { return c.orgID }

func (c *Client) orgPath(p string) string { return "/v2/orgs/" + url.PathEscape(c.orgID) + p }

func (c *Client) dirPath(directoryID, p string) string {
	return c.orgPath("/directories/" + url.PathEscape(directoryID) + p)
}

type links struct {
	Next string `json:"next,omitempty"`
}

// page is one page of a v2 list: {"data":[…],"links":{"next":"<cursor>"}}.
type page[T any] struct {
	Data  []T   `json:"data"`
	Links links `json:"links"`
}

// collect reads every page of a cursor listing (see each).
func collect[T any](ctx context.Context, what string, fetch func(ctx context.Context, cursor string) (*page[T], error)) ([]T, error) {
	var all []T
	for item, err := range each(ctx, what, fetch) {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}

// each yields a cursor listing's items, a page a request as the caller goes on. fetch gets the page for a
// cursor ("" for the first page); the listing ends when a page names no next cursor. A cursor seen twice is
// an error rather than an endless loop. An error is the last pair.
func each[T any](ctx context.Context, what string, fetch func(ctx context.Context, cursor string) (*page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		cursor := ""
		for range maxPages {
			p, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range p.Data {
				if !yield(item, nil) {
					return
				}
			}
			next := cursorOf(p.Links.Next)
			if next == "" {
				return
			}
			if seen[next] {
				yield(zero, fmt.Errorf("admin: pagination of %s did not advance (cursor repeated)", what))
				return
			}
			seen[next] = true
			cursor = next
		}
		yield(zero, fmt.Errorf("admin: listing %s did not end after %d pages", what, maxPages))
	}
}

// cursorOf returns the cursor a next link carries. The v2 search endpoints document an opaque cursor; the
// workspaces document calls next a URL, whose cursor parameter is then used.
func cursorOf(next string) string {
	next = strings.TrimSpace(next)
	if strings.Contains(next, "?") {
		if u, err := url.Parse(next); err == nil {
			if c := u.Query().Get("cursor"); c != "" {
				return c
			}
		}
	}
	return next
}

// postPages runs a POST search to its end (see postEach).
func postPages[T any](ctx context.Context, c *Client, what, path string, body any) ([]T, error) {
	return collect(ctx, what, postFetch[T](c, path, body))
}

// postEach yields a POST search's results: the first page with body, the next ones with the cursor alone ("if
// present, all other parameters are discarded"; workspaces allow no other property beside it).
func postEach[T any](ctx context.Context, c *Client, what, path string, body any) iter.Seq2[T, error] {
	return each(ctx, what, postFetch[T](c, path, body))
}

func postFetch[T any](c *Client, path string, body any) func(ctx context.Context, cursor string) (*page[T], error) {
	return func(ctx context.Context, cursor string) (*page[T], error) {
		var p page[T]
		send := body
		if cursor != "" {
			send = map[string]string{"cursor": cursor}
		}
		// A search changes nothing, so it keeps the ordinary retries.
		if err := c.api.Do(transport.Repeatable(ctx), http.MethodPost, path, nil, send, &p); err != nil {
			return nil, err
		}
		return &p, nil
	}
}

// getPages runs a GET listing: the first page with query, the next ones with the cursor alone.
func getPages[T any](ctx context.Context, c *Client, what, path string, query url.Values) ([]T, error) {
	return collect(ctx, what, func(ctx context.Context, cursor string) (*page[T], error) {
		var p page[T]
		q := query
		if cursor != "" {
			q = url.Values{"cursor": {cursor}}
		}
		if err := c.api.Do(ctx, http.MethodGet, path, q, nil, &p); err != nil {
			return nil, err
		}
		return &p, nil
	})
}

// notFound builds the typed 404 for a lookup that matched nothing.
func notFound(method, path, format string, args ...any) error {
	return &transport.Error{
		API: transport.Admin, Method: method, Path: path, StatusCode: http.StatusNotFound,
		Message: fmt.Sprintf(format, args...),
	}
}

// IsAlreadyMember reports whether err is the 409 of adding a user to a group it is already in. The same
// status also means a product's user limit was reached; only the message tells them apart (reference §2.5,
// body format UNCONFIRMED).
func IsAlreadyMember(err error) bool {
	var e *transport.Error
	return transport.IsConflict(err) && errors.As(err, &e) && strings.Contains(strings.ToLower(e.Message), "already")
}

// Directory is a directory of the organization: its own and one per identity provider.
type Directory struct {
	ID   string `json:"directoryId"`
	Name string `json:"name"`
	Icon string `json:"icon,omitempty"`
}

// Directories lists the organization's directories, once per client.
func (c *Client) Directories(ctx context.Context) ([]Directory, error) {
	return c.directories.Get(ctx, struct{}{}, func(ctx context.Context) ([]Directory, error) {
		return getPages[Directory](ctx, c, "directories", c.orgPath("/directories"), url.Values{"limit": {fmt.Sprint(pageLimit)}})
	})
}
