package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestWriteNotSafeToRepeatIsSentOnceAfterA5xx(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		for _, method := range []string{"POST", "PATCH"} {
			t.Run(http.StatusText(status)+"/"+method, func(t *testing.T) {
				t.Parallel()
				srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					w.Header().Set("Retry-After", "0")
					http.Error(w, "lost", status)
				})
				c := newTestClient(t, NewHTTPClient(fastConfig()), SCIM, srv.URL, nil)
				err := c.Do(context.Background(), method, "/Users", nil, map[string]string{"userName": "jane"}, nil)
				if !IsAmbiguous(err) || StatusCode(err) != status {
					t.Fatalf("err = %v, want an ambiguous %d", err, status)
				}
				if n := len(rec.all()); n != 1 {
					t.Fatalf("server saw %d requests, want exactly 1", n)
				}
			})
		}
	}
}

func TestWriteOutcomesThatAreNotAmbiguous(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		ctx    func(context.Context) context.Context
		status int
		want   int // requests the server sees
	}{
		{"a 429 is refused before anything is done, so it is retried", "POST", nil, 429, 4},
		{"a refusal is not ambiguous", "POST", nil, 409, 1},
		{"501 cannot have applied anything", "POST", nil, 501, 1},
		{"a write marked repeatable keeps its retries", "POST", Repeatable, 503, 4},
		{"idempotent methods keep their retries", "PUT", nil, 503, 4},
		{"an idempotent 500 is an ordinary error", "DELETE", nil, 500, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Retry-After", "0")
				http.Error(w, "no", tt.status)
			})
			c := newTestClient(t, NewHTTPClient(fastConfig()), Admin, srv.URL, nil)
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			err := c.Do(ctx, tt.method, "/v2/x", nil, map[string]string{"a": "b"}, nil)
			if IsAmbiguous(err) || StatusCode(err) != tt.status {
				t.Fatalf("err = %v, want a plain %d", err, tt.status)
			}
			if n := len(rec.all()); n != tt.want {
				t.Fatalf("server saw %d requests, want %d", n, tt.want)
			}
		})
	}
}

func TestWriteCutOffAfterSendingIsAmbiguous(t *testing.T) {
	t.Parallel()
	t.Run("dropped connection", func(t *testing.T) {
		t.Parallel()
		srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
		c := newTestClient(t, NewHTTPClient(fastConfig()), SCIM, srv.URL, nil)
		err := c.Do(context.Background(), "POST", "/Groups", nil, map[string]string{"displayName": "eng"}, nil)
		if !IsAmbiguous(err) {
			t.Fatalf("err = %v, want ambiguous", err)
		}
		if n := len(rec.all()); n != 1 {
			t.Fatalf("server saw %d requests, want 1", n)
		}
	})
	t.Run("attempt timeout", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		cfg := fastConfig()
		cfg.RequestTimeout = 50 * time.Millisecond
		c := newTestClient(t, NewHTTPClient(cfg), SCIM, srv.URL, nil)
		err := c.Do(context.Background(), "POST", "/Groups", nil, map[string]string{"displayName": "eng"}, nil)
		if !IsAmbiguous(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want an ambiguous deadline", err)
		}
		if n := len(rec.all()); n != 1 {
			t.Fatalf("server saw %d requests, want 1", n)
		}
	})
	t.Run("cancelled by the caller", func(t *testing.T) {
		t.Parallel()
		arrived := make(chan struct{}, 1)
		srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			arrived <- struct{}{}
			<-r.Context().Done()
		})
		c := newTestClient(t, NewHTTPClient(fastConfig()), SCIM, srv.URL, nil)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		err := c.Do(ctx, "POST", "/Groups", nil, map[string]string{"displayName": "eng"}, nil)
		if !IsAmbiguous(err) || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want an ambiguous cancellation", err)
		}
	})
}

