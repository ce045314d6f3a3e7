package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
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

// TestGatewayAnswersOneRule: the overlay and the validator apply the one rule of gatewayAnswers. Every
// operation of every document answers 429 and 503 (with Retry-After) and 500; the Admin gateway's 429
// and 503 are ProxyErrors wherever the document leaves their body open, its 500 the application Errors;
// a 404 the operation does not document is accepted on the api.atlassian.com gateway form only, and
// only in the v2 error body.
func TestGatewayAnswersOneRule(t *testing.T) {
	v := Load(t)
	for _, s := range specDocs {
		l, err := load(v.dir, s)
		if err != nil {
			t.Fatal(err)
		}
		_ = eachOperation(l.doc, func(path, method string, _ *openapi3.PathItem, op *openapi3.Operation) error {
			for _, code := range GatewayStatuses() {
				if op.Responses.Value(strconv.Itoa(code)) == nil {
					t.Errorf("%s %s %s: no %d", s.name, method, path, code)
				}
			}
			return nil
		})
	}
	admin, err := load(v.dir, specByName(specAdmin))
	if err != nil {
		t.Fatal(err)
	}
	ref := func(path, method, code string) string {
		op, err := operation(admin.doc, path, method)
		if err != nil {
			t.Fatal(err)
		}
		r := op.Responses.Value(code)
		if r == nil || r.Value == nil || r.Value.Content.Get("application/json") == nil {
			t.Fatalf("%s %s: no JSON %s", method, path, code)
		}
		return r.Value.Content.Get("application/json").Schema.Ref
	}
	const group = "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}"
	for _, c := range []struct{ path, method, code, want string }{
		{group, "GET", "503", "#/components/schemas/ProxyError"},               // omitted: added
		{group, "DELETE", "429", "#/components/schemas/ProxyError"},            // listed without a body
		{group + "/memberships", "POST", "500", "#/components/schemas/Errors"}, // listed without a body
		{"/v2/orgs/{orgId}/directories", "GET", "503", "#/components/schemas/ProxyError"},
	} {
		if got := ref(c.path, c.method, c.code); got != c.want {
			t.Errorf("admin %s %s %s body = %s, want %s", c.method, c.path, c.code, got, c.want)
		}
	}

	check := func(path string, body string) error {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x"+path, nil)
		return v.Check(Exchange{Request: req, Status: 404, Header: http.Header{"Content-Type": []string{"application/json"}}, ResponseBody: []byte(body)})
	}
	v2Body := `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":"No Confluence site with cloud id c."}]}`
	if err := check("/ex/confluence/c/wiki/api/v2/spaces", v2Body); err != nil {
		t.Errorf("gateway 404 refused: %v", err)
	}
	if err := check("/ex/confluence/c/wiki/rest/api/user/current", v2Body); err != nil {
		t.Errorf("gateway 404 on a v1 path refused: %v", err)
	}
	if err := check("/ex/confluence/c/wiki/api/v2/spaces", `{"errors":{"status":"404"}}`); err == nil {
		t.Error("gateway 404 with a wrong body accepted")
	}
	if err := check("/wiki/api/v2/spaces", v2Body); err == nil {
		t.Error("an undocumented 404 on the site form accepted")
	}
}
