package admin

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// ConfluenceApp is the workspace type (and ARI resource owner) of Confluence.
const ConfluenceApp = "confluence"

// Workspace is one app instance of the organization (WorkspaceModel). Its ID is the resource id role
// assignments take, an ARI such as ari:cloud:confluence::site/<cloudId>.
type Workspace struct {
	ID         string              `json:"id"`
	Type       string              `json:"type,omitempty"`
	Attributes WorkspaceAttributes `json:"attributes"`
}

// WorkspaceAttributes are the descriptive fields of a workspace.
type WorkspaceAttributes struct {
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	TypeKey string `json:"typeKey,omitempty"`
	HostURL string `json:"hostUrl,omitempty"`
	Status  string `json:"status,omitempty"` // online | offline | deprecated
}

type workspaceField struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

type workspaceQuery struct {
	Field *workspaceField  `json:"field,omitempty"`
	And   []workspaceQuery `json:"and,omitempty"`
}

type workspaceSearch struct {
	Limit int             `json:"limit"`
	Query *workspaceQuery `json:"query,omitempty"`
}

// Workspaces lists the organization's workspaces of one app type (e.g. ConfluenceApp), or all when appType is
// empty.
func (c *Client) Workspaces(ctx context.Context, appType string) ([]Workspace, error) {
	body := workspaceSearch{Limit: pageLimit}
	if appType != "" {
		body.Query = &workspaceQuery{And: []workspaceQuery{{Field: &workspaceField{Name: "attributes.type", Values: []string{appType}}}}}
	}
	return postPages[Workspace](ctx, c, "workspaces", c.orgPath("/workspaces"), body)
}

func isConfluence(w Workspace) bool {
	return strings.EqualFold(w.Attributes.TypeKey, ConfluenceApp) || strings.EqualFold(w.Attributes.Type, ConfluenceApp) ||
		strings.HasPrefix(w.ID, "ari:cloud:"+ConfluenceApp+"::")
}

var exPath = regexp.MustCompile(`^/ex/confluence/([^/]+)`)

// siteKey identifies a Confluence site from the provider's site_url: the cloud id of an
// api.atlassian.com/ex/confluence/<cloudId> URL, else the host (lower case, default port dropped).
func siteKey(siteURL string) (host, cloudID string, err error) {
	u, err := parseHostURL(siteURL)
	if err != nil {
		return "", "", fmt.Errorf("admin: invalid site URL %q: %w", siteURL, err)
	}
	if m := exPath.FindStringSubmatch(u.Path); m != nil {
		return "", m[1], nil
	}
	return hostKey(u), "", nil
}

// parseHostURL parses a URL that may lack its scheme (hostUrl values such as "acme.atlassian.net").
func parseHostURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Host == "" {
		return nil, fmt.Errorf("no host")
	}
	return u, nil
}

func hostKey(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || (port == "443" && u.Scheme == "https") || (port == "80" && u.Scheme == "http") {
		return host
	}
	return net.JoinHostPort(host, port)
}

// siteARIOf is the ARI of a Confluence workspace. The id is the ARI on every known answer; a bare cloud id is
// turned into one (UNCONFIRMED which forms the service accepts, reference §2.6, so the canonical one is used).
func siteARIOf(w Workspace) string {
	if strings.HasPrefix(w.ID, "ari:") {
		return w.ID
	}
	return "ari:cloud:" + ConfluenceApp + "::site/" + w.ID
}

// SiteARI resolves the resource id (ari:cloud:confluence::site/<cloudId>) of the Confluence site at siteURL
// (https://<site>.atlassian.net, or https://api.atlassian.com/ex/confluence/<cloudId>) through the
// organization's workspaces, matching the host (or the cloud id). The answer is remembered for the client's
// life, so any number of resources cost one lookup.
func (c *Client) SiteARI(ctx context.Context, siteURL string) (string, error) {
	host, cloudID, err := siteKey(siteURL)
	if err != nil {
		return "", err
	}
	return c.siteARIs.Get(ctx, host+"|"+cloudID, func(ctx context.Context) (string, error) {
		return c.findSiteARI(ctx, siteURL, host, cloudID)
	})
}

func (c *Client) findSiteARI(ctx context.Context, siteURL, host, cloudID string) (string, error) {
	all, err := c.Workspaces(ctx, ConfluenceApp)
	if err != nil {
		return "", err
	}
	var matched, seen []string
	for _, w := range all {
		if !isConfluence(w) { // the type filter is applied again in case a server ignores it
			continue
		}
		ari := siteARIOf(w)
		seen = append(seen, fmt.Sprintf("%s (%s)", w.Attributes.HostURL, ari))
		switch {
		case cloudID != "" && strings.HasSuffix(ari, "/"+cloudID):
			matched = append(matched, ari)
		case host != "":
			if u, err := parseHostURL(w.Attributes.HostURL); err == nil && hostKey(u) == host {
				matched = append(matched, ari)
			}
		}
	}
	switch len(matched) {
	case 1:
		return matched[0], nil
	case 0:
		others := "it has none"
		if len(seen) > 0 {
			others = "its Confluence sites are " + strings.Join(seen, ", ")
		}
		return "", notFound(http.MethodPost, c.orgPath("/workspaces"),
			"organization %s has no Confluence site at %s (%s); check site_url and organization_id", c.orgID, siteURL, others)
	}
	return "", fmt.Errorf("admin: %d Confluence workspaces match %s: %s", len(matched), siteURL, strings.Join(matched, ", "))
}
