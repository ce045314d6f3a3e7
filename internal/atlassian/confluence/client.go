// Package confluence is a client for the Confluence Cloud REST API: v2 for reads (spaces, permissions, roles)
// and v1 for the space permission writes that exist only there.
//
// A Client lives for one provider run and remembers what every plan reads many times: space key→id
// lookups and users by account id (both batched across concurrent callers), each space's permissions and
// role assignments, the site's role mode, the calling user and the permission catalogue. Writes made
// through the client keep those memories up to date; a write whose outcome is unknown makes the client
// forget the space, so the next read asks the API again.
package confluence

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/runcache"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

const (
	v2         = "/wiki/api/v2"
	v1         = "/wiki/rest/api"
	maxPage    = 250 // the v2 maximum for limit, and for keys= per request
	maxCursors = 100000

	// defaultLookupWindow is how long a space key lookup waits for others to share its request.
	defaultLookupWindow = 15 * time.Millisecond
)

// Client talks to one Confluence site. It is safe for concurrent use.
type Client struct {
	api *transport.Client

	spaces       *batchLoader[*Space]                        // space key → space
	spaceLookups atomic.Int32                                // key lookups sent, for fetchSpaces
	siteSpaces   runcache.Cache[struct{}, map[string]*Space] // the site's spaces by key, listed once, for fetchSpaces
	users        *batchLoader[User]                          // account id → user

	roleMode    runcache.Cache[string, string]
	currentUser runcache.Cache[string, User]
	groups      runcache.Cache[string, *Group] // by id: every principal resource of a group checks that it exists
	catalogue   runcache.Cache[string, []PermissionDef]
	roles       runcache.Cache[string, []SpaceRole]      // the whole role catalogue, under ""
	permissions runcache.Cache[string, *permissionSet]   // by space id
	assignments runcache.Cache[string, []RoleAssignment] // by space id

	// Polling of the asynchronous space role changes (tests shorten it).
	pollFirst, pollMax time.Duration
}

// New returns a client for the site at siteURL (https://<site>.atlassian.net or
// https://api.atlassian.com/ex/confluence/<cloudId>).
func New(hc *http.Client, siteURL string, auth transport.Authenticator) (*Client, error) {
	api, err := transport.NewClient(hc, transport.Confluence, strings.TrimSuffix(siteURL, "/"), auth)
	if err != nil {
		return nil, err
	}
	c := &Client{api: api, pollFirst: transport.DefaultPolling.First, pollMax: transport.DefaultPolling.Max}
	c.spaces = newBatchLoader(defaultLookupWindow, maxPage, c.fetchSpaces)
	c.users = newBatchLoader(defaultLookupWindow, maxBulkUsers, c.fetchUsers)
	return c, nil
}

// SetLookupWindow sets how long a space key or user lookup waits for concurrent lookups to join its
// request (default 15ms; 0 sends at once).
func (c *Client) SetLookupWindow(d time.Duration) {
	c.spaces.setWindow(d)
	c.users.setWindow(d)
}

// SetPollInterval sets the first and the longest interval between the reads that wait for an
// asynchronous space role change (defaults 250ms and 5s).
func (c *Client) SetPollInterval(first, longest time.Duration) {
	if first > 0 {
		c.pollFirst = first
	}
	if longest >= c.pollFirst {
		c.pollMax = longest
	}
}

type links struct {
	Next string `json:"next"`
}

type page[T any] struct {
	Results []T   `json:"results"`
	Links   links `json:"_links"`
}

// listAll reads every page of a v2 listing.
func listAll[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var all []T
	for item, err := range list[T](ctx, c, path, q) {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}

// list yields a v2 listing's items, one page a request as the caller goes on (see pages); an error is the
// last pair.
func list[T any](ctx context.Context, c *Client, path string, q url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for page, err := range pages[T](ctx, c, path, q) {
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// pages yields a v2 listing one page (one request) at a time. The next link is relative to the site root,
// which is not the base URL on api.atlassian.com/ex/confluence/<cloudId> sites, so only its cursor is carried
// over to the same path. A caller that stops early saves the pages it did not need; an error is the last pair.
func pages[T any](ctx context.Context, c *Client, path string, q url.Values) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		q := maps.Clone(q)
		q.Set("limit", strconv.Itoa(maxPage))
		seen := map[string]bool{}
		for range maxCursors {
			var p page[T]
			if err := c.api.Do(ctx, http.MethodGet, path, q, nil, &p); err != nil {
				yield(nil, err)
				return
			}
			if !yield(p.Results, nil) || p.Links.Next == "" {
				return
			}
			next, err := url.Parse(p.Links.Next)
			if err != nil {
				yield(nil, fmt.Errorf("confluence: unreadable next link %q from %s: %w", p.Links.Next, path, err))
				return
			}
			cursor := next.Query().Get("cursor")
			if cursor == "" || seen[cursor] {
				yield(nil, fmt.Errorf("confluence: pagination of %s did not advance (next link %q)", path, p.Links.Next))
				return
			}
			seen[cursor] = true
			q.Set("cursor", cursor)
		}
		yield(nil, fmt.Errorf("confluence: listing %s did not end after %d pages", path, maxCursors))
	}
}

// notFound builds the typed 404 of something the API answered without (an absent key, say).
func notFound(path, format string, args ...any) error {
	return &transport.Error{
		API: transport.Confluence, Method: http.MethodGet, Path: path, StatusCode: http.StatusNotFound,
		Message: fmt.Sprintf(format, args...),
	}
}
