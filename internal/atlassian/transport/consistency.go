package transport

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrWaitTimeout is what WaitFor returns (wrapped) when Atlassian has not shown a change within the timeout.
var ErrWaitTimeout = errors.New("timed out waiting for Atlassian's eventual consistency")

// Polling sets how often WaitFor looks: quick at first (most changes show within seconds), slower later so a
// long wait does not spend the rate limit.
type Polling struct {
	First, Max time.Duration
}

// DefaultPolling starts at 250ms and grows to 5s.
var DefaultPolling = Polling{First: 250 * time.Millisecond, Max: 5 * time.Second}

const pollGrowth = 1.5

// WaitFor calls check until it reports done, returns an error, or timeout passes (timeout <= 0: only ctx bounds
// the wait). check gets a context that ends at the timeout. When the timeout passes, the result wraps
// ErrWaitTimeout; when ctx itself ends first, it is ctx's error.
func WaitFor(ctx context.Context, timeout time.Duration, p Polling, check func(ctx context.Context) (done bool, err error)) error {
	if p.First <= 0 {
		p = DefaultPolling
	}
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
	delay := p.First
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
		delay = min(time.Duration(float64(delay)*pollGrowth), max(p.Max, p.First))
	}
}
