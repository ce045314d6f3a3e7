package admin

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// User is an Atlassian account as the organization sees it (MultiDirectoryUser).
type User struct {
	AccountID        string      `json:"accountId"`
	AccountType      string      `json:"accountType,omitempty"`
	AccountStatus    string      `json:"accountStatus,omitempty"` // active | inactive | closed
	Status           string      `json:"status,omitempty"`        // active | suspended | not_invited | deactivated | for_deletion
	MembershipStatus string      `json:"membershipStatus,omitempty"`
	ClaimStatus      string      `json:"claimStatus,omitempty"`      // managed | unmanaged
	ManagementSource string      `json:"managementSource,omitempty"` // invited | synced
	Email            string      `json:"email,omitempty"`
	EmailVerified    bool        `json:"emailVerified,omitempty"`
	Name             string      `json:"name,omitempty"`
	Nickname         string      `json:"nickname,omitempty"`
	JobTitle         string      `json:"jobTitle,omitempty"`
	Department       string      `json:"department,omitempty"`
	Organization     string      `json:"organization,omitempty"`
	Location         string      `json:"location,omitempty"`
	TimeZone         string      `json:"timeZone,omitempty"`
	AddedToOrg       string      `json:"addedToOrg,omitempty"`
	DeactivatedOn    string      `json:"deactivatedOn,omitempty"`
	PlatformRoles    []string    `json:"platformRoles,omitempty"`
	Groups           []UserGroup `json:"groups,omitempty"` // when a search expands ExpandUserGroups
	// ProductAccess is the account's last activity per product instance, when a search expands
	// ExpandUserProductAccess (MultiDirectoryProductAccess).
	ProductAccess []ProductAccess `json:"productAccess,omitempty"`
}

// ProductAccess is an account's last activity in one product instance.
type ProductAccess struct {
	ID                  string `json:"id"`  // the instance's ARI, such as ari:cloud:confluence::site/<cloudId>
	Key                 string `json:"key"` // confluence, jira, …
	LastActiveTimestamp string `json:"lastActiveTimestamp,omitempty"`
}

// UserStatusDeactivated is the Status of a deactivated account: one deactivated through SCIM (DELETE or
// active=false) stays listed with it, which tells it apart from a deleted one (absent, 404).
const UserStatusDeactivated = "deactivated"

// UserGroup is a group a user belongs to, as a search expanding ExpandUserGroups shows it.
type UserGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Expand values of a user search.
const (
	ExpandUserGroups        = "groups"
	ExpandUserPlatformRoles = "platformRoles"
	ExpandUserProductAccess = "productAccess"
)

// UserSearch filters a user search; empty fields do not filter. Emails (at most 100) match whole addresses and
// exclude SearchTerm; AccountIDs and GroupIDs take at most 10 values.
type UserSearch struct {
	AccountIDs    []string `json:"accountIds,omitempty"`
	Emails        []string `json:"emails,omitempty"`
	SearchTerm    string   `json:"searchTerm,omitempty"`
	GroupIDs      []string `json:"groupIds,omitempty"`
	DirectoryIDs  []string `json:"directoryIds,omitempty"`
	ResourceIDs   []string `json:"resourceIds,omitempty"`
	RoleIDs       []string `json:"roleIds,omitempty"`
	Status        []string `json:"status,omitempty"`
	AccountStatus []string `json:"accountStatus,omitempty"`
	Expand        []string `json:"expand,omitempty"`
}

type userSearchBody struct {
	UserSearch
	Limit int `json:"limit"`
}

// SearchUsers returns every user of directoryID (or AllDirectories) matching q, following the cursor.
func (c *Client) SearchUsers(ctx context.Context, directoryID string, q UserSearch) ([]User, error) {
	return postPages[User](ctx, c, "users", c.dirPath(directoryID, "/users/search"), userSearchBody{q, pageLimit})
}

// UsersByEmail returns the users whose address equals any of emails, case-insensitively, in batches of 100.
func (c *Client) UsersByEmail(ctx context.Context, directoryID string, emails ...string) ([]User, error) {
	var unique []string
	for _, e := range emails {
		if !slices.ContainsFunc(unique, func(u string) bool { return strings.EqualFold(u, e) }) {
			unique = append(unique, e)
		}
	}
	var out []User
	for batch := range slices.Chunk(unique, maxNames) {
		found, err := c.SearchUsers(ctx, directoryID, UserSearch{Emails: batch})
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// GetUser reads one user by account id.
func (c *Client) GetUser(ctx context.Context, directoryID, accountID string) (*User, error) {
	var out struct {
		Data User `json:"data"`
	}
	if err := c.api.Do(ctx, http.MethodGet, c.dirPath(directoryID, "/users/"+url.PathEscape(accountID)), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Data, nil
}

// GroupMemberIDs returns the account ids of a group's members, sorted: one listing, whatever the group's size.
func (c *Client) GroupMemberIDs(ctx context.Context, directoryID, groupID string) ([]string, error) {
	users, err := c.SearchUsers(ctx, directoryID, UserSearch{GroupIDs: []string{groupID}})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(users))
	for _, u := range users {
		ids = append(ids, u.AccountID)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
