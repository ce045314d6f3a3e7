package confluence

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrWaitTimeout is what the waiting writes return (wrapped) when Atlassian has not shown the change
// within their timeout.
var ErrWaitTimeout = errors.New("timed out waiting for Atlassian to apply the change")

// Polling of asynchronous changes: quick at first (most apply within seconds), slower later so that a
// long wait does not spend the rate limit.
const (
	defaultPollFirst = 250 * time.Millisecond
	defaultPollMax   = 5 * time.Second
	pollGrowth       = 1.5
)

// waitFor calls check until it reports done, fails, or timeout passes (timeout <= 0: only ctx bounds it).
// When the timeout passes the result wraps ErrWaitTimeout; when ctx ends first, it is ctx's error.
func (c *Client) waitFor(ctx context.Context, timeout time.Duration, check func(context.Context) (bool, error)) error {
	wctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		wctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	expired := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("%w (waited %s)", ErrWaitTimeout, timeout)
	}
	delay := c.pollFirst
	for {
		done, err := check(wctx)
		switch {
		case err != nil && wctx.Err() != nil:
			return expired() // the check was cut short by the deadline
		case err != nil:
			return err
		case done:
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-wctx.Done():
			t.Stop()
			return expired()
		case <-t.C:
		}
		delay = min(time.Duration(float64(delay)*pollGrowth), c.pollMax)
	}
}
