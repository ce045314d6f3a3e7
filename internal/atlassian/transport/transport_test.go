//nolint:bodyclose // Client.Do reads and closes every body; the response it returns is headers-only.
package transport

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// fastConfig keeps computed backoff in milliseconds so retry tests stay fast.
func fastConfig() Config {
	return Config{
		UserAgent:  "terraform-provider-confluence/test",
		MaxRetries: 3,
		MinBackoff: time.Millisecond,
		MaxBackoff: 20 * time.Millisecond,
	}
}

// recorder is an httptest handler that remembers every request it served.
type recorder struct {
	mu    sync.Mutex
	calls []recorded
}

type recorded struct {
	at     time.Time
	method string
	path   string
	query  string
	header http.Header
	body   string
}

func (r *recorder) record(req *http.Request) int {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, recorded{
		at: time.Now(), method: req.Method, path: req.URL.EscapedPath(), query: req.URL.RawQuery,
		header: req.Header.Clone(), body: string(body),
	})
	return len(r.calls)
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.calls...)
}

// serve starts a server whose handler gets the 1-based call number.
func serve(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, rec.record(r))
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func newTestClient(t *testing.T, hc *http.Client, api API, base string, auth Authenticator) *Client {
	t.Helper()
	c, err := NewClient(hc, api, base, auth)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(hc.CloseIdleConnections)
	return c
}

func TestRetriesRateLimitAndUnavailableForEveryMethod(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			t.Run(http.StatusText(status)+"/"+method, func(t *testing.T) {
				t.Parallel()
				srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
					if n <= 2 {
						http.Error(w, "slow down", status)
						return
					}
					_, _ = io.WriteString(w, `{"id":"g1"}`)
				})
				c := newTestClient(t, NewHTTPClient(fastConfig()), Admin, srv.URL, Bearer("k"))
				var out struct{ ID string }
				var body any
				if method != "GET" && method != "DELETE" {
					body = map[string]string{"name": "eng"}
				}
				ctx := context.Background()
				if status == http.StatusServiceUnavailable && (method == "POST" || method == "PATCH") {
					ctx = Repeatable(ctx) // else a 503 is ambiguous, not retried (ambiguous_test.go)
				}
				resp, err := c.request(ctx, method, "/v2/groups", nil, body, &out)
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if resp.StatusCode != 200 || out.ID != "g1" {
					t.Fatalf("status %d, out %+v", resp.StatusCode, out)
				}
				calls := rec.all()
				if len(calls) != 3 {
					t.Fatalf("server saw %d requests, want 3", len(calls))
				}
				for i, call := range calls {
					if call.method != method {
						t.Errorf("attempt %d method %s", i+1, call.method)
					}
					if body != nil && call.body != `{"name":"eng"}` {
						t.Errorf("attempt %d body %q: request body not replayed", i+1, call.body)
					}
				}
			})
		}
	}
}

func TestDoesNotRetryOtherStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 405, 409, 422, 500, 502, 504} {
		for _, method := range []string{"GET", "POST", "DELETE"} {
			t.Run(http.StatusText(status)+"/"+method, func(t *testing.T) {
				t.Parallel()
				srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
					w.Header().Set("Retry-After", "0")
					http.Error(w, "no", status)
				})
				c := newTestClient(t, NewHTTPClient(fastConfig()), Confluence, srv.URL, nil)
				err := c.Do(context.Background(), method, "/wiki/x", nil, nil, nil)
				if StatusCode(err) != status {
					t.Fatalf("err = %v, want status %d", err, status)
				}
				if n := len(rec.all()); n != 1 {
					t.Fatalf("server saw %d requests, want exactly 1", n)
				}
				var e *Error
				if errors.As(err, &e); e.Attempts != 1 || e.RetriesExhausted {
					t.Fatalf("Attempts=%d RetriesExhausted=%v", e.Attempts, e.RetriesExhausted)
				}
			})
		}
	}
}

