package scim

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Name is the SCIM name complex attribute.
type Name struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// Email is one entry of a user's emails.
type Email struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// Enterprise is the RFC 7643 enterprise extension; Atlassian keeps department and organization there.
type Enterprise struct {
	Department   string `json:"department,omitempty"`
	Organization string `json:"organization,omitempty"`
}

// AtlassianExtension carries the Atlassian account a SCIM user is linked to; other SCIM servers omit it.
type AtlassianExtension struct {
	AtlassianAccountID string `json:"atlassianAccountId,omitempty"`
}

// GroupRef is one entry of a user's read-only groups attribute.
type GroupRef struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

// User is a SCIM user. Department and Organization also appear at the top level on Atlassian's own schema,
// so both places are read.
type User struct {
	Schemas           []string            `json:"schemas,omitempty"`
	ID                string              `json:"id,omitempty"`
	ExternalID        string              `json:"externalId,omitempty"`
	UserName          string              `json:"userName"`
	Name              *Name               `json:"name,omitempty"`
	DisplayName       string              `json:"displayName,omitempty"`
	NickName          string              `json:"nickName,omitempty"`
	Title             string              `json:"title,omitempty"`
	PreferredLanguage string              `json:"preferredLanguage,omitempty"`
	Timezone          string              `json:"timezone,omitempty"`
	Department        string              `json:"department,omitempty"`
	Organization      string              `json:"organization,omitempty"`
	Emails            []Email             `json:"emails,omitempty"`
	Active            *bool               `json:"active,omitempty"`
	Groups            []GroupRef          `json:"groups,omitempty"`
	Enterprise        *Enterprise         `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,omitempty"`
	Atlassian         *AtlassianExtension `json:"urn:scim:schemas:extension:atlassian-external:1.0,omitempty"`
	Meta              *Meta               `json:"meta,omitempty"`
}

