package confluence_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// lookupConcurrently resolves each key in its own goroutine, all released at once.
func lookupConcurrently(t *testing.T, f *fixture, keys []string) map[string]string {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
		ids   = map[string]string{}
		errs  []error
	)
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, err := f.c.SpaceByKey(context.Background(), k)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			ids[k] = s.ID
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	return ids
}

func genKeys(from, to int) []string {
	var keys []string
	for i := from; i <= to; i++ {
		keys = append(keys, fmt.Sprintf("GEN%04d", i))
	}
	return keys
}

// Twenty resources refreshing in twenty spaces at once cost one key lookup, not twenty.
func TestSpaceLookupsShareOneRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{ExtraSpaces: 20}, transport.Config{})
	f.c.SetLookupWindow(100 * time.Millisecond) // generous: goroutines under -race can start slowly
	keys := genKeys(1, 20)
	ids := lookupConcurrently(t, f, keys)
	if len(ids) != 20 {
		t.Fatalf("resolved %d of 20 keys", len(ids))
	}
	if n := f.requests(routeSpaces); n != 1 {
		t.Errorf("20 concurrent lookups of 20 keys took %d requests, want 1", n)
	}
	// Remembered for the run, and the same answers again.
	again := lookupConcurrently(t, f, keys)
	for k, id := range ids {
		if again[k] != id {
			t.Errorf("%s: %s then %s", k, id, again[k])
		}
	}
	if n := f.requests(routeSpaces); n != 1 {
		t.Errorf("remembered keys were looked up again: %d requests", n)
	}
	// Duplicates of one new key among concurrent callers are one key in one request.
	lookupConcurrently(t, f, []string{"ENG", "ENG", "ENG", "OPS", "OPS"})
	if n := f.requests(routeSpaces); n != 2 {
		t.Errorf("a second batch took %d requests in all, want 2", n)
	}
}

// A batch carries at most 250 keys (the API's maximum); 300 concurrent lookups cost two requests.
func TestSpaceLookupBatchesCapAt250Keys(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{ExtraSpaces: 300}, transport.Config{})
	f.c.SetLookupWindow(200 * time.Millisecond) // a full batch is sent at once; the window bounds the rest
	ids := lookupConcurrently(t, f, genKeys(1, 300))
	if len(ids) != 300 {
		t.Fatalf("resolved %d of 300 keys", len(ids))
	}
	if n := f.requests(routeSpaces); n != 2 {
		t.Errorf("300 keys took %d requests, want 2", n)
	}
}

// One-space pages: the batch follows the cursor (still one batch, one request per page).
func TestSpaceLookupFollowsPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{PageSize: 1, ExtraSpaces: 5}, transport.Config{})
	f.c.SetLookupWindow(100 * time.Millisecond)
	if ids := lookupConcurrently(t, f, genKeys(1, 5)); len(ids) != 5 {
		t.Fatalf("resolved %v", ids)
	}
	if n := f.requests(routeSpaces); n != 5 {
		t.Errorf("5 single-space pages took %d requests, want 5", n)
	}
}

// A failed lookup fails every caller of its batch with the typed error, and is not remembered.
func TestSpaceLookupFailureIsShared(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{Faults: []emulator.Fault{{Route: routeSpaces, Nth: 1, Status: http.StatusUnauthorized}}}, transport.Config{})
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, k := range []string{"ENG", "OPS", "HR"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.c.SpaceByKey(context.Background(), k)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if !transport.IsUnauthorized(err) {
			t.Errorf("caller %d: want the 401, got %v", i, err)
		}
	}
	if n := f.requests(routeSpaces); n != 1 {
		t.Errorf("%d requests, want one shared", n)
	}
	if s, err := f.c.SpaceByKey(context.Background(), "OPS"); err != nil || s.Key != "OPS" {
		t.Errorf("after the failure: %v %v", s, err)
	}
}

// A caller that gives up does not fail the others of its batch, and a batch everyone gave up on is
// not remembered as a failure.
func TestSpaceLookupCancelledCallerLeavesOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{}, transport.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := f.c.SpaceByKey(ctx, "ENG")
		gaveUp <- err
	}()
	stayed := make(chan error, 1)
	go func() {
		s, err := f.c.SpaceByKey(context.Background(), "ENG")
		if err == nil && s.Key != "ENG" {
			err = fmt.Errorf("got space %s", s.Key)
		}
		stayed <- err
	}()
	cancel() // within the lookup window: the batch has not been sent yet
	if err := <-gaveUp; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up: %v", err)
	}
	if err := <-stayed; err != nil {
		t.Errorf("the caller that stayed: %v", err)
	}
	if n := f.requests(routeSpaces); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := f.c.SpaceByKey(cancelled, "OPS"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled lookup: %v", err)
	}
	if s, err := f.c.SpaceByKey(context.Background(), "OPS"); err != nil || s.Key != "OPS" {
		t.Errorf("lookup after an abandoned one: %v %v", s, err)
	}
}

// A run that looks up many spaces one at a time lists the site's spaces after its second lookup: every key is
// then known. On a site with more spaces than the listing reads (4 pages), the rest are looked up by key.
func TestSpaceLookupsTurnIntoAListing(t *testing.T) {
	t.Parallel()
	const route = "GET /wiki/api/v2/spaces"
	for name, c := range map[string]struct {
		opts emulator.Options
		want int
	}{
		"55 spaces, one page": {emulator.Options{ExtraSpaces: 50}, 2 + 1},
		// the listing reads 40 spaces; the last 15 generated ones are looked up
		"55 spaces, pages of 10":      {emulator.Options{ExtraSpaces: 50, PageSize: 10}, 2 + 4 + 15},
		"two lookups: no listing yet": {emulator.Options{}, 2},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, c.opts, transport.Config{})
			f.c.SetLookupWindow(0)
			keys := []string{"ENG", "OPS"}
			for i := 1; i <= c.opts.ExtraSpaces; i++ {
				keys = append(keys, fmt.Sprintf("GEN%04d", i))
			}
			for _, k := range keys {
				s, err := f.c.SpaceByKey(t.Context(), k)
				if err != nil || s.Key != k || s.ID == "" {
					t.Fatalf("%s: %+v %v", k, s, err)
				}
			}
			if n := f.requests(route); n != c.want {
				t.Errorf("%d space requests for %d keys, want %d", n, len(keys), c.want)
			}
		})
	}
}

// Lookups that arrive while the listing is in flight wait for it instead of going out beside it: however the
// batches fall in time, a run of many lookups costs the two lookups and the listing.
func TestSpaceLookupsWaitForTheListing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, emulator.Options{ExtraSpaces: 50, Latency: 20 * time.Millisecond}, transport.Config{})
	f.c.SetLookupWindow(0)
	for _, k := range []string{"ENG", "OPS"} { // the two lookups before the listing
		if _, err := f.c.SpaceByKey(t.Context(), k); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := 1; i <= 50; i++ { // fifty lookups at once, each its own batch
		wg.Go(func() {
			k := fmt.Sprintf("GEN%04d", i)
			if s, err := f.c.SpaceByKey(t.Context(), k); err != nil || s.Key != k {
				t.Errorf("%s: %+v %v", k, s, err)
			}
		})
	}
	wg.Wait()
	if n := f.requests("GET /wiki/api/v2/spaces"); n != 3 {
		t.Errorf("%d space requests, want 3: two lookups and one listing", n)
	}
}
