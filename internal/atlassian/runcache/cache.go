// Package runcache keeps what the API clients read for the length of one provider run, so that any number of
// resources asking for the same listing cost one request.
package runcache

import (
	"context"
	"sync"
)

// Cache keeps values read from an API for the client's run, by key. Concurrent readers of a key that is
// not known yet share one load; a successful load is kept, a failed one is not. Writes through the client
// edit the kept value (update) or drop it (forget); a load that was in flight while a write happened is
// handed to its waiters but not kept, since its answer may predate the write, and readers who come after the
// write start a load of their own.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*cacheEntry[V]
}

type cacheEntry[V any] struct {
	val    V
	ok     bool
	gen    uint64 // bumped by every write
	flight *cacheFlight[V]
}

// cacheFlight is one load shared by several readers. It runs on a context of its own, detached from each
// reader's, and is canceled once every reader has stopped waiting, so no reader's cancellation fails the
// others.
type cacheFlight[V any] struct {
	gen     uint64 // the entry's generation when the load started
	done    chan struct{}
	val     V
	err     error
	waiters int
	cancel  context.CancelFunc
}

func (c *Cache[K, V]) entry(key K) *cacheEntry[V] {
	if c.entries == nil {
		c.entries = map[K]*cacheEntry[V]{}
	}
	e := c.entries[key]
	if e == nil {
		e = &cacheEntry[V]{}
		c.entries[key] = e
	}
	return e
}

// Get returns the kept value of key, or loads it (once for all concurrent readers).
func (c *Cache[K, V]) Get(ctx context.Context, key K, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e := c.entry(key)
	if e.ok {
		v := e.val
		c.mu.Unlock()
		return v, nil
	}
	f := e.flight
	// A load that started before a write since may not show it: a reader joins only a load as recent as the
	// last write, so that a client reading back its own write sees it.
	if f == nil || f.gen != e.gen {
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &cacheFlight[V]{gen: e.gen, done: make(chan struct{}), cancel: cancel}
		e.flight = f
		go c.run(lctx, e, f, e.gen, load)
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		c.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			f.cancel()
			if e.flight == f {
				e.flight = nil // a later reader starts afresh instead of inheriting the cancellation
			}
		}
		c.mu.Unlock()
		var zero V
		return zero, ctx.Err()
	}
}

func (c *Cache[K, V]) run(ctx context.Context, e *cacheEntry[V], f *cacheFlight[V], gen uint64, load func(context.Context) (V, error)) {
	v, err := load(ctx)
	c.mu.Lock()
	if e.flight == f {
		e.flight = nil
	}
	if err == nil && e.gen == gen {
		e.val, e.ok = v, true
	}
	f.val, f.err = v, err
	c.mu.Unlock()
	f.cancel()
	close(f.done)
}

// Update applies fn to the kept value of key, when there is one. fn must not modify its argument in
// place: readers may hold it.
func (c *Cache[K, V]) Update(key K, fn func(V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(key)
	e.gen++
	if e.ok {
		e.val = fn(e.val)
	}
}

// Forget drops the kept value of key, so the next reader loads it again.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(key)
	e.gen++
	var zero V
	e.val, e.ok = zero, false
}

// Set keeps v as the value of key, as a write through the client has just learnt it.
func (c *Cache[K, V]) Set(key K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(key)
	e.gen++
	e.val, e.ok = v, true
}

// Clear drops every kept value.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		e.gen++
		var zero V
		e.val, e.ok = zero, false
	}
}