func TestRetriesExhaustedReturnsLastError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		maxRetries int
		body       string
		wantMsg    string
	}{
		{429, 2, `{"code":429,"message":"Rate limit exceeded"}`, "Rate limit exceeded"},
		{503, 1, `{"errors":[{"status":"503","code":"ADMIN-503-1","title":"Try later"}]}`, "Try later"},
		{429, 0, `{"code":429,"message":"Rate limit exceeded"}`, "Rate limit exceeded"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			cfg := fastConfig()
			cfg.MaxRetries = tt.maxRetries
			c := newTestClient(t, NewHTTPClient(cfg), Admin, srv.URL+"/admin", Bearer("k"))
			err := c.Do(Repeatable(context.Background()), "POST", "/v2/orgs/o/groups/search", nil, map[string]string{"name": "x"}, nil)
			wantAttempts := tt.maxRetries + 1
			if n := len(rec.all()); n != wantAttempts {
				t.Fatalf("server saw %d requests, want %d", n, wantAttempts)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.StatusCode != tt.status || e.Message != tt.wantMsg || !e.RetriesExhausted || e.Attempts != wantAttempts {
				t.Fatalf("got %+v", e)
			}
			for _, want := range []string{fmt.Sprintf("gave up after %d attempt", wantAttempts), tt.wantMsg} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	cfg := fastConfig()
	cfg.MaxBackoff = 5 * time.Second
	c := newTestClient(t, NewHTTPClient(cfg), SCIM, srv.URL, Bearer("k"))
	start := time.Now()
	if err := c.Do(context.Background(), "DELETE", "/Users/u1", nil, nil, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	elapsed := time.Since(start)
	calls := rec.all()
	if len(calls) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(calls))
	}
	if gap := calls[1].at.Sub(calls[0].at); gap < 950*time.Millisecond {
		t.Fatalf("retry came %v after the 429, want >= 1s (Retry-After: 1)", gap)
	}
	if elapsed > 3*time.Second {
		t.Fatalf("took %v", elapsed)
	}
}

func TestRateLimitResetIsHonoured(t *testing.T) {
	t.Parallel()
	var reset atomic.Value
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			at := time.Now().Add(700 * time.Millisecond)
			reset.Store(at)
			w.Header().Set("X-RateLimit-Reset", at.UTC().Format(time.RFC3339Nano))
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	})
	cfg := fastConfig()
	cfg.MaxBackoff = 5 * time.Second
	c := newTestClient(t, NewHTTPClient(cfg), Admin, srv.URL, Bearer("k"))
	if err := c.Do(context.Background(), "GET", "/v2/orgs", nil, nil, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	calls := rec.all()
	if len(calls) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(calls))
	}
	if at := reset.Load().(time.Time); calls[1].at.Before(at.Add(-50 * time.Millisecond)) {
		t.Fatalf("retried at %v, before X-RateLimit-Reset %v", calls[1].at, at)
	}
}

func TestServerRequestedWaitIsCappedAtMaxBackoff(t *testing.T) {
	t.Parallel()
	for name, header := range map[string][2]string{
		"Retry-After":       {"Retry-After", "3600"},
		"X-RateLimit-Reset": {"X-RateLimit-Reset", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.Header().Set(header[0], header[1])
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusOK)
			})
			cfg := fastConfig()
			cfg.MaxBackoff = 50 * time.Millisecond
			c := newTestClient(t, NewHTTPClient(cfg), Confluence, srv.URL, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			if err := c.Do(ctx, "GET", "/wiki/api/v2/spaces", nil, nil, nil); err != nil {
				t.Fatalf("Do: %v (server wait not capped at MaxBackoff?)", err)
			}
			if el := time.Since(start); el > 2*time.Second {
				t.Fatalf("took %v; server wait was not capped at MaxBackoff", el)
			}
			if gap := rec.all()[1].at.Sub(rec.all()[0].at); gap < 45*time.Millisecond {
				t.Fatalf("retried after %v, want about MaxBackoff (50ms)", gap)
			}
		})
	}
}

