package confluence

import (
	"context"
	"slices"
	"sync"
	"time"
)

// batchLoader resolves keys (space keys, account ids) for the run. Keys asked for within one short window,
// by any number of concurrent callers, share one request of up to max keys, so that many resources asking
// at once cost one lookup per batch rather than one per resource. Found values are remembered for the run;
// keys that matched nothing are asked again next time (the object may be created meanwhile).
type batchLoader[V any] struct {
	window time.Duration
	max    int
	fetch  func(ctx context.Context, keys []string) (map[string]V, error)

	mu      sync.Mutex
	known   map[string]V
	pending map[string]*batch // key → the batch that will answer it
	open    *batch            // the batch still collecting keys, if any
}

// batch is one lookup request shared by the callers whose keys it carries. Like a cache load, it runs on
// a context of its own and is canceled when every caller has stopped waiting.
type batch struct {
	keys    []string
	ctx     context.Context
	cancel  context.CancelFunc
	timer   *time.Timer
	sent    bool
	waiters int
	done    chan struct{}
	err     error
}

func newBatchLoader[V any](window time.Duration, maxKeys int, fetch func(context.Context, []string) (map[string]V, error)) *batchLoader[V] {
	return &batchLoader[V]{window: window, max: maxKeys, fetch: fetch, known: map[string]V{}, pending: map[string]*batch{}}
}

// setWindow sets how long a batch waits for others to join it (0 sends at once).
func (l *batchLoader[V]) setWindow(d time.Duration) {
	l.mu.Lock()
	l.window = max(d, 0)
	l.mu.Unlock()
}

// remember keeps a value found another way (a listing) for the run's later lookups.
func (l *batchLoader[V]) remember(key string, v V) {
	l.mu.Lock()
	l.known[key] = v
	l.mu.Unlock()
}

// lookup returns the values of the keys that were found.
func (l *batchLoader[V]) lookup(ctx context.Context, keys []string) (map[string]V, error) {
	l.mu.Lock()
	var waits []*batch
	for _, k := range keys {
		if _, ok := l.known[k]; ok || k == "" {
			continue
		}
		b := l.pending[k]
		if b == nil {
			b = l.openBatch(ctx)
			b.keys = append(b.keys, k)
			l.pending[k] = b
			if len(b.keys) == l.max {
				l.send(b)
			}
		}
		if !slices.Contains(waits, b) {
			waits = append(waits, b)
			b.waiters++
		}
	}
	if l.window == 0 && l.open != nil {
		l.send(l.open)
	}
	l.mu.Unlock()

	for i, b := range waits {
		select {
		case <-b.done:
			if b.err != nil {
				l.leave(waits[i+1:])
				return nil, b.err
			}
		case <-ctx.Done():
			l.leave(waits[i:])
			return nil, ctx.Err()
		}
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]V, len(keys))
	for _, k := range keys {
		if v, ok := l.known[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// openBatch returns the batch collecting keys, starting one (and its window) when there is none. The
// caller holds l.mu.
func (l *batchLoader[V]) openBatch(ctx context.Context) *batch {
	if l.open != nil {
		return l.open
	}
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b := &batch{ctx: bctx, cancel: cancel, done: make(chan struct{})}
	l.open = b
	if l.window > 0 {
		b.timer = time.AfterFunc(l.window, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.open == b {
				l.send(b)
			}
		})
	}
	return b
}

// send closes a batch to new keys and starts its request. The caller holds l.mu.
func (l *batchLoader[V]) send(b *batch) {
	if b.timer != nil {
		b.timer.Stop()
	}
	if l.open == b {
		l.open = nil
	}
	b.sent = true
	go l.run(b)
}

func (l *batchLoader[V]) run(b *batch) {
	found, err := l.fetch(b.ctx, b.keys)
	b.cancel()
	l.mu.Lock()
	for _, k := range b.keys {
		if l.pending[k] == b {
			delete(l.pending, k)
		}
	}
	if err == nil {
		for k, v := range found {
			l.known[k] = v
		}
	}
	b.err = err
	l.mu.Unlock()
	close(b.done)
}

// leave stops waiting on batches; one nobody waits for any more is canceled (or, not sent yet, dropped),
// and its keys are free for a new batch.
func (l *batchLoader[V]) leave(batches []*batch) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range batches {
		b.waiters--
		if b.waiters > 0 {
			continue
		}
		for _, k := range b.keys {
			if l.pending[k] == b {
				delete(l.pending, k)
			}
		}
		if b.sent {
			b.cancel()
			continue
		}
		if b.timer != nil {
			b.timer.Stop()
		}
		if l.open == b {
			l.open = nil
		}
		b.cancel()
		close(b.done)
	}
}
