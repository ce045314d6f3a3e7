//nolint:bodyclose // Client.Do reads and closes every body; the response it returns is headers-only.
package transport

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func okHandler(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusOK) }

func TestDoJoinsPathsAndEncodesQuery(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, okHandler)
	tests := []struct {
		name      string
		base      string
		path      string
		query     url.Values
		wantPath  string
		wantQuery string
	}{
		{"scim group", "/scim/directory/abc", "/Groups/1", nil, "/scim/directory/abc/Groups/1", ""},
		{"base trailing slash", "/scim/directory/abc/", "/Groups/1", nil, "/scim/directory/abc/Groups/1", ""},
		{"path without leading slash", "/admin", "v2/orgs/o1/groups", nil, "/admin/v2/orgs/o1/groups", ""},
		{"empty path is the base", "/wiki/api/v2", "", nil, "/wiki/api/v2", ""},
		{"root base", "", "/wiki/rest/api/space/ENG/permission", nil, "/wiki/rest/api/space/ENG/permission", ""},
		{"escaped id stays one segment", "/scim/directory/abc", "/Users/" + url.PathEscape("a/b c"), nil,
			"/scim/directory/abc/Users/a%2Fb%20c", ""},
		{"query in path kept verbatim", "/wiki/api/v2", "/spaces?keys=ENG&limit=250", nil, "/wiki/api/v2/spaces", "keys=ENG&limit=250"},
		{"query values encoded", "/scim/directory/abc", "/Groups",
			url.Values{"filter": {`displayName eq "Eng & Ops"`}, "count": {"100"}, "startIndex": {"1"}},
			"/scim/directory/abc/Groups", "count=100&filter=displayName+eq+%22Eng+%26+Ops%22&startIndex=1"},
		{"repeated query values", "/wiki/api/v2", "/spaces", url.Values{"keys": {"ENG", "OPS"}},
			"/wiki/api/v2/spaces", "keys=ENG&keys=OPS"},
		{"empty query values ignored", "/admin", "/v2/orgs?cursor=x", url.Values{}, "/admin/v2/orgs", "cursor=x"},
	}
	for _, tt := range tests {
		hc := NewHTTPClient(fastConfig())
		c := newTestClient(t, hc, Confluence, srv.URL+tt.base, nil)
		if err := c.Do(context.Background(), "GET", tt.path, tt.query, nil, nil); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		calls := rec.all()
		got := calls[len(calls)-1]
		if got.path != tt.wantPath || got.query != tt.wantQuery {
			t.Errorf("%s: server saw %q ? %q, want %q ? %q", tt.name, got.path, got.query, tt.wantPath, tt.wantQuery)
		}
	}
	// The decoded query is what the server acts on.
	c := newTestClient(t, NewHTTPClient(fastConfig()), SCIM, srv.URL, nil)
	filter := `userName eq "o'brien+1@example.com"`
	if err := c.Do(context.Background(), "GET", "/Users", url.Values{"filter": {filter}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	calls := rec.all()
	if q, _ := url.ParseQuery(calls[len(calls)-1].query); q.Get("filter") != filter {
		t.Errorf("server decoded filter %q, want %q", q.Get("filter"), filter)
	}
}

func TestDoRejectsBadPaths(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, okHandler)
	c := newTestClient(t, NewHTTPClient(fastConfig()), Admin, srv.URL+"/admin", nil)
	for _, tt := range []struct {
		path  string
		query url.Values
	}{
		{"/v2/orgs?cursor=x", url.Values{"limit": {"10"}}},
		{"/v2/orgs/../../secret", nil},
		{"/v2/./orgs", nil},
		{"/v2/orgs#frag", nil},
		{"https://evil.example/v2/orgs", nil},
	} {
		err := c.Do(context.Background(), "GET", tt.path, tt.query, nil, nil)
		if err == nil {
			t.Errorf("Do(%q, %v) succeeded", tt.path, tt.query)
			continue
		}
		if !strings.HasPrefix(err.Error(), "admin: GET ") || strings.Contains(err.Error(), "cursor=x") {
			t.Errorf("Do(%q): error %q", tt.path, err)
		}
	}
	if n := len(rec.all()); n != 0 {
		t.Fatalf("server saw %d requests for rejected paths", n)
	}
}

