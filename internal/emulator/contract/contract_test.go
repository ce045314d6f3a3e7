package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestDocumentsLoad proves every document loads, takes its overlay (each knownSpecDefects entry
// still finds its target) and validates as OpenAPI afterwards.
func TestDocumentsLoad(t *testing.T) {
	v := Load(t)
	for _, s := range specDocs {
		t.Run(s.name, func(t *testing.T) {
			l, err := load(v.dir, s)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.doc.Servers[0].URL; got != s.server {
				t.Errorf("server = %q, want %q", got, s.server)
			}
		})
	}
	if n := len(KnownSpecDefects()); n != len(knownSpecDefects) || n == 0 {
		t.Errorf("KnownSpecDefects() has %d lines", n)
	}
}

// recorder is a testing.TB that keeps the failures reported to it.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// fakeSpaces answers GET /wiki/api/v2/space-role-mode with a body chosen per test.
func fakeSpaces(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
}

func TestHandlerAndTransportReport(t *testing.T) {
	v := Load(t)
	for _, c := range []struct {
		body  string
		fails bool
	}{
		{`{"mode":"ROLES"}`, false},
		{`{"mode":"SOMETIMES"}`, true},
	} {
		t.Run(c.body, func(t *testing.T) {
			// Server side: the handler wrapper.
			rec := &recorder{TB: t}
			srv := httptest.NewServer(v.Handler(rec, fakeSpaces(c.body)))
			defer srv.Close()
			get := func(client *http.Client, base string) string {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/wiki/api/v2/space-role-mode", nil)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = resp.Body.Close() }()
				b, _ := io.ReadAll(resp.Body)
				return string(b)
			}
			if got := get(http.DefaultClient, srv.URL); got != c.body {
				t.Errorf("handler changed the body: %q", got)
			}
			if got := len(rec.failures()) > 0; got != c.fails {
				t.Errorf("handler reported %v, want failure=%v", rec.failures(), c.fails)
			}

			// Client side: the transport wrapper.
			rec2 := &recorder{TB: t}
			plain := httptest.NewServer(fakeSpaces(c.body))
			defer plain.Close()
			if got := get(&http.Client{Transport: v.Transport(rec2, nil)}, plain.URL); got != c.body {
				t.Errorf("transport changed the body: %q", got)
			}
			if got := len(rec2.failures()) > 0; got != c.fails {
				t.Errorf("transport reported %v, want failure=%v", rec2.failures(), c.fails)
			}
			for _, f := range append(rec.failures(), rec2.failures()...) {
				if !strings.Contains(f, "SOMETIMES") && !strings.Contains(f, "mode") {
					t.Errorf("report does not say what is wrong: %s", f)
				}
			}
		})
	}
}

func TestCheckIgnoresNonAPIPaths(t *testing.T) {
	v := Load(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x/_emulator/stats", nil)
	if err := v.Check(Exchange{Request: req, Status: 200}); !errors.Is(err, ErrNotAPI) {
		t.Errorf("Check(/_emulator/stats) = %v, want ErrNotAPI", err)
	}
}