// PrimaryEmail is the primary email, or the first one when none is marked primary.
func (u *User) PrimaryEmail() string {
	for _, e := range u.Emails {
		if e.Primary {
			return e.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// AccountID is the linked Atlassian account id, empty when the server does not say.
func (u *User) AccountID() string {
	if u.Atlassian == nil {
		return ""
	}
	return u.Atlassian.AtlassianAccountID
}

// DepartmentValue reads department from the enterprise extension, falling back to Atlassian's top level.
func (u *User) DepartmentValue() string {
	if u.Enterprise != nil && u.Enterprise.Department != "" {
		return u.Enterprise.Department
	}
	return u.Department
}

// OrganizationValue reads organization from the enterprise extension, falling back to Atlassian's top level.
func (u *User) OrganizationValue() string {
	if u.Enterprise != nil && u.Enterprise.Organization != "" {
		return u.Enterprise.Organization
	}
	return u.Organization
}

// IsActive treats a missing active attribute as active, as RFC 7643 servers that omit it mean.
func (u *User) IsActive() bool { return u.Active == nil || *u.Active }

// GivenNameValue is name.givenName, empty when the server sends no name.
func (u *User) GivenNameValue() string {
	if u.Name == nil {
		return ""
	}
	return u.Name.GivenName
}

// FamilyNameValue is name.familyName, empty when the server sends no name.
func (u *User) FamilyNameValue() string {
	if u.Name == nil {
		return ""
	}
	return u.Name.FamilyName
}

// WithPrimaryEmail returns the user's emails with addr as the primary work address: the previous primary (the
// first address when none is marked) is replaced, every other address is kept as a secondary one. It is the
// value of a PATCH replacing "emails" that changes the primary address without dropping the others.
func (u *User) WithPrimaryEmail(addr string) []Email {
	primary := -1
	for i, e := range u.Emails {
		if e.Primary {
			primary = i
			break
		}
	}
	if primary < 0 && len(u.Emails) > 0 {
		primary = 0
	}
	out := []Email{{Value: addr, Type: "work", Primary: true}}
	for i, e := range u.Emails {
		if i == primary || strings.EqualFold(e.Value, addr) {
			continue
		}
		e.Primary = false
		out = append(out, e)
	}
	return out
}

// EnterprisePath is the PATCH path of an attribute of the enterprise extension, such as
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" (RFC 7644 §3.10).
func EnterprisePath(attr string) string { return SchemaEnterprise + ":" + attr }

// CreateUser creates a user (or re-activates the deactivated one of that userName) and returns it as the
// server stored it. When the answer is lost, the user is looked up by userName (transport.Settle): one that
// is active with the asked externalId and email is the one created.
func (c *Client) CreateUser(ctx context.Context, u User) (*User, error) {
	u.Schemas = []string{SchemaUser}
	if u.Enterprise != nil {
		u.Schemas = append(u.Schemas, SchemaEnterprise)
	}
	return transport.Settle(ctx, transport.Write[*User]{
		What: fmt.Sprintf("SCIM user %q", u.UserName),
		Send: func(ctx context.Context) (*User, error) {
			var out User
			if err := c.api.Do(ctx, http.MethodPost, "/Users", nil, u, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
		Find: func(ctx context.Context) (*User, bool, error) {
			found, err := c.FindUsers(ctx, "userName", u.UserName)
			for i := range found {
				// A deactivated holder of the name is what a repeated POST re-activates, not the answer.
				if strings.EqualFold(found[i].UserName, u.UserName) && (found[i].IsActive() || !u.IsActive()) {
					return &found[i], true, err
				}
			}
			return nil, false, err
		},
		Differs: func(found *User) string {
			switch {
			case found.ExternalID != u.ExternalID:
				return fmt.Sprintf("its externalId is %q, not %q", found.ExternalID, u.ExternalID)
			case !strings.EqualFold(found.PrimaryEmail(), u.PrimaryEmail()):
				return fmt.Sprintf("its email is %q, not %q", found.PrimaryEmail(), u.PrimaryEmail())
			}
			return ""
		},
		ID: func(found *User) string { return found.ID },
	})
}

// GetUser reads a user by SCIM id. Atlassian answers 404 for deactivated users.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	var out User
	if err := c.api.Do(ctx, http.MethodGet, "/Users/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FindUsers returns the users matching attr eq value (attr is userName or externalId).
func (c *Client) FindUsers(ctx context.Context, attr, value string) ([]User, error) {
	return list[User](ctx, c, "/Users", Eq(attr, value))
}

// Users yields the users the directory lists, a page a request.
func (c *Client) Users(ctx context.Context) iter.Seq2[User, error] {
	return each[User](ctx, c, "/Users", "")
}

// ListUsers returns every user the directory lists.
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	return list[User](ctx, c, "/Users", "")
}

// CountUsers asks for one result to learn totalResults, the cheapest way to count.
func (c *Client) CountUsers(ctx context.Context) (int, error) { return c.count(ctx, "/Users") }

// CountGroups asks for one result to learn totalResults.
func (c *Client) CountGroups(ctx context.Context) (int, error) { return c.count(ctx, "/Groups") }

func (c *Client) count(ctx context.Context, path string) (int, error) {
	var resp listResponse[map[string]any]
	err := c.api.Do(ctx, http.MethodGet, path, url.Values{"startIndex": {"1"}, "count": {"1"}}, nil, &resp)
	return resp.TotalResults, err
}

// PatchUser applies operations to a user and returns the user as the server answered it.
func (c *Client) PatchUser(ctx context.Context, id string, ops ...PatchOperation) (*User, error) {
	var out User
	body := patchRequest{Schemas: []string{SchemaPatchOp}, Operations: ops}
	if !deactivates(ops) {
		// Replacing or removing values twice leaves them as once. A deactivation is not repeated: the
		// directory answers 404 for a deactivated user (reference §1.6).
		ctx = transport.Repeatable(ctx)
	}
	err := c.api.Do(ctx, http.MethodPatch, "/Users/"+url.PathEscape(id), nil, body, &out)
	c.members.Clear() // a deactivation may take the user out of every group
	if err != nil {
		return nil, err
	}
	if out.ID == "" { // RFC 7644 allows 204 No Content for PATCH
		return c.GetUser(ctx, id)
	}
	return &out, nil
}

// deactivates reports whether ops set active to false.
func deactivates(ops []PatchOperation) bool {
	for _, op := range ops {
		if strings.EqualFold(op.Path, "active") {
			if v, ok := op.Value.(bool); ok && !v {
				return true
			}
		}
	}
	return false
}

// DeleteUser deletes a user; Atlassian deactivates the account instead. A user already gone is not an error.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	err := c.api.Do(ctx, http.MethodDelete, "/Users/"+url.PathEscape(id), nil, nil, nil)
	c.members.Clear() // deactivation takes the user out of every group
	if transport.IsNotFound(err) {
		return nil
	}
	return err
}
