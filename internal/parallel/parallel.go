// Package parallel runs bulk writes with bounded concurrency.
package parallel

import (
	"context"
	"errors"
	"sync"
)

// ForEach runs fn for every item, at most limit at a time (the provider's parallelism setting), and returns
// every error joined. All items are attempted even when some fail, so that a bulk change applies as much as it
// can; callers record which items succeeded so that state tells the truth.
func ForEach[T any](ctx context.Context, limit int, items []T, fn func(context.Context, T) error) error {
	if limit < 1 {
		limit = 1
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, limit)
	)
	for _, item := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return errors.Join(append(errs, ctx.Err())...)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, item); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