func TestDoURLResolvesPaginationLinks(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, okHandler)
	c := newTestClient(t, NewHTTPClient(fastConfig()), Confluence, srv.URL+"/wiki", Basic("u", "p"))
	host := strings.TrimPrefix(srv.URL, "http://")

	for _, tt := range []struct{ raw, wantPath, wantQuery string }{
		{"/wiki/api/v2/spaces?cursor=eyJpZCI6MX0%3D&limit=250", "/wiki/api/v2/spaces", "cursor=eyJpZCI6MX0%3D&limit=250"},
		{srv.URL + "/wiki/api/v2/spaces?cursor=abc", "/wiki/api/v2/spaces", "cursor=abc"},
		{"//" + host + "/wiki/api/v2/spaces?cursor=def", "/wiki/api/v2/spaces", "cursor=def"},
		{srv.URL + "/wiki/api/v2/spaces?cursor=abc#frag", "/wiki/api/v2/spaces", "cursor=abc"},
	} {
		if err := c.DoURL(context.Background(), "GET", tt.raw, nil, nil); err != nil {
			t.Fatalf("DoURL(%q): %v", tt.raw, err)
		}
		calls := rec.all()
		got := calls[len(calls)-1]
		if got.path != tt.wantPath || got.query != tt.wantQuery {
			t.Errorf("DoURL(%q): server saw %q ? %q", tt.raw, got.path, got.query)
		}
		if got.header.Get("Authorization") == "" {
			t.Errorf("DoURL(%q) sent no credentials", tt.raw)
		}
	}

	before := len(rec.all())
	for _, raw := range []string{
		"https://evil.example/wiki/api/v2/spaces?cursor=x", // credentials must not follow a link off-site
		"//evil.example/wiki/api/v2/spaces",
		"https://" + host + "/wiki/api/v2/spaces", // same host, other scheme
		"api/v2/spaces?cursor=x",                  // ambiguous relative reference
		"http://u:p@" + host + "/wiki",
		"mailto:x@example.com",
	} {
		if err := c.DoURL(context.Background(), "GET", raw, nil, nil); err == nil {
			t.Errorf("DoURL(%q) succeeded", raw)
		} else if strings.Contains(err.Error(), "cursor=x") {
			t.Errorf("DoURL(%q): error leaks the query string: %v", raw, err)
		}
	}
	if n := len(rec.all()); n != before {
		t.Fatalf("server saw %d requests for refused URLs", n-before)
	}
}

