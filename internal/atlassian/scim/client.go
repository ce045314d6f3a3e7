// Package scim is a client for SCIM 2.0 directories (RFC 7643/7644) as Atlassian's user provisioning API serves
// them. It keeps to RFC behaviour where that suffices, so it also works against other SCIM 2.0 servers that host
// Atlassian directories; Atlassian's extension attributes are read when present and never required.
package scim

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/runcache"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Schema URIs used in requests and responses.
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	SchemaAtlassian    = "urn:scim:schemas:extension:atlassian-external:1.0"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	defaultPageSize    = 100
	maxPages           = 100000
)

var directoryURLPattern = regexp.MustCompile(`^(.*/scim/directory/([^/?#]+))/?$`)

// ParseDirectoryURL splits a directory URL such as https://api.atlassian.com/scim/directory/{id} into its
// normalised base (no trailing slash) and the directory id.
func ParseDirectoryURL(raw string) (base, directoryID string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("invalid SCIM directory URL %q: %w", raw, err)
	}
	m := directoryURLPattern.FindStringSubmatch(u.Path)
	if m == nil || u.Host == "" {
		return "", "", fmt.Errorf("invalid SCIM directory URL %q: expected https://api.atlassian.com/scim/directory/<directoryId>", raw)
	}
	u.Path = m[1]
	u.RawPath = ""
	return u.String(), m[2], nil
}

// Client talks to one SCIM directory.
type Client struct {
	api         *transport.Client
	directoryID string
	members     runcache.Cache[string, memberSet]
}

// New returns a client for the directory at directoryURL, authenticated with its directory API key.
func New(hc *http.Client, directoryURL, apiKey string) (*Client, error) {
	base, id, err := ParseDirectoryURL(directoryURL)
	if err != nil {
		return nil, err
	}
	api, err := transport.NewClient(hc, transport.SCIM, base, transport.Bearer(apiKey))
	if err != nil {
		return nil, err
	}
	return &Client{api: api, directoryID: id}, nil
}

// DirectoryID is the id parsed from the directory URL.
func (c *Client) DirectoryID() string { return c.directoryID }

// Meta is the SCIM resource metadata.
type Meta struct {
	ResourceType string `json:"resourceType,omitempty"`
	Location     string `json:"location,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
}

// Member is one entry of a group's members attribute; Value is the member's SCIM user id.
type Member struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
	Ref     string `json:"$ref,omitempty"`
}

// Group is a SCIM group.
type Group struct {
	Schemas     []string `json:"schemas,omitempty"`
	ID          string   `json:"id,omitempty"`
	ExternalID  string   `json:"externalId,omitempty"`
	DisplayName string   `json:"displayName"`
	Members     []Member `json:"members,omitempty"`
	Meta        *Meta    `json:"meta,omitempty"`
}

// PatchOperation is one operation of a SCIM PATCH request (RFC 7644 §3.5.2).
type PatchOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

type patchRequest struct {
	Schemas    []string         `json:"schemas"`
	Operations []PatchOperation `json:"Operations"`
}

type listResponse[T any] struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []T `json:"Resources"`
}

// list fetches every page of a SCIM list. The server picks the page size, so the loop follows totalResults and
// advances startIndex by what each page actually returned.
func list[T any](ctx context.Context, c *Client, path, filter string) ([]T, error) {
	var all []T
	for item, err := range each[T](ctx, c, path, filter) {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}

// each yields a SCIM list's items, a page a request as the caller goes on; an error is the last pair.
func each[T any](ctx context.Context, c *Client, path, filter string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		start, seen := 1, 0
		for range maxPages {
			q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(defaultPageSize)}}
			if filter != "" {
				q.Set("filter", filter)
			}
			var resp listResponse[T]
			if err := c.api.Do(ctx, http.MethodGet, path, q, nil, &resp); err != nil {
				yield(zero, err)
				return
			}
			for _, item := range resp.Resources {
				if !yield(item, nil) {
					return
				}
			}
			seen += len(resp.Resources)
			if len(resp.Resources) == 0 || seen >= resp.TotalResults {
				return
			}
			start += len(resp.Resources)
		}
		yield(zero, fmt.Errorf("scim: listing %s did not end after %d pages", path, maxPages))
	}
}

// CreateGroup creates a group and returns it as the server stored it. When the answer is lost, the group is
// looked up by displayName (transport.Settle): one with the asked externalId is the one created.
func (c *Client) CreateGroup(ctx context.Context, g Group) (*Group, error) {
	g.Schemas = []string{SchemaGroup}
	return transport.Settle(ctx, transport.Write[*Group]{
		What: fmt.Sprintf("SCIM group %q", g.DisplayName),
		Send: func(ctx context.Context) (*Group, error) {
			var out Group
			if err := c.api.Do(ctx, http.MethodPost, "/Groups", nil, g, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
		Find: func(ctx context.Context) (*Group, bool, error) {
			found, err := c.FindGroupsByName(ctx, g.DisplayName)
			for i := range found {
				if strings.EqualFold(found[i].DisplayName, g.DisplayName) {
					return &found[i], true, err
				}
			}
			return nil, false, err
		},
		Differs: func(found *Group) string {
			if found.ExternalID != g.ExternalID {
				return fmt.Sprintf("its externalId is %q, not %q", found.ExternalID, g.ExternalID)
			}
			return ""
		},
		ID: func(found *Group) string { return found.ID },
	})
}

// GetGroup reads a group by SCIM id.
func (c *Client) GetGroup(ctx context.Context, id string) (*Group, error) {
	var out Group
	if err := c.api.Do(ctx, http.MethodGet, "/Groups/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FindGroupsByName returns the groups whose displayName equals name. The server decides case sensitivity;
// callers that need an exact match compare the names themselves.
func (c *Client) FindGroupsByName(ctx context.Context, name string) ([]Group, error) {
	return list[Group](ctx, c, "/Groups", Eq("displayName", name))
}

// Groups yields the groups the directory lists, a page a request.
func (c *Client) Groups(ctx context.Context) iter.Seq2[Group, error] {
	return each[Group](ctx, c, "/Groups", "")
}

func (c *Client) ListGroups(ctx context.Context) ([]Group, error) {
	return list[Group](ctx, c, "/Groups", "")
}

// PatchGroup applies operations to a group and returns the group as the server answered it.
func (c *Client) PatchGroup(ctx context.Context, id string, ops ...PatchOperation) (*Group, error) {
	var out Group
	body := patchRequest{Schemas: []string{SchemaPatchOp}, Operations: ops}
	// Adding members, removing them and replacing values leave the group as once when repeated.
	if err := c.api.Do(transport.Repeatable(ctx), http.MethodPatch, "/Groups/"+url.PathEscape(id), nil, body, &out); err != nil {
		return nil, err
	}
	if out.ID == "" { // RFC 7644 allows 204 No Content for PATCH
		return c.GetGroup(ctx, id)
	}
	return &out, nil
}

// DeleteGroup deletes a group. A group that is already gone is not an error.
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	err := c.api.Do(ctx, http.MethodDelete, "/Groups/"+url.PathEscape(id), nil, nil, nil)
	c.members.Forget(id)
	if transport.IsNotFound(err) {
		return nil
	}
	return err
}

// Replace returns a PATCH operation replacing one attribute.
func Replace(path string, value any) PatchOperation {
	return PatchOperation{Op: "replace", Path: path, Value: value}
}

// Remove returns a PATCH operation removing one attribute.
func Remove(path string) PatchOperation {
	return PatchOperation{Op: "remove", Path: path}
}
