package confluence

import (
	"context"
	"net/http"
	"net/url"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// CanRead asks Confluence whether an account may read a piece of content (POST
// /wiki/rest/api/content/{id}/permission/check, operation read): site, space and content permissions together.
// Checking another account needs the Confluence Administrator global permission (403 otherwise). The check
// writes nothing, so it is retried like a read.
func (c *Client) CanRead(ctx context.Context, contentID, accountID string) (bool, error) {
	body := map[string]any{
		"subject":   map[string]string{"type": PrincipalUser, "identifier": accountID},
		"operation": "read",
	}
	var out struct {
		HasPermission bool `json:"hasPermission"`
	}
	err := c.api.Do(transport.Repeatable(ctx), http.MethodPost, v1+"/content/"+url.PathEscape(contentID)+"/permission/check", nil, body, &out)
	return out.HasPermission, err
}