func TestContentTypesPerAPI(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, okHandler)
	hc := NewHTTPClient(fastConfig())
	for _, tt := range []struct {
		api                 API
		wantContentType     string
		wantAccept          string
		wantAcceptWithoutCT string
	}{
		{SCIM, "application/scim+json; charset=utf-8", "application/scim+json, application/json", ""},
		{Admin, "application/json", "application/json", ""},
		{Confluence, "application/json", "application/json", ""},
	} {
		c := newTestClient(t, hc, tt.api, srv.URL, nil)
		if err := c.Do(context.Background(), "POST", "/with-body", nil, map[string]string{"a": "b"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Do(context.Background(), "GET", "/without-body", nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		calls := rec.all()
		post, get := calls[len(calls)-2], calls[len(calls)-1]
		if got := post.header.Get("Content-Type"); got != tt.wantContentType {
			t.Errorf("%s POST Content-Type = %q, want %q", tt.api, got, tt.wantContentType)
		}
		if got := post.header.Get("Accept"); got != tt.wantAccept {
			t.Errorf("%s POST Accept = %q, want %q", tt.api, got, tt.wantAccept)
		}
		if got := get.header.Get("Content-Type"); got != "" {
			t.Errorf("%s GET without body has Content-Type %q", tt.api, got)
		}
		if got := get.header.Get("Accept"); got != tt.wantAccept {
			t.Errorf("%s GET Accept = %q, want %q", tt.api, got, tt.wantAccept)
		}
	}
}

func TestDoEncodesAndDecodesJSON(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"g-1","displayName":"<Eng & Ops>","members":[{"value":"u1"}],"meta":{"resourceType":"Group"}}`)
	})
	c := newTestClient(t, NewHTTPClient(fastConfig()), SCIM, srv.URL, Bearer("k"))

	type member struct {
		Value string `json:"value"`
	}
	in := struct {
		Schemas     []string `json:"schemas"`
		DisplayName string   `json:"displayName"`
	}{[]string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "<Eng & Ops>"}
	var out struct {
		ID          string   `json:"id"`
		DisplayName string   `json:"displayName"`
		Members     []member `json:"members"`
	}
	resp, err := c.request(context.Background(), "POST", "/Groups", nil, in, &out)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || out.ID != "g-1" || out.DisplayName != "<Eng & Ops>" || len(out.Members) != 1 {
		t.Fatalf("status %d, out %+v", resp.StatusCode, out)
	}
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"<Eng & Ops>"}`
	if got := rec.all()[0].body; got != want {
		t.Errorf("request body %s, want %s", got, want)
	}

	// A json.RawMessage body is sent as is.
	raw := json.RawMessage(`[{"principal":{"principalType":"GROUP","principalId":"g"},"roleId":"r"}]`)
	if err := c.Do(context.Background(), "POST", "/raw", nil, raw, nil); err != nil {
		t.Fatal(err)
	}
	if got := rec.all()[1].body; got != string(raw) {
		t.Errorf("raw body %s", got)
	}
	if err := c.Do(context.Background(), "POST", "/raw", nil, json.RawMessage(`{broken`), nil); err == nil {
		t.Error("invalid json.RawMessage was sent")
	}
	if err := c.Do(context.Background(), "POST", "/chan", nil, make(chan int), nil); err == nil ||
		!strings.Contains(err.Error(), "encoding request body") {
		t.Errorf("unencodable body: %v", err)
	}
	if n := len(rec.all()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestDoHandlesEmptyResponses(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/204":
			w.WriteHeader(http.StatusNoContent)
		case "/200-empty":
			w.WriteHeader(http.StatusOK)
		case "/202-space":
			w.WriteHeader(http.StatusAccepted)
			_, _ = io.WriteString(w, " \n")
		case "/html":
			_, _ = io.WriteString(w, "<html>maintenance</html>")
		}
	})
	c := newTestClient(t, NewHTTPClient(fastConfig()), Admin, srv.URL, nil)
	for _, p := range []string{"/204", "/200-empty", "/202-space"} {
		out := map[string]string{"kept": "yes"}
		resp, err := c.request(context.Background(), "DELETE", p, nil, nil, &out)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if out["kept"] != "yes" || len(out) != 1 {
			t.Errorf("%s: out changed to %v", p, out)
		}
		if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 0 {
			t.Errorf("%s: returned body reads %q, %v; want an empty, closed body", p, b, err)
		}
	}
	if err := c.Do(context.Background(), "GET", "/html", nil, nil, nil); err != nil {
		t.Errorf("body ignored when out is nil, got %v", err)
	}
	var out map[string]any
	err := c.Do(context.Background(), "GET", "/html", nil, nil, &out)
	if err == nil || !strings.Contains(err.Error(), "admin: GET /html: decoding 200 response") {
		t.Errorf("non-JSON 2xx: %v", err)
	}
	if StatusCode(err) != 0 {
		t.Errorf("decode failure reported as API error: %v", err)
	}
}

func TestDoReturnsTypedErrors(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.Header().Set("X-Trace", "t-1")
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness",`+
			`"detail":"A group with same name already exists"}`)
	})
	c := newTestClient(t, NewHTTPClient(fastConfig()), SCIM, srv.URL+"/scim/directory/x", Bearer("k"))
	resp, err := c.request(context.Background(), "POST", "/Groups", url.Values{"attributes": {"id"}}, map[string]string{"displayName": "eng"}, nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	want := Error{API: SCIM, Method: "POST", Path: "/scim/directory/x/Groups", StatusCode: 409, Code: "uniqueness",
		Message: "A group with same name already exists", Attempts: 1}
	if *e != want {
		t.Errorf("got  %+v\nwant %+v", *e, want)
	}
	if got := err.Error(); got != "scim: POST /scim/directory/x/Groups: 409 Conflict (uniqueness): A group with same name already exists" {
		t.Errorf("Error() = %q", got)
	}
	if !IsConflict(err) || IsNotFound(err) {
		t.Error("IsConflict/IsNotFound wrong")
	}
	if resp == nil || resp.StatusCode != 409 || resp.Header.Get("X-Trace") != "t-1" {
		t.Fatalf("response not returned with the error: %+v", resp)
	}
	if b, _ := io.ReadAll(resp.Body); len(b) != 0 {
		t.Errorf("returned body not drained: %q", b)
	}
}

