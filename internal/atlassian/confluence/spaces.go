package confluence

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Space is a Confluence space as v2 returns it. Ids are numeric strings.
type Space struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

// spaceLoader resolves space keys for the run. Keys asked for within one short window, by any number of
// concurrent callers, share one GET /spaces?keys=A,B,… (up to 250 keys a request), so refreshing resources
// in many spaces costs one lookup per batch rather than one per resource. Found spaces are remembered for
// the run; keys that matched nothing are asked again next time (the space may be created meanwhile).
type spaceLoader struct {
	c      *Client
	window time.Duration

	mu      sync.Mutex
	known   map[string]*Space
	pending map[string]*spaceBatch // key → the batch that will answer it
	open    *spaceBatch            // the batch still collecting keys, if any
}

// spaceBatch is one lookup request shared by the callers whose keys it carries. Like a cache load, it
// runs on a context of its own and is canceled when every caller has stopped waiting.
type spaceBatch struct {
	keys    []string
	ctx     context.Context
	cancel  context.CancelFunc
	timer   *time.Timer
	sent    bool
	waiters int
	done    chan struct{}
	err     error
}

func newSpaceLoader(c *Client, window time.Duration) *spaceLoader {
	return &spaceLoader{c: c, window: window, known: map[string]*Space{}, pending: map[string]*spaceBatch{}}
}

// lookup returns the spaces of keys that exist (and that the credential can view).
func (l *spaceLoader) lookup(ctx context.Context, keys []string) (map[string]*Space, error) {
	l.mu.Lock()
	var waits []*spaceBatch
	for _, k := range keys {
		if _, ok := l.known[k]; ok || k == "" {
			continue
		}
		b := l.pending[k]
		if b == nil {
			b = l.openBatch(ctx)
			b.keys = append(b.keys, k)
			l.pending[k] = b
			if len(b.keys) == maxPage {
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
	out := make(map[string]*Space, len(keys))
	for _, k := range keys {
		if s := l.known[k]; s != nil {
			out[k] = s
		}
	}
	return out, nil
}

// openBatch returns the batch collecting keys, starting one (and its window) when there is none. The
// caller holds l.mu.
func (l *spaceLoader) openBatch(ctx context.Context) *spaceBatch {
	if l.open != nil {
		return l.open
	}
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b := &spaceBatch{ctx: bctx, cancel: cancel, done: make(chan struct{})}
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
func (l *spaceLoader) send(b *spaceBatch) {
	if b.timer != nil {
		b.timer.Stop()
	}
	if l.open == b {
		l.open = nil
	}
	b.sent = true
	go l.run(b)
}

func (l *spaceLoader) run(b *spaceBatch) {
	found, err := listAll[Space](b.ctx, l.c, v2+"/spaces", url.Values{"keys": {strings.Join(b.keys, ",")}})
	b.cancel()
	l.mu.Lock()
	for _, k := range b.keys {
		if l.pending[k] == b {
			delete(l.pending, k)
		}
	}
	if err == nil {
		for i := range found {
			l.known[found[i].Key] = &found[i]
		}
	}
	b.err = err
	l.mu.Unlock()
	close(b.done)
}

// leave stops waiting on batches; one nobody waits for any more is canceled (or, not sent yet, dropped),
// and its keys are free for a new batch.
func (l *spaceLoader) leave(batches []*spaceBatch) {
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

// SpacesByKey resolves space keys to spaces. Keys this client has resolved before cost nothing; the rest
// are looked up together with any other lookup arriving within the lookup window (see SetLookupWindow).
// Keys that do not exist (or that the caller cannot view) are absent from the result.
func (c *Client) SpacesByKey(ctx context.Context, keys ...string) (map[string]*Space, error) {
	return c.spaces.lookup(ctx, keys)
}

// SpaceByKey resolves one space key; a missing space is a not-found error.
func (c *Client) SpaceByKey(ctx context.Context, key string) (*Space, error) {
	found, err := c.SpacesByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	s, ok := found[key]
	if !ok {
		return nil, notFound(v2+"/spaces", "no space with key %q exists, or the Confluence credential cannot view it", key)
	}
	return s, nil
}
