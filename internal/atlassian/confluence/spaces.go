package confluence

import (
	"context"
	"net/url"
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
