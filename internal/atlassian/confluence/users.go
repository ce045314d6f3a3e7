package confluence

import (
	"context"
	"net/http"
	"net/url"
)

// User is a Confluence user (v1 User).
type User struct {
	AccountID   string `json:"accountId"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	PublicName  string `json:"publicName"`
	Type        string `json:"type"`        // known, unknown, anonymous, user
	AccountType string `json:"accountType"` // atlassian, app, or empty
}

// CurrentUser returns the account the credential belongs to (GET /wiki/rest/api/user/current), read once
// per run. Resources use it to refuse removing the caller's own administration of a space.
func (c *Client) CurrentUser(ctx context.Context) (User, error) {
	return c.currentUser.Get(ctx, "", func(ctx context.Context) (User, error) {
		var u User
		err := c.api.Do(ctx, http.MethodGet, v1+"/user/current", nil, nil, &u)
		return u, err
	})
}

// Group is a Confluence group (v1 Group). Its id is the Atlassian group id the Admin API uses too
// (reference §3.6: expected, UNCONFIRMED).
type Group struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	UsageType string `json:"usageType"` // USERBASE_GROUP or TEAM_COLLABORATION
	ManagedBy string `json:"managedBy"` // ADMINS, EXTERNAL, TEAM_MEMBERS or OPEN
}

// GroupByID reads a group (GET /wiki/rest/api/group/by-id); an unknown id is a not-found error.
func (c *Client) GroupByID(ctx context.Context, id string) (*Group, error) {
	var g Group
	if err := c.api.Do(ctx, http.MethodGet, v1+"/group/by-id", url.Values{"id": {id}}, nil, &g); err != nil {
		return nil, err
	}
	return &g, nil
}
