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
// are looked up together with any other lookup arriving within the lookup window (see SetLookupWindow), and
// a run that has looked up a few lists the site's spaces instead (see fetchSpaces).
// Keys that do not exist (or that the caller cannot view) are absent from the result.
func (c *Client) SpacesByKey(ctx context.Context, keys ...string) (map[string]*Space, error) {
	return c.spaces.lookup(ctx, keys)
}

// A run that has needed lookupsBeforeListing key lookups is one about many spaces: its next lookup lists the
// site's spaces instead, up to listedPagesMax pages, so that every key in them is known for the rest of the run.
// Resources ask for their spaces a few at a time (Terraform plans at most -parallelism of them at once), so key
// lookups alone cost about one request per few spaces; the listing costs one per 250. On a site with more
// spaces than the pages listed, the listing stops there and what it did not reach is looked up by key.
const (
	lookupsBeforeListing = 2
	listedPagesMax       = 4
)

// fetchSpaces is one GET /spaces?keys=A,B,… (up to 250 keys a request) for the space loader, or the listing
// of the site's spaces that replaces it once the run has looked up enough keys (see lookupsBeforeListing).
// UNCONFIRMED: whether a listing without a status filter includes archived spaces; keys it does not find are
// looked up by key, so nothing depends on it.
func (c *Client) fetchSpaces(ctx context.Context, keys []string) (map[string]*Space, error) {
	out := make(map[string]*Space, len(keys))
	if c.spaceLookups.Add(1) > lookupsBeforeListing {
		// Every batch from here on waits for the one listing rather than sending a lookup beside it, so a run
		// costs the same few requests however its batches fall in time.
		listed, err := c.siteSpaces.Get(ctx, struct{}{}, c.listSiteSpaces)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if s := listed[k]; s != nil {
				out[k] = s
			}
		}
		keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return out[k] != nil })
		if len(keys) == 0 {
			return out, nil
		}
	}
	found, err := listAll[Space](ctx, c, v2+"/spaces", url.Values{"keys": {strings.Join(keys, ",")}})
	if err != nil {
		return nil, err
	}
	for i := range found {
		out[found[i].Key] = &found[i]
	}
	return out, nil
}

// listSiteSpaces reads up to listedPagesMax pages of the site's spaces, by key; the space loader remembers each
// for the run's later lookups.
func (c *Client) listSiteSpaces(ctx context.Context) (map[string]*Space, error) {
	out := map[string]*Space{}
	read := 0
	for page, err := range pages[Space](ctx, c, v2+"/spaces", url.Values{}) {
		if err != nil {
			return nil, err
		}
		for i := range page {
			out[page[i].Key] = &page[i]
			c.spaces.remember(page[i].Key, &page[i])
		}
		if read++; read == listedPagesMax {
			break
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