func TestTransportErrorsNameTheRequestWithoutQuery(t *testing.T) {
	t.Parallel()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cfg := fastConfig()
	cfg.MaxRetries = 0
	c := newTestClient(t, NewHTTPClient(cfg), SCIM, "http://"+addr+"/scim", nil)
	err = c.Do(context.Background(), "GET", "/Users", url.Values{"filter": {"userName eq \"a@b\""}}, nil, nil)
	if err == nil {
		t.Fatal("expected a connection error")
	}
	if !strings.HasPrefix(err.Error(), "scim: GET /scim/Users: ") || strings.Contains(err.Error(), "filter") {
		t.Errorf("error = %q", err)
	}
	if StatusCode(err) != 0 {
		t.Errorf("StatusCode = %d", StatusCode(err))
	}
}

func TestAuthenticators(t *testing.T) {
	t.Parallel()
	srv, rec := serve(t, okHandler)
	hc := NewHTTPClient(fastConfig())
	for _, tt := range []struct {
		auth Authenticator
		want string
	}{
		{Bearer("tok-1"), "Bearer tok-1"},
		{Basic("me@example.com", "api:token"), "Basic " + base64.StdEncoding.EncodeToString([]byte("me@example.com:api:token"))},
		{nil, ""},
	} {
		c := newTestClient(t, hc, Confluence, srv.URL, tt.auth)
		if err := c.Do(context.Background(), "GET", "/", nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		calls := rec.all()
		if got := calls[len(calls)-1].header.Get("Authorization"); got != tt.want {
			t.Errorf("Authorization = %q, want %q", got, tt.want)
		}
	}
}

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	hc := NewHTTPClient(Config{})
	for _, tt := range []struct {
		name string
		hc   *http.Client
		api  API
		base string
	}{
		{"nil client", nil, SCIM, "https://api.atlassian.com/scim/directory/d"},
		{"unknown API", hc, API("jira"), "https://x.atlassian.net"},
		{"empty API", hc, "", "https://x.atlassian.net"},
		{"no scheme", hc, Admin, "api.atlassian.com/admin"},
		{"ftp", hc, Admin, "ftp://api.atlassian.com/admin"},
		{"no host", hc, Admin, "https:///admin"},
		{"credentials", hc, Confluence, "https://me:token@x.atlassian.net/wiki"},
		{"query", hc, Confluence, "https://x.atlassian.net/wiki?a=b"},
		{"fragment", hc, Confluence, "https://x.atlassian.net/wiki#top"},
		{"garbage", hc, Confluence, "https://x.atlassian.net/%zz"},
	} {
		if _, err := NewClient(tt.hc, tt.api, tt.base, nil); err == nil {
			t.Errorf("%s: NewClient(%q) succeeded", tt.name, tt.base)
		} else if strings.Contains(err.Error(), "token") && tt.name == "credentials" {
			t.Errorf("%s: error repeats the credential: %v", tt.name, err)
		}
	}

	c, err := NewClient(hc, Confluence, " https://x.atlassian.net/wiki/ ", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL().String(); got != "https://x.atlassian.net/wiki" {
		t.Errorf("BaseURL = %q", got)
	}
	if c.API() != Confluence {
		t.Errorf("API = %q", c.API())
	}
	u := c.BaseURL()
	u.Host, u.Path = "evil.example", "/x"
	if got := c.BaseURL().String(); got != "https://x.atlassian.net/wiki" {
		t.Errorf("BaseURL is not a copy: mutated to %q", got)
	}
}
