package confluence

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"strings"
)

// Space is a Confluence space as v2 returns it. Ids are numeric strings.
type Space struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Status string `json:"status"`
	// HomepageID is the space's home page, the content the permission check of effective access asks about.
	HomepageID string `json:"homepageId,omitempty"`
}

// SpacesByKey resolves space keys to spaces. Keys this client has resolved before cost nothing; the rest
// are looked up together with any other lookup arriving within the lookup window (see SetLookupWindow).
// Keys that do not exist (or that the caller cannot view) are absent from the result.
func (c *Client) SpacesByKey(ctx context.Context, keys ...string) (map[string]*Space, error) {
	return c.spaces.lookup(ctx, keys)
}

// fetchSpaces is one GET /spaces?keys=A,B,… (up to 250 keys a request), for the space loader.
func (c *Client) fetchSpaces(ctx context.Context, keys []string) (map[string]*Space, error) {
	found, err := listAll[Space](ctx, c, v2+"/spaces", url.Values{"keys": {strings.Join(keys, ",")}})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Space, len(found))
	for i := range found {
		out[found[i].Key] = &found[i]
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
		return nil, notFound(v2+"/spaces", "no space with key %q exists, or the Confluence credential cannot view it", key)
	}
	return s, nil
}

// Spaces lists every space the credential can view, following the cursor.
func (c *Client) Spaces(ctx context.Context) ([]Space, error) {
	return listAll[Space](ctx, c, v2+"/spaces", url.Values{})
}

// SpaceFilter narrows a listing of spaces; the zero value is every space the credential can view.
type SpaceFilter struct {
	Keys   []string // at most 250 (the API's limit); more are listed in further requests
	Type   string   // global, personal, collaboration or knowledge_base
	Status string   // current or archived
}

// SpaceFilterTypes and SpaceFilterStatuses are the values GET /spaces filters on (the v2 document's enums).
var (
	SpaceFilterTypes    = []string{"global", "personal", "collaboration", "knowledge_base"}
	SpaceFilterStatuses = []string{"current", "archived"}
)

// ListSpaces yields the spaces that match f, 250 a request, sorted by key within each request of keys. Found
// spaces also answer later key lookups of this client.
func (c *Client) ListSpaces(ctx context.Context, f SpaceFilter) iter.Seq2[Space, error] {
	return func(yield func(Space, error) bool) {
		q := url.Values{"sort": {"key"}}
		if f.Type != "" {
			q.Set("type", f.Type)
		}
		if f.Status != "" {
			q.Set("status", f.Status)
		}
		batches := [][]string{nil}
		if len(f.Keys) > 0 {
			batches = slices.Collect(slices.Chunk(f.Keys, maxPage))
		}
		for _, keys := range batches {
			if keys != nil {
				q.Set("keys", strings.Join(keys, ","))
			}
			for s, err := range list[Space](ctx, c, v2+"/spaces", q) {
				if err == nil {
					c.spaces.remember(s.Key, &s)
				}
				if !yield(s, err) || err != nil {
					return
				}
			}
		}
	}
}