// dialFailsOnce fails its first round trip as a dial would, before anything is sent.
type dialFailsOnce struct {
	calls atomic.Int32
	base  http.RoundTripper
}

func (d *dialFailsOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	if d.calls.Add(1) == 1 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("network is unreachable")}
	}
	return d.base.RoundTrip(r)
}

func TestWriteThatNeverLeftIsRetried(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(http.StatusCreated)
	})
	rt := &dialFailsOnce{base: http.DefaultTransport}
	hc := &http.Client{Transport: NewRoundTripper(fastConfig(), rt)}
	c := newTestClient(t, hc, SCIM, srv.URL, nil)
	if err := c.Do(context.Background(), "POST", "/Users", nil, map[string]string{"userName": "jane"}, nil); err != nil {
		t.Fatal(err)
	}
	if n, saw := rt.calls.Load(), len(rec.all()); n != 2 || saw != 1 {
		t.Fatalf("%d round trips, server saw %d; want 2 and 1", n, saw)
	}
}

// fakeWrite scripts Settle's callbacks: the send outcomes in order, what the store holds, and counts.
type fakeWrite struct {
	sends   []error // outcome of each send, in order; past the end, success
	stored  *string // what the key holds after the sends so far
	commits []bool  // whether each send took effect
	want    string
	finds   int
	sent    int
	findErr error
}

func (f *fakeWrite) write() Write[string] {
	return Write[string]{
		What: `SCIM user "jane"`,
		Send: func(context.Context) (string, error) {
			i := f.sent
			f.sent++
			if i < len(f.commits) && f.commits[i] || i >= len(f.sends) {
				v := f.want
				f.stored = &v
			}
			if i < len(f.sends) {
				return "", f.sends[i]
			}
			return f.want, nil
		},
		Find: func(ctx context.Context) (string, bool, error) {
			f.finds++
			if ctx.Err() != nil {
				return "", false, ctx.Err()
			}
			if f.findErr != nil {
				return "", false, f.findErr
			}
			if f.stored == nil {
				return "", false, nil
			}
			return *f.stored, true, nil
		},
		Differs: func(found string) string {
			if found != f.want {
				return "its email is " + found
			}
			return ""
		},
		ID: func(string) string { return "u-1" },
	}
}

func lostAnswer() error {
	return &AmbiguousError{Err: &Error{API: SCIM, Method: "POST", Path: "/Users", StatusCode: 503}}
}