func TestExponentialBackoffWithoutServerHint(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	cfg := fastConfig()
	cfg.MinBackoff, cfg.MaxBackoff = 40*time.Millisecond, 100*time.Millisecond
	c := newTestClient(t, NewHTTPClient(cfg), SCIM, srv.URL, nil)
	if err := c.Do(context.Background(), "GET", "/Groups", nil, nil, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	calls := rec.all()
	if len(calls) != 4 {
		t.Fatalf("server saw %d requests, want 4", len(calls))
	}
	// Equal jitter: retry n waits within [d/2, d] for d = min(40ms*2^n, 100ms).
	for i, want := range []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 50 * time.Millisecond} {
		gap := calls[i+1].at.Sub(calls[i].at)
		if gap < want-5*time.Millisecond {
			t.Errorf("wait before retry %d = %v, want >= %v", i+1, gap, want)
		}
		if gap > time.Second {
			t.Errorf("wait before retry %d = %v, not capped", i+1, gap)
		}
	}
}

func TestContextCancelStopsRetryWait(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	cfg := fastConfig()
	cfg.MaxBackoff = time.Minute
	c := newTestClient(t, NewHTTPClient(cfg), Admin, srv.URL, Bearer("k"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelledAt atomic.Value
	time.AfterFunc(100*time.Millisecond, func() { cancelledAt.Store(time.Now()); cancel() })
	err := c.Do(ctx, "GET", "/v2/orgs", nil, nil, nil)
	returned := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	at, _ := cancelledAt.Load().(time.Time)
	if at.IsZero() {
		t.Fatal("Do returned before the context was cancelled")
	}
	if lag := returned.Sub(at); lag > 100*time.Millisecond {
		t.Fatalf("Do returned %v after cancel, want within 100ms", lag)
	}
	if n := len(rec.all()); n != 1 {
		t.Fatalf("server saw %d requests, want 1", n)
	}
}

// Two requests through one *http.Client, from clients of different APIs:
// once one of them is told to wait, the other waits too.
func TestRateLimitGateIsSharedAcrossRequests(t *testing.T) {
	t.Parallel()
	var limitedAt atomic.Value
	limited := make(chan struct{})
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/a") && n == 1 {
			limitedAt.Store(time.Now())
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			close(limited)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	cfg := fastConfig()
	cfg.MaxBackoff = 5 * time.Second
	hc := NewHTTPClient(cfg)
	scim := newTestClient(t, hc, SCIM, srv.URL+"/scim", Bearer("k1"))
	admin := newTestClient(t, hc, Admin, srv.URL+"/admin", Bearer("k2"))
	other := newTestClient(t, NewHTTPClient(cfg), Admin, srv.URL+"/admin", Bearer("k2"))

	errA := make(chan error, 1)
	go func() {
		err := scim.Do(context.Background(), "GET", "/a", nil, nil, nil)
		errA <- err
	}()
	<-limited
	// The 429 reaches request a's transport a moment after the server sends
	// it; requests already in flight cannot be held, so start b after that.
	g := hc.Transport.(*roundTripper).gate
	for deadline := time.Now().Add(2 * time.Second); g.remaining() <= 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the 429 never closed the gate")
		}
	}

	// A client with its own *http.Client is not held: the gate is per client.
	if err := other.Do(context.Background(), "GET", "/c", nil, nil, nil); err != nil {
		t.Fatalf("other client: %v", err)
	}
	if err := admin.Do(context.Background(), "GET", "/b", nil, nil, nil); err != nil {
		t.Fatalf("request b: %v", err)
	}
	if err := <-errA; err != nil {
		t.Fatalf("request a: %v", err)
	}

	at := limitedAt.Load().(time.Time)
	arrivals := map[string]time.Time{}
	for _, c := range rec.all()[1:] {
		arrivals[c.path] = c.at
	}
	if gap := arrivals["/admin/c"].Sub(at); gap > 500*time.Millisecond {
		t.Errorf("request on a separate *http.Client waited %v", gap)
	}
	if gap := arrivals["/admin/b"].Sub(at); gap < 950*time.Millisecond {
		t.Errorf("request b reached the server %v after the 429, want >= 1s: gate not shared", gap)
	}
	if gap := arrivals["/scim/a"].Sub(at); gap < 950*time.Millisecond {
		t.Errorf("request a retried %v after its 429, want >= 1s", gap)
	}
}

