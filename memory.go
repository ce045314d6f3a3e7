package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The provider runs beside Terraform, often in a CI container with little memory. Every request Terraform sends
// leaves about 11 KB live in the plugin libraries any Terraform Plugin Framework provider shares (a provider with
// one function that does nothing grows the same way), so a plan of 2,000 resources holds about 120 MiB live, and
// Go's default pacing (GOGC=100) lets the heap reach twice that before collecting: 230 MiB at the peak
// (make bench, 10,000 grants). A soft memory limit makes the collector run earlier instead, at no measured cost in
// CPU at that size (161 MiB at the peak).
//
// A limit the live heap outgrows would make the collector run back to back, so after each collection the limit
// is raised to twice the live heap (the default pacing again) once the live heap passes most of it: a state so
// large that its live heap nears the limit is planned as it would be without one. GOMEMLIMIT, when set, is the
// user's choice and left alone. Hand-written: the Go runtime offers the limit, not a policy for it.

const (
	// softMemoryLimit is where the collector starts working harder while the live heap is well below it.
	softMemoryLimit = 150 << 20
	// liveShareBeforeRaise is the share of the limit the live heap may reach before the limit steps aside.
	liveShareBeforeRaise = 0.9
)

// nextMemoryLimit is the limit after a collection that left live bytes live: unchanged while live is below
// liveShareBeforeRaise of limit, else twice live.
func nextMemoryLimit(live, limit int64) int64 {
	if float64(live) < liveShareBeforeRaise*float64(limit) {
		return limit
	}
	return 2 * live
}

// governMemory sets the soft memory limit to limit and, after every collection, raises it when the live heap
// nears it, until stop is called.
func governMemory(limit int64) (stop func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	var stopped atomic.Bool
	debug.SetMemoryLimit(limit)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var afterCollection func(struct{})
	afterCollection = func(struct{}) {
		if stopped.Load() {
			return
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live := int64(min(sample[0].Value.Uint64(), math.MaxInt64)) //nolint:gosec // clamped to int64 just before
			if next := nextMemoryLimit(live, limit); next != limit {
				limit = next
				debug.SetMemoryLimit(limit)
			}
		}
		watchNextCollection(afterCollection)
	}
	watchNextCollection(afterCollection)
	return func() { stopped.Store(true) }
}

// gcSentinel is allocated only to become garbage: its cleanup runs after the next collection.
type gcSentinel struct{ _ *gcSentinel }

func watchNextCollection(fn func(struct{})) {
	runtime.AddCleanup(&gcSentinel{}, fn, struct{}{})
}