func TestSettle(t *testing.T) {
	t.Parallel()
	other := "someone@else"
	t.Run("nothing went wrong: no read", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x"}
		ctx, adopted := WithAdoptions(context.Background())
		got, err := Settle(ctx, f.write())
		if err != nil || got != "jane@x" || f.finds != 0 || f.sent != 1 || len(adopted.List()) != 0 {
			t.Fatalf("got %q, %v; finds %d sends %d adopted %v", got, err, f.finds, f.sent, adopted.List())
		}
	})
	t.Run("the answer was lost: one read adopts it", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x", sends: []error{lostAnswer()}, commits: []bool{true}}
		ctx, adopted := WithAdoptions(context.Background())
		got, err := Settle(ctx, f.write())
		if err != nil || got != "jane@x" || f.finds != 1 || f.sent != 1 {
			t.Fatalf("got %q, %v; finds %d sends %d", got, err, f.finds, f.sent)
		}
		if l := adopted.List(); len(l) != 1 || l[0] != `SCIM user "jane"` {
			t.Fatalf("adopted %v", l)
		}
	})
	t.Run("the write never took effect: sent again", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x", sends: []error{lostAnswer()}, commits: []bool{false}}
		ctx, adopted := WithAdoptions(context.Background())
		got, err := Settle(ctx, f.write())
		if err != nil || got != "jane@x" || f.finds != 1 || f.sent != 2 || len(adopted.List()) != 0 {
			t.Fatalf("got %q, %v; finds %d sends %d adopted %v", got, err, f.finds, f.sent, adopted.List())
		}
	})
	t.Run("something else holds the key", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x", sends: []error{lostAnswer()}, stored: &other}
		_, err := Settle(context.Background(), f.write())
		var m *MismatchError
		if !errors.As(err, &m) || m.ID != "u-1" || !strings.Contains(err.Error(), "its email is someone@else") {
			t.Fatalf("err = %v, want a mismatch naming what was found", err)
		}
	})
	t.Run("a repeat refused as taken reads again", func(t *testing.T) {
		t.Parallel()
		// The first send committed but the read could not see it yet; the repeat is refused as taken.
		taken := &Error{API: SCIM, StatusCode: http.StatusConflict}
		f := &fakeWrite{want: "jane@x", sends: []error{lostAnswer(), taken}, commits: []bool{false, true}}
		got, err := Settle(context.Background(), f.write())
		if err != nil || got != "jane@x" || f.finds != 2 || f.sent != 2 {
			t.Fatalf("got %q, %v; finds %d sends %d", got, err, f.finds, f.sent)
		}
	})
	t.Run("a conflict without an earlier lost answer is returned", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x", sends: []error{&Error{API: SCIM, StatusCode: http.StatusConflict}}}
		_, err := Settle(context.Background(), f.write())
		if !IsConflict(err) || f.finds != 0 {
			t.Fatalf("err = %v, finds %d", err, f.finds)
		}
	})
	t.Run("the read fails too", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x", sends: []error{lostAnswer()}, findErr: errors.New("boom")}
		_, err := Settle(context.Background(), f.write())
		var u *UnsettledError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "already exists, import it") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("sends are bounded", func(t *testing.T) {
		t.Parallel()
		f := &fakeWrite{want: "jane@x", sends: []error{lostAnswer(), lostAnswer(), lostAnswer(), lostAnswer(), lostAnswer()}}
		_, err := Settle(context.Background(), f.write())
		if !IsAmbiguous(err) || f.sent != maxSettleSends || f.finds != maxSettleSends {
			t.Fatalf("err = %v; sends %d finds %d", err, f.sent, f.finds)
		}
	})
	t.Run("interrupted after the write committed: found on a detached read", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		f := &fakeWrite{want: "jane@x", sends: []error{&AmbiguousError{Err: context.Canceled}}, commits: []bool{true}}
		got, err := Settle(ctx, f.write())
		var ie *InterruptedError
		if got != "jane@x" || !errors.As(err, &ie) || !ie.Saved || !errors.Is(err, context.Canceled) || f.sent != 1 {
			t.Fatalf("got %q, %v; sends %d", got, err, f.sent)
		}
	})
	t.Run("interrupted before the write committed: nothing made, nothing sent again", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		f := &fakeWrite{want: "jane@x", sends: []error{&AmbiguousError{Err: context.Canceled}}, commits: []bool{false}}
		got, err := Settle(ctx, f.write())
		var ie *InterruptedError
		if got != "" || !errors.As(err, &ie) || ie.Saved || f.sent != 1 || f.finds != 1 {
			t.Fatalf("got %q, %v; sends %d finds %d", got, err, f.sent, f.finds)
		}
	})
}

func TestDetachedIsBounded(t *testing.T) {
	t.Parallel()
	live, done := Detached(context.Background())
	defer done()
	if _, ok := live.Deadline(); ok {
		t.Fatal("a live context was given a deadline")
	}
	ended, cancel := context.WithCancel(context.WithValue(context.Background(), repeatableKey{}, "v"))
	cancel()
	d, stop := Detached(ended)
	defer stop()
	deadline, ok := d.Deadline()
	if d.Err() != nil || !ok || time.Until(deadline) > settleTimeout || d.Value(repeatableKey{}) != "v" {
		t.Fatalf("detached: err %v, deadline %v (%v), values kept %v", d.Err(), deadline, ok, d.Value(repeatableKey{}))
	}
}