func TestGateWaitHonoursContext(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	cfg := fastConfig()
	cfg.MaxRetries, cfg.MaxBackoff = 0, time.Minute
	hc := NewHTTPClient(cfg)
	c := newTestClient(t, hc, Admin, srv.URL, nil)
	if err := c.Do(context.Background(), "GET", "/first", nil, nil, nil); !IsRateLimited(err) {
		t.Fatalf("first request: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Do(ctx, "GET", "/second", nil, nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("returned after %v", el)
	}
	if n := len(rec.all()); n != 1 {
		t.Fatalf("server saw %d requests; the held request must not be sent", n)
	}
}

// closingListener accepts connections and closes them at once, so every
// request fails with EOF/reset before any response.
func closingListener(t *testing.T) (addr string, accepts *atomic.Int32) {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	accepts = &atomic.Int32{}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepts.Add(1)
			_ = conn.Close()
		}
	}()
	return ln.Addr().String(), accepts
}

func TestConnectionErrorsRetriedOnlyForIdempotentMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		want   int32
	}{
		{"GET", 3}, {"HEAD", 3}, {"OPTIONS", 3}, {"PUT", 3}, {"DELETE", 3},
		{"POST", 1}, {"PATCH", 1},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			addr, accepts := closingListener(t)
			cfg := fastConfig()
			cfg.MaxRetries = 2
			c := newTestClient(t, NewHTTPClient(cfg), SCIM, "http://"+addr+"/scim", Bearer("k"))
			var body any
			if tt.method == "PUT" || tt.method == "POST" || tt.method == "PATCH" {
				body = map[string]string{"a": "b"}
			}
			err := c.Do(context.Background(), tt.method, "/Users/1", nil, body, nil)
			if err == nil {
				t.Fatal("Do succeeded against a server that closes every connection")
			}
			if StatusCode(err) != 0 {
				t.Fatalf("connection error reported as HTTP status: %v", err)
			}
			if got := accepts.Load(); got != tt.want {
				t.Fatalf("%s: %d connections, want %d (err: %v)", tt.method, got, tt.want, err)
			}
			if tt.want > 1 && !strings.Contains(err.Error(), "giving up after 3 attempts") {
				t.Errorf("error %q does not say retries were exhausted", err)
			}
		})
	}
}

// countingRT counts round trips to base.
type countingRT struct {
	base  http.RoundTripper
	calls atomic.Int32
}

func (c *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return c.base.RoundTrip(r)
}

// A loopback host that refuses connections has nothing listening (the emulator or a local proxy is not
// running): retrying cannot help, so every method fails on the first attempt, saying so.
func TestRefusedLoopbackFailsFast(t *testing.T) {
	t.Parallel()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens here now

	for _, method := range []string{"GET", "DELETE", "POST"} {
		cfg := fastConfig()
		cfg.MaxRetries = 10
		counter := &countingRT{base: cleanhttp.DefaultPooledTransport()}
		hc := &http.Client{Transport: NewRoundTripper(cfg, counter)}
		c := newTestClient(t, hc, Admin, "http://"+addr+"/admin", Bearer("k"))
		err := c.Do(context.Background(), method, "/v2/orgs", nil, nil, nil)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("%s: err = %v, want ECONNREFUSED", method, err)
		}
		var unreach *UnreachableError
		if !errors.As(err, &unreach) || unreach.API != Admin || unreach.Host != addr || unreach.NotFound {
			t.Fatalf("%s: err = %#v, want an UnreachableError for %s", method, err, addr)
		}
		if got := counter.calls.Load(); got != 1 {
			t.Errorf("%s: %d attempts, want 1", method, got)
		}
		if !strings.HasPrefix(err.Error(), "admin: "+method+" /admin/v2/orgs: "+addr+" refused the connection") {
			t.Errorf("error %q lacks API, method, path and what happened", err)
		}
	}
}

// A refused connection to a remote host may be a restart behind a load balancer: it is still retried.
func TestRefusedRemoteIsRetried(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	rt := &failingRT{err: refused}
	cfg := fastConfig()
	cfg.MaxRetries = 2
	c := newTestClient(t, &http.Client{Transport: NewRoundTripper(cfg, rt)}, Confluence, "https://example.atlassian.net/wiki", nil)
	err := c.Do(context.Background(), "GET", "/api/v2/spaces", nil, nil, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want ECONNREFUSED", err)
	}
	if got := rt.calls.Load(); got != 3 {
		t.Fatalf("%d attempts, want 3", got)
	}
}

