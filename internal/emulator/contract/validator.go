package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Validator checks exchanges against the OpenAPI documents.
type Validator struct {
	dir string

	mu      sync.Mutex
	covered map[string]int // "spec METHOD /template" -> exchanges checked
}

// Load returns a Validator over the documents in SpecsDir, or skips the test with a message when
// that folder is absent (a user's clone; the Makefile always sets the variable, and CI fails by
// itself when the folder is missing). The documents are loaded (and patched) once per process;
// the first use of each API pays for its document.
func Load(t testing.TB) *Validator {
	t.Helper()
	dir, explicit, err := SpecsDir()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		from := "the default location"
		if explicit {
			from = EnvSpecsDir
		}
		t.Skipf("contract: Atlassian OpenAPI documents not found at %s (%s); set %s to the specs folder to run the contract checks", dir, from, EnvSpecsDir)
	}
	return &Validator{dir: dir, covered: map[string]int{}}
}

// Exchange is one request and its response.
type Exchange struct {
	Request      *http.Request // method, URL (path and query) and headers; the body is RequestBody
	RequestBody  []byte
	Status       int
	Header       http.Header
	ResponseBody []byte
}

// ErrNotAPI marks paths outside every document (such as /_emulator/...).
var ErrNotAPI = errors.New("contract: path is not served by any Atlassian API")

// Check validates the request and the response of one exchange. It returns nil when both fit the
// operation the document defines, ErrNotAPI for paths no document covers, or an error describing
// every violation.
//
// Confluence paths on the api.atlassian.com gateway form of a site URL
// (/ex/confluence/{cloudId}/wiki/...) are checked as the site form's: the documents describe the
// path below the site URL.
func (v *Validator) Check(ex Exchange) error {
	path := siteFormPath(ex.Request.URL.Path)
	s, ok := specForPath(path)
	if !ok {
		return ErrNotAPI
	}
	l, err := load(v.dir, s)
	if err != nil {
		return err
	}
	req := ex.Request.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(ex.RequestBody))
	req.ContentLength = int64(len(ex.RequestBody))
	req.Host = ""
	req.URL.Host, req.URL.Scheme = "", ""
	if path != req.URL.Path {
		req.URL.Path, req.URL.RawPath = path, ""
	}
	route, params, err := l.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s: no operation in the %s document: %w", ex.Request.Method, ex.Request.URL.Path, s.name, err)
	}
	v.mu.Lock()
	v.covered[s.name+" "+route.Method+" "+route.Path]++
	v.mu.Unlock()
	if ok, err := v.checkGatewayOnly(ex, route); ok {
		return err // an answer of the api.atlassian.com gateway, not of the operation (gatewayAnswers)
	}

	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, // credentials are the emulator's business
			MultiError:         true,
		},
	}
	var problems []string
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		problems = append(problems, "request: "+err.Error())
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 ex.Status,
		Header:                 ex.Header,
		Body:                   io.NopCloser(bytes.NewReader(ex.ResponseBody)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		problems = append(problems, "response: "+err.Error())
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s %s → %d violates the %s document (%s %s):\n%s\nresponse body: %s",
		ex.Request.Method, ex.Request.URL.RequestURI(), ex.Status, s.name, route.Method, route.Path,
		strings.Join(problems, "\n"), truncate(ex.ResponseBody, 2000))
}

// gatewayForm matches the api.atlassian.com form of a Confluence site URL's path.
var gatewayForm = regexp.MustCompile(`^/ex/confluence/[^/]+(/wiki/.*)$`)

// siteFormPath returns a gateway-form Confluence path (/ex/confluence/{cloudId}/wiki/...) in its
// site form (/wiki/...); other paths unchanged.
func siteFormPath(path string) string {
	if m := gatewayForm.FindStringSubmatch(path); m != nil {
		return m[1]
	}
	return path
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// Covered lists the operations checked so far ("spec METHOD /template"), sorted.
func (v *Validator) Covered() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]string, 0, len(v.covered))
	for k := range v.covered {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// report fails t with err unless it is ErrNotAPI.
func report(t testing.TB, err error) {
	if err != nil && !errors.Is(err, ErrNotAPI) {
		t.Errorf("contract: %v", err)
	}
}

// Handler wraps a server handler (the emulator's) so every exchange through it is checked; a
// violation fails t. Responses are buffered, then passed on unchanged.
func (v *Validator) Handler(t testing.TB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if r.Context().Err() != nil {
			return // the client gave up: no answer reaches it, so there is none to check
		}
		for k, vals := range rec.Header() {
			w.Header()[k] = vals
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		report(t, v.Check(Exchange{Request: r, RequestBody: body, Status: rec.Code, Header: rec.Header(), ResponseBody: rec.Body.Bytes()}))
	})
}

// Transport wraps a client transport (nil = http.DefaultTransport) so every exchange a client
// makes is checked; a violation fails t.
func (v *Validator) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		var body []byte
		out := req
		if req.Body != nil {
			var err error
			if body, err = io.ReadAll(req.Body); err != nil {
				return nil, err
			}
			_ = req.Body.Close()
			// A RoundTripper must not modify the caller's request.
			out = req.Clone(req.Context())
			out.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := next.RoundTrip(out)
		if err != nil {
			return resp, err
		}
		respBody, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(respBody))
		report(t, v.Check(Exchange{Request: req, RequestBody: body, Status: resp.StatusCode, Header: resp.Header, ResponseBody: respBody}))
		return resp, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Operation is one operation of a document: its method and its request path template (the
// document's path under the API's prefix, such as /wiki/api/v2/spaces/{id}).
type Operation struct {
	Spec, Method, Path string
}

// Operations lists every operation of every document (as patched), for tests that compare what the
// emulator serves with what the APIs define.
func (v *Validator) Operations() ([]Operation, error) {
	var out []Operation
	for _, s := range specDocs {
		l, err := load(v.dir, s)
		if err != nil {
			return nil, err
		}
		prefix := strings.TrimSuffix(s.server, "/")
		_ = eachOperation(l.doc, func(path, method string, _ *openapi3.PathItem, _ *openapi3.Operation) error {
			out = append(out, Operation{Spec: s.name, Method: method, Path: prefix + path})
			return nil
		})
	}
	return out, nil
}
