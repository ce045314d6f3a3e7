package runcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentReadersShareOneLoad(t *testing.T) {
	t.Parallel()
	var c Cache[string, int]
	var loads atomic.Int32
	release := make(chan struct{})
	load := func(ctx context.Context) (int, error) {
		loads.Add(1)
		select {
		case <-release:
			return 42, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := c.Get(t.Context(), "k", load); v != 42 || err != nil {
				t.Errorf("Get = %d, %v", v, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("20 concurrent readers made %d loads, want 1", n)
	}
}

func TestKeepForgetSetClear(t *testing.T) {
	t.Parallel()
	var c Cache[string, int]
	ctx := t.Context()
	loads := 0
	load := func(context.Context) (int, error) { loads++; return loads, nil }

	if _, err := c.Get(ctx, "k", func(context.Context) (int, error) { return 0, errors.New("boom") }); err == nil {
		t.Fatal("a failing load returned no error")
	}
	if v, _ := c.Get(ctx, "k", load); v != 1 {
		t.Errorf("a failed load was kept: got %d", v)
	}
	if v, _ := c.Get(ctx, "k", load); v != 1 || loads != 1 {
		t.Errorf("a kept value was loaded again: got %d after %d loads", v, loads)
	}
	c.Update("k", func(v int) int { return v + 10 })
	if v, _ := c.Get(ctx, "k", load); v != 11 {
		t.Errorf("Update: got %d, want 11", v)
	}
	c.Forget("k")
	if v, _ := c.Get(ctx, "k", load); v != 2 {
		t.Errorf("Forget: got %d, want a fresh load (2)", v)
	}
	c.Set("k", 7)
	if v, _ := c.Get(ctx, "k", load); v != 7 {
		t.Errorf("Set: got %d, want 7", v)
	}
	c.Clear()
	if v, _ := c.Get(ctx, "k", load); v != 3 {
		t.Errorf("Clear: got %d, want a fresh load (3)", v)
	}
}

// A load that was running while a write happened answers its readers but is not kept: it may predate the write.
func TestLoadOverlappingAWriteIsNotKept(t *testing.T) {
	t.Parallel()
	var c Cache[string, int]
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _ = c.Get(context.Background(), "k", func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		})
	}()
	<-started
	c.Update("k", func(v int) int { return v })
	close(release)
	time.Sleep(10 * time.Millisecond)
	if v, _ := c.Get(t.Context(), "k", func(context.Context) (int, error) { return 2, nil }); v != 2 {
		t.Errorf("got %d: a stale load was kept", v)
	}
}

// A reader that gives up does not fail the others waiting on the same load.
func TestCancelledReaderDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	var c Cache[string, int]
	release := make(chan struct{})
	load := func(ctx context.Context) (int, error) {
		select {
		case <-release:
			return 5, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() { _, err := c.Get(ctx, "k", load); errs <- err }()
	done := make(chan int, 1)
	go func() { v, _ := c.Get(context.Background(), "k", load); done <- v }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled reader: %v", err)
	}
	close(release)
	if v := <-done; v != 5 {
		t.Errorf("the other reader got %d, want 5", v)
	}
}

// A reader that comes after a write does not join a load that started before it: that load's answer may not
// show the write (a client reading back its own grant while another resource's read is in flight).
func TestReaderAfterAWriteDoesNotJoinAnOlderLoad(t *testing.T) {
	t.Parallel()
	var c Cache[string, int]
	var loads atomic.Int32
	release := make(chan struct{})
	first := make(chan int, 1)
	go func() {
		v, _ := c.Get(context.Background(), "k", func(ctx context.Context) (int, error) {
			loads.Add(1)
			<-release
			return 1, nil // read before the write
		})
		first <- v
	}()
	for loads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.Update("k", func(v int) int { return v + 1 })                         // the write lands while the first load is in flight
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // joining the first load would block
	defer cancel()
	v, err := c.Get(ctx, "k", func(context.Context) (int, error) {
		loads.Add(1)
		return 2, nil // read after the write
	})
	close(release)
	if err != nil || v != 2 || loads.Load() != 2 {
		t.Fatalf("got %d, %v after %d loads; want the later load's 2 after 2 loads", v, err, loads.Load())
	}
	if got := <-first; got != 1 {
		t.Fatalf("the first reader got %d, want its own load's 1", got)
	}
}
