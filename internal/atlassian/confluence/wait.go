package confluence

import (
	"context"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// waitFor polls check with the client's polling intervals (tests shorten them) until Atlassian shows a change.
func (c *Client) waitFor(ctx context.Context, timeout time.Duration, check func(context.Context) (bool, error)) error {
	return transport.WaitFor(ctx, timeout, transport.Polling{First: c.pollFirst, Max: c.pollMax}, check)
}
