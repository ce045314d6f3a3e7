package emulator

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// faults injects the latency, rate limiting and server errors configured in Options, so clients'
// retry and back-off code can be exercised offline.
type faults struct {
	latency   time.Duration
	errorRate float64
	lostRate  float64 // share of writes applied and then answered 503
	rate      float64 // requests per second; 0 = unlimited

	mu     sync.Mutex
	rng    *rand.Rand
	tokens float64
	last   time.Time
}

func newFaults(o Options) *faults {
	seed := uint64(o.Seed) //nolint:gosec // only the bit pattern matters
	f := &faults{
		latency:   o.Latency,
		errorRate: o.ErrorRate,
		lostRate:  o.LostAnswerRate,
		rate:      o.RateLimit,
		// Reproducible, not secret: a seed must replay the same fault sequence.
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), //nolint:gosec
	}
	f.tokens = f.burst()
	return f
}

// burst is the bucket size: one second's worth of requests, at least one.
func (f *faults) burst() float64 { return math.Max(1, f.rate) }

// delay waits the configured latency; false when the request's context ended first.
func (f *faults) delay(ctx context.Context) bool {
	if f.latency <= 0 {
		return true
	}
	t := time.NewTimer(f.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// allow takes a token from the bucket. When none is left it returns the Retry-After value (whole
// seconds, at least 1). Rejected requests take no token.
func (f *faults) allow() (string, bool) {
	if f.rate <= 0 {
		return "", true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	if !f.last.IsZero() {
		f.tokens = math.Min(f.burst(), f.tokens+now.Sub(f.last).Seconds()*f.rate)
	}
	f.last = now
	if f.tokens >= 1 {
		f.tokens--
		return "", true
	}
	wait := math.Ceil((1 - f.tokens) / f.rate)
	return strconv.Itoa(int(math.Max(1, wait))), false
}

// fail decides whether this request gets an injected 503 before it is applied.
func (f *faults) fail() bool { return f.draw(f.errorRate) }

// lose decides whether this write is applied and then answered 503 (a lost answer).
func (f *faults) lose() bool { return f.draw(f.lostRate) }

// draw is true with probability p, from the seeded sequence.
func (f *faults) draw(p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64() < p
}

// stats counts API requests per route template.
type stats struct {
	mu     sync.Mutex
	counts map[string]int
}

func newStats() *stats { return &stats{counts: map[string]int{}} }

func (s *stats) add(key string) {
	s.mu.Lock()
	s.counts[key]++
	s.mu.Unlock()
}

func (s *stats) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

func (s *stats) reset() {
	s.mu.Lock()
	s.counts = map[string]int{}
	s.mu.Unlock()
}