// A host name that does not resolve will not resolve on a retry either.
func TestUnresolvableHostFailsFast(t *testing.T) {
	t.Parallel()
	cfg := fastConfig()
	cfg.MaxRetries = 10
	counter := &countingRT{base: cleanhttp.DefaultPooledTransport()}
	c := newTestClient(t, &http.Client{Transport: NewRoundTripper(cfg, counter)}, SCIM, "https://nonexistent.invalid/scim", Bearer("k"))
	err := c.Do(context.Background(), "GET", "/Users", nil, nil, nil)
	var unreach *UnreachableError
	if !errors.As(err, &unreach) || !unreach.NotFound || unreach.Host != "nonexistent.invalid" || unreach.API != SCIM {
		t.Fatalf("err = %#v, want an UnreachableError saying nonexistent.invalid does not exist", err)
	}
	if got := counter.calls.Load(); got != 1 {
		t.Errorf("%d attempts, want 1", got)
	}
	if !strings.Contains(err.Error(), "host nonexistent.invalid does not exist") {
		t.Errorf("error %q does not say the host does not exist", err)
	}
}

// The retries of one request stop once the next wait would overrun the request's retry budget, however many
// retries max_retries still allows.
func TestRetryBudgetBoundsRetries(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	cfg := fastConfig()
	cfg.MaxRetries = 10
	cfg.MaxBackoff = 5 * time.Second
	cfg.RetryBudget = time.Second
	c := newTestClient(t, NewHTTPClient(cfg), Confluence, srv.URL+"/wiki", nil)
	err := c.Do(context.Background(), "GET", "/api/v2/spaces", nil, nil, nil)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || !apiErr.RetriesExhausted || apiErr.Attempts != 1 {
		t.Fatalf("err = %#v, want the 503 after 1 attempt with retries exhausted", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Fatalf("server saw %d requests, want 1: a 2s wait does not fit a 1s budget", n)
	}
}

func TestRetryBudgetDefault(t *testing.T) {
	t.Parallel()
	if got := (Config{RequestTimeout: 10 * time.Second}).withDefaults().RetryBudget; got != 50*time.Second {
		t.Errorf("budget with a 10s request timeout = %s, want 50s", got)
	}
	if got := (Config{}).withDefaults().RetryBudget; got != 5*time.Minute {
		t.Errorf("budget without a request timeout = %s, want 5m", got)
	}
}

type failingRT struct {
	err   error
	calls atomic.Int32
}

func (f *failingRT) RoundTrip(*http.Request) (*http.Response, error) {
	f.calls.Add(1)
	return nil, f.err
}

func TestCertificateErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	rt := &failingRT{err: x509.UnknownAuthorityError{}}
	cfg := fastConfig()
	hc := &http.Client{Transport: NewRoundTripper(cfg, rt)}
	c := newTestClient(t, hc, Confluence, "https://example.atlassian.net/wiki", nil)
	if err := c.Do(context.Background(), "GET", "/api/v2/spaces", nil, nil, nil); err == nil {
		t.Fatal("expected an error")
	}
	if got := rt.calls.Load(); got != 1 {
		t.Fatalf("%d attempts, want 1", got)
	}
}

func TestRequestTimeoutAppliesPerAttempt(t *testing.T) {
	t.Parallel()
	handler := func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
	cfg := fastConfig()
	cfg.RequestTimeout = 100 * time.Millisecond

	t.Run("GET is retried", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, handler)
		c := newTestClient(t, NewHTTPClient(cfg), SCIM, srv.URL, nil)
		var out struct{ OK bool }
		start := time.Now()
		if err := c.Do(context.Background(), "GET", "/Users/1", nil, nil, &out); err != nil || !out.OK {
			t.Fatalf("Do: %v, out %+v", err, out)
		}
		if n := len(rec.all()); n != 2 {
			t.Fatalf("server saw %d requests, want 2", n)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("took %v; per-attempt timeout not applied", el)
		}
	})
	t.Run("POST is not", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, handler)
		c := newTestClient(t, NewHTTPClient(cfg), SCIM, srv.URL, nil)
		err := c.Do(context.Background(), "POST", "/Users", nil, map[string]string{"userName": "u"}, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want context.DeadlineExceeded", err)
		}
		if n := len(rec.all()); n != 1 {
			t.Fatalf("server saw %d requests, want 1: a timed-out write must not be resent", n)
		}
	})
}

