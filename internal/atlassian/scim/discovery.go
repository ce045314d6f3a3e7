package scim

import (
	"context"
	"net/http"
)

// Supported is a SCIM capability flag.
type Supported struct {
	Supported bool `json:"supported"`
}

// ServiceProviderConfig is what a SCIM server says it supports (RFC 7643 §5).
type ServiceProviderConfig struct {
	Patch          Supported `json:"patch"`
	ChangePassword Supported `json:"changePassword"`
	Sort           Supported `json:"sort"`
	ETag           Supported `json:"etag"`
	Bulk           struct {
		Supported      bool `json:"supported"`
		MaxOperations  int  `json:"maxOperations"`
		MaxPayloadSize int  `json:"maxPayloadSize"`
	} `json:"bulk"`
	Filter struct {
		Supported  bool `json:"supported"`
		MaxResults int  `json:"maxResults"`
	} `json:"filter"`
}

// ServiceProviderConfig reads the directory's capabilities.
func (c *Client) ServiceProviderConfig(ctx context.Context) (*ServiceProviderConfig, error) {
	var out ServiceProviderConfig
	if err := c.api.Do(ctx, http.MethodGet, "/ServiceProviderConfig", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BaseURL is the directory base URL the client talks to.
func (c *Client) BaseURL() string { return c.api.BaseURL().String() }
