// Package confluence is a client for the Confluence Cloud REST API: v2 for reads (spaces, permissions, roles)
// and v1 for the space permission writes that exist only there.
package confluence

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

const (
	v2         = "/wiki/api/v2"
	maxPage    = 250 // the v2 maximum for limit, and for keys= per request
	maxCursors = 100000
)

// Client talks to one Confluence site. It remembers space key→id lookups for the run, so that any number of
// resources in one space cost one lookup.
type Client struct {
	api *transport.Client

	mu     sync.Mutex
	spaces map[string]*Space // by key
}

// New returns a client for the site at siteURL (https://<site>.atlassian.net or
// https://api.atlassian.com/ex/confluence/<cloudId>).
func New(hc *http.Client, siteURL string, auth transport.Authenticator) (*Client, error) {
	api, err := transport.NewClient(hc, transport.Confluence, strings.TrimSuffix(siteURL, "/"), auth)
	if err != nil {
		return nil, err
	}
	return &Client{api: api, spaces: map[string]*Space{}}, nil
}

// Space is a Confluence space as v2 returns it. Ids are numeric strings.
type Space struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

type links struct {
	Next string `json:"next"`
}

type page[T any] struct {
	Results []T   `json:"results"`
	Links   links `json:"_links"`
}

// listAll follows v2 cursor pagination. The next link is relative to the site root, which is not the base
// URL on api.atlassian.com/ex/confluence/<cloudId> sites, so only its cursor is carried over to the same path.
func listAll[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var all []T
	q.Set("limit", strconv.Itoa(maxPage))
	seen := map[string]bool{}
	for range maxCursors {
		var p page[T]
		if err := c.api.Do(ctx, http.MethodGet, path, q, nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Results...)
		if p.Links.Next == "" {
			return all, nil
		}
		next, err := url.Parse(p.Links.Next)
		if err != nil {
			return nil, fmt.Errorf("confluence: unreadable next link %q from %s: %w", p.Links.Next, path, err)
		}
		cursor := next.Query().Get("cursor")
		if cursor == "" || seen[cursor] {
			return nil, fmt.Errorf("confluence: pagination of %s did not advance (next link %q)", path, p.Links.Next)
		}
		seen[cursor] = true
		q.Set("cursor", cursor)
	}
	return nil, fmt.Errorf("confluence: listing %s did not end after %d pages", path, maxCursors)
}

// SpacesByKey resolves space keys to spaces, asking the API only for keys this client has not seen in the
// run, in batches of up to 250 keys. Keys that do not exist (or that the caller cannot view) are absent from
// the result.
func (c *Client) SpacesByKey(ctx context.Context, keys ...string) (map[string]*Space, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var missing []string
	for _, k := range keys {
		if _, ok := c.spaces[k]; !ok && !slices.Contains(missing, k) {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for len(missing) > 0 {
		batch := missing[:min(len(missing), maxPage)]
		missing = missing[len(batch):]
		found, err := listAll[Space](ctx, c, v2+"/spaces", url.Values{"keys": {strings.Join(batch, ",")}})
		if err != nil {
			return nil, err
		}
		for i := range found {
			c.spaces[found[i].Key] = &found[i]
		}
	}
	out := make(map[string]*Space, len(keys))
	for _, k := range keys {
		if s := c.spaces[k]; s != nil {
			out[k] = s
		}
	}
	return out, nil
}

// SpaceByKey resolves one space key; a missing space is a not-found error.
func (c *Client) SpaceByKey(ctx context.Context, key string) (*Space, error) {
	found, err := c.SpacesByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	s, ok := found[key]
	if !ok {
		return nil, &transport.Error{
			API: transport.Confluence, Method: http.MethodGet, Path: v2 + "/spaces", StatusCode: http.StatusNotFound,
			Message: fmt.Sprintf("no space with key %q exists, or the Confluence credential cannot view it", key),
		}
	}
	return s, nil
}