// The attempt's timeout context must live until the body has been read.
func TestRequestTimeoutDoesNotCutOffBodyRead(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[`)
		w.(http.Flusher).Flush()
		time.Sleep(150 * time.Millisecond)
		_, _ = io.WriteString(w, `"a","b"]}`)
	})
	cfg := fastConfig()
	cfg.RequestTimeout = 5 * time.Second
	c := newTestClient(t, NewHTTPClient(cfg), Confluence, srv.URL, nil)
	var out struct{ Items []string }
	if err := c.Do(context.Background(), "GET", "/wiki/x", nil, nil, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if len(out.Items) != 2 {
		t.Fatalf("out = %+v", out)
	}
}

func TestUserAgentOnEveryAttempt(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	c := newTestClient(t, NewHTTPClient(fastConfig()), Admin, srv.URL, nil)
	if err := c.Do(context.Background(), "POST", "/x", nil, map[string]int{"a": 1}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.DoURL(context.Background(), "GET", "/y?cursor=1", nil, nil); err != nil {
		t.Fatal(err)
	}
	calls := rec.all()
	if len(calls) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(calls))
	}
	for i, call := range calls {
		if ua := call.header.Get("User-Agent"); ua != "terraform-provider-confluence/test" {
			t.Errorf("request %d User-Agent = %q", i+1, ua)
		}
	}

	// Default when none is configured.
	c2 := newTestClient(t, NewHTTPClient(Config{}), Admin, srv.URL, nil)
	if err := c2.Do(context.Background(), "GET", "/z", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if ua := rec.all()[3].header.Get("User-Agent"); ua != "terraform-provider-confluence" {
		t.Errorf("default User-Agent = %q", ua)
	}
}

// scriptedRT answers from a list of statuses and records each request body,
// with no net/http transport underneath that could rewind bodies itself.
type scriptedRT struct {
	mu       sync.Mutex
	statuses []int
	bodies   []string
}

func (s *scriptedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, string(body))
	status := s.statuses[min(len(s.bodies), len(s.statuses))-1]
	return &http.Response{
		StatusCode: status, Header: http.Header{}, Request: r,
		Body: io.NopCloser(strings.NewReader("")),
	}, nil
}

func TestRequestBodyReplayedOnEveryAttempt(t *testing.T) {
	t.Parallel()
	rt := &scriptedRT{statuses: []int{503, 429, 201}}
	hc := &http.Client{Transport: NewRoundTripper(fastConfig(), rt)}
	c := newTestClient(t, hc, Admin, "https://api.atlassian.com/admin", Bearer("k"))
	body := map[string]string{"resourceId": "ari:cloud:confluence::site/1", "roleId": "atlassian/user"}
	if err := c.Do(Repeatable(context.Background()), "POST", "/v2/orgs/o/directories/d/groups/g/role-assignments/assign", nil, body, nil); err != nil {
		t.Fatal(err)
	}
	want := `{"resourceId":"ari:cloud:confluence::site/1","roleId":"atlassian/user"}`
	if len(rt.bodies) != 3 {
		t.Fatalf("%d attempts, want 3", len(rt.bodies))
	}
	for i, got := range rt.bodies {
		if got != want {
			t.Errorf("attempt %d sent body %q, want %q", i+1, got, want)
		}
	}
}

func TestBodyWithoutGetBodyIsNotRetried(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	hc := NewHTTPClient(fastConfig())
	t.Cleanup(hc.CloseIdleConnections)
	req, err := http.NewRequestWithContext(context.Background(), "POST", srv.URL, io.NopCloser(strings.NewReader("once")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 503 || len(rec.all()) != 1 {
		t.Fatalf("status %d after %d requests; a body that cannot be replayed must be sent once", resp.StatusCode, len(rec.all()))
	}
}

// Not parallel: sets TF_LOG.
func TestLogsMaskSecrets(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	const (
		scimKey   = "scimKEY-7f3a9c21e4"
		confUser  = "robot@example.com"
		confToken = "confTOKEN-b81d55c0aa"
		cfgSecret = "cfgSECRET-40e2d77f19"
	)
	basicB64 := base64.StdEncoding.EncodeToString([]byte(confUser + ":" + confToken))

	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo-Auth", auth) // a server that reflects credentials
		switch {
		case strings.HasSuffix(r.URL.Path, "/limited") && n == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case strings.HasSuffix(r.URL.Path, "/denied"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"bad credential `+auth+` `+cfgSecret+`","traceId":"t"}`)
		default:
			_, _ = io.WriteString(w, `{"echo":"`+auth+`"}`)
		}
	})

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	cfg := fastConfig()
	cfg.Secrets = []string{cfgSecret, ""}
	hc := NewHTTPClient(cfg)
	scim := newTestClient(t, hc, SCIM, srv.URL+"/scim/directory/d1", Bearer(scimKey))
	conf := newTestClient(t, hc, Confluence, srv.URL+"/wiki", Basic(confUser, confToken))

	if err := scim.Do(ctx, "GET", "/limited", url.Values{"filter": {`userName eq "` + cfgSecret + `"`}}, nil, nil); err != nil {
		t.Fatalf("limited: %v", err)
	}
	err := conf.Do(ctx, "POST", "/rest/api/space/ENG/denied", nil, map[string]string{"token": confToken}, nil)
	if !IsUnauthorized(err) {
		t.Fatalf("denied: %v", err)
	}
	// Error text reaches Terraform diagnostics: it must be clean too.
	for _, s := range []string{confToken, basicB64, cfgSecret} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error text contains secret %q: %s", s, err)
		}
	}
	if !strings.Contains(err.Error(), "bad credential") {
		t.Errorf("error text lost the API message: %s", err)
	}
	if err := scim.Do(ctx, "GET", "/Users/"+cfgSecret, nil, nil, nil); err != nil {
		t.Fatalf("path with secret: %v", err)
	}

	logs := buf.String()
	for _, s := range []string{scimKey, confToken, basicB64, cfgSecret} {
		if strings.Contains(logs, s) {
			t.Errorf("log output contains secret %q", s)
		}
	}

	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	find := func(level, msg string, fields map[string]any) map[string]any {
		t.Helper()
	next:
		for _, e := range entries {
			if e["@level"] != level || e["@message"] != msg {
				continue
			}
			for k, v := range fields {
				if e[k] != v {
					continue next
				}
			}
			return e
		}
		t.Errorf("no %s log %q with %v in:\n%s", level, msg, fields, logs)
		return nil
	}
	// float64: numbers decoded from JSON.
	e := find("debug", "HTTP response", map[string]any{
		"api": "scim", "method": "GET", "path": "/scim/directory/d1/limited", "status": float64(429), "attempt": float64(1),
	})
	if e != nil {
		if _, ok := e["duration_ms"].(float64); !ok {
			t.Errorf("attempt log has no duration_ms: %v", e)
		}
	}
	find("warn", "Retrying HTTP request", map[string]any{
		"api": "scim", "method": "GET", "path": "/scim/directory/d1/limited", "status": float64(429),
		"wait_ms": float64(0), "reason": "429 Too Many Requests (server-requested wait)",
	})
	find("debug", "HTTP response", map[string]any{
		"api": "scim", "method": "GET", "path": "/scim/directory/d1/limited", "status": float64(200), "attempt": float64(2),
	})
	find("debug", "HTTP response", map[string]any{
		"api": "confluence", "method": "POST", "path": "/wiki/rest/api/space/ENG/denied", "status": float64(401),
	})
	find("debug", "HTTP response", map[string]any{"path": "/scim/directory/d1/Users/***", "status": float64(200)})
	// Headers are logged at TRACE, so masking is what keeps the key out.
	find("trace", "HTTP request headers", map[string]any{"Authorization": "***"})
	find("trace", "HTTP response headers", map[string]any{"X-Echo-Auth": "***"})
	if strings.Contains(logs, "cursor=") || strings.Contains(logs, "filter=") {
		t.Errorf("query string logged:\n%s", logs)
	}
}
