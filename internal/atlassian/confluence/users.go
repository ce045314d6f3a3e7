package confluence

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// User is a Confluence user (v1 User).
type User struct {
	AccountID   string `json:"accountId"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	PublicName  string `json:"publicName"`
	Type        string `json:"type"`        // known, unknown, anonymous, user
	AccountType string `json:"accountType"` // atlassian, app, or empty

	// IsGuest is whether the user is a guest of the site. The deprecated isExternalCollaborator and
	// externalCollaborator say the same (the v1 document: "Use isGuest instead"); either counts.
	IsGuest                bool `json:"isGuest"`
	IsExternalCollaborator bool `json:"isExternalCollaborator"`
	ExternalCollaborator   bool `json:"externalCollaborator"`
}

// Guest reports whether Confluence says the user is a guest.
func (u User) Guest() bool { return u.IsGuest || u.IsExternalCollaborator || u.ExternalCollaborator }

// maxBulkUsers is how many account ids one GET /user/bulk answers: "Currently this API returns a maximum of
// 100 results. If more than 100 account ids are passed in, then the first 100 will be returned" (v1 document,
// getBulkUserLookup).
const maxBulkUsers = 100

// UsersByID reads users by account id. Ids this client has read before cost nothing; the rest are read
// together with any other lookup arriving within the lookup window (see SetLookupWindow), up to 100 ids a
// request. Ids Confluence does not know are absent from the result.
func (c *Client) UsersByID(ctx context.Context, accountIDs ...string) (map[string]User, error) {
	return c.users.lookup(ctx, accountIDs)
}

// bulkUsers is the v1 BulkUserLookupArray.
type bulkUsers struct {
	Results []User `json:"results"`
}

// fetchUsers is one GET /wiki/rest/api/user/bulk?accountId=a,b,… for the user loader.
//
// UNCONFIRMED: the v1 document types accountId as one string described as "A list of accountId's"; the
// ids are sent comma-separated in that one parameter. Also UNCONFIRMED: that an unknown id is left out of
// the results rather than failing the request (both are how the emulator answers).
func (c *Client) fetchUsers(ctx context.Context, ids []string) (map[string]User, error) {
	var out bulkUsers
	if err := c.api.Do(ctx, http.MethodGet, v1+"/user/bulk", url.Values{"accountId": {strings.Join(ids, ",")}}, nil, &out); err != nil {
		return nil, err
	}
	found := make(map[string]User, len(out.Results))
	for _, u := range out.Results {
		if u.AccountID != "" {
			found[u.AccountID] = u
		}
	}
	return found, nil
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

// GroupByID reads a group (GET /wiki/rest/api/group/by-id), once per run; an unknown id is a not-found error
// (not kept: the group may be created meanwhile).
func (c *Client) GroupByID(ctx context.Context, id string) (*Group, error) {
	return c.groups.Get(ctx, id, func(ctx context.Context) (*Group, error) {
		var g Group
		if err := c.api.Do(ctx, http.MethodGet, v1+"/group/by-id", url.Values{"id": {id}}, nil, &g); err != nil {
			return nil, err
		}
		return &g, nil
	})
}
