package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// The limit holds while the live heap is well below it, and steps aside (twice the live heap) once it nears it.
func TestNextMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct{ live, limit, want int64 }{
		{10 * mib, 150 * mib, 150 * mib},
		{120 * mib, 150 * mib, 150 * mib}, // a plan of 2,000 resources: the limit holds
		{135 * mib, 150 * mib, 270 * mib}, // near the limit: the default pacing again
		{200 * mib, 270 * mib, 270 * mib},
		{250 * mib, 270 * mib, 500 * mib},
	} {
		if got := nextMemoryLimit(tc.live, tc.limit); got != tc.want {
			t.Errorf("live %d MiB, limit %d MiB: next %d MiB, want %d MiB", tc.live/mib, tc.limit/mib, got/mib, tc.want/mib)
		}
	}
}

// governMemory sets the limit, and after collections raises it once the live heap nears it: here a limit of
// 1 MiB, which 4 MiB kept live passes. With GOMEMLIMIT set it changes nothing.
func TestGovernMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	governMemory(1 << 20)()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Fatalf("with GOMEMLIMIT set the limit is %d, want it left at 1 GiB", got)
	}

	unsetenv(t, "GOMEMLIMIT")
	live := make([]byte, 4<<20) // more than the limit stays live
	defer runtime.KeepAlive(live)
	stop := governMemory(1 << 20)
	t.Cleanup(stop)
	if got := debug.SetMemoryLimit(-1); got != 1<<20 {
		t.Fatalf("limit %d, want 1 MiB", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) == 1<<20 {
		if time.Now().After(deadline) {
			t.Fatal("the limit stayed at 1 MiB after collections with more than that live")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // cleanups run on a goroutine of their own
	}
	if got := debug.SetMemoryLimit(-1); got < 2<<20 {
		t.Fatalf("raised limit %d, want at least twice the live heap", got)
	}
}
