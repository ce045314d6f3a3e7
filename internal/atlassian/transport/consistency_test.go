package transport

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWaitFor(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	calls := 0
	err := WaitFor(ctx, 5*time.Second, DefaultPolling, func(context.Context) (bool, error) {
		calls++
		return calls == 3, nil
	})
	if err != nil || calls != 3 {
		t.Errorf("done on the third call: %v after %d calls", err, calls)
	}

	boom := errors.New("boom")
	calls = 0
	err = WaitFor(ctx, 5*time.Second, DefaultPolling, func(context.Context) (bool, error) { calls++; return false, boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("a failing check: %v after %d calls", err, calls)
	}

	start := time.Now()
	err = WaitFor(ctx, 600*time.Millisecond, DefaultPolling, func(context.Context) (bool, error) { return false, nil })
	if d := time.Since(start); !errors.Is(err, ErrWaitTimeout) || d < 600*time.Millisecond || d > 2*time.Second {
		t.Errorf("timeout: %v after %v", err, d)
	}

	// A check cut short by the timeout reports the timeout, not the check's own error.
	err = WaitFor(ctx, 300*time.Millisecond, DefaultPolling, func(ctx context.Context) (bool, error) {
		<-ctx.Done()
		return false, ctx.Err()
	})
	if !errors.Is(err, ErrWaitTimeout) {
		t.Errorf("check cut by the timeout: %v", err)
	}

	// The caller's context wins over the timeout and is reported as itself.
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	err = WaitFor(cctx, time.Minute, DefaultPolling, func(context.Context) (bool, error) { return false, nil })
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrWaitTimeout) {
		t.Errorf("caller's deadline: %v", err)
	}
}
