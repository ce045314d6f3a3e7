package emulator_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// harness is an emulator behind a real HTTP server, with helpers for each API's credential.
type harness struct {
	t      *testing.T
	emu    *emulator.Emulator
	base   string
	cred   emulator.Credentials
	client *http.Client // nil = http.DefaultClient
}

func newHarness(t *testing.T, opts emulator.Options) *harness {
	return newHarnessWith(t, opts, nil)
}

// newHarnessWith lets a test wrap the emulator's handler (the contract test validates through it).
func newHarnessWith(t *testing.T, opts emulator.Options, wrap func(http.Handler) http.Handler) *harness {
	t.Helper()
	emu := emulator.New(opts)
	h := emu.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	return &harness{t: t, emu: emu, base: srv.URL, cred: emu.Credentials()}
}

// response is a decoded reply.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r response) str(path ...string) string {
	v := r.get(path...)
	s, _ := v.(string)
	return s
}

// get walks a path of object keys and array indexes ("Resources", "0", "id").
func (r response) get(path ...string) any {
	return dig(r.body, path...)
}

func dig(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (r response) list(path ...string) []any {
	l, _ := r.get(path...).([]any)
	return l
}

func (r response) num(path ...string) int {
	f, _ := r.get(path...).(float64)
	return int(f)
}

// do sends a request with the given Authorization header value ("" = none).
func (h *harness) do(method, path, auth string, body any) response {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			buf, err := json.Marshal(b)
			if err != nil {
				h.t.Fatal(err)
			}
			rd = bytes.NewReader(buf)
		}
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.base+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		ct := "application/json"
		if strings.HasPrefix(path, "/scim/") {
			ct = "application/scim+json; charset=utf-8"
		}
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Accept", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	client := h.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			h.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, raw)
		}
	}
	return out
}

func (h *harness) scimPath(p string) string { return "/scim/directory/" + h.cred.DirectoryID + p }

// scim calls the SCIM API with the directory key.
func (h *harness) scim(method, p string, body any) response {
	h.t.Helper()
	return h.do(method, h.scimPath(p), "Bearer "+h.cred.SCIMAPIKey, body)
}

// basic is the Authorization header value for Basic credentials.
func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// wikiGet reads from the Confluence API with the admin's Basic credentials.
func (h *harness) wikiGet(p string) response {
	h.t.Helper()
	return h.do(http.MethodGet, p, basic(h.cred.Email, h.cred.APIToken), nil)
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status = %d, want %d; body: %s", r.status, want, r.raw)
	}
}

// expectSCIMError checks the ScimError shape: string status, optional scimType.
func expectSCIMError(t *testing.T, r response, status int, scimType string) {
	t.Helper()
	expectStatus(t, r, status)
	if got := r.str("status"); got != fmt.Sprint(status) {
		t.Errorf("ScimError status = %q, want the string %q; body %s", got, fmt.Sprint(status), r.raw)
	}
	if s := r.list("schemas"); len(s) != 1 || s[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
		t.Errorf("ScimError schemas = %v", s)
	}
	if got := r.str("scimType"); got != scimType {
		t.Errorf("scimType = %q, want %q; body %s", got, scimType, r.raw)
	}
	if r.str("detail") == "" {
		t.Errorf("ScimError without detail: %s", r.raw)
	}
}

type userSpec struct {
	userName, email, externalID, displayName string
}

func userBody(u userSpec) map[string]any {
	b := map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
		"userName": u.userName,
		"emails":   []any{map[string]any{"value": u.email, "type": "work", "primary": true}},
		"active":   true,
	}
	if u.externalID != "" {
		b["externalId"] = u.externalID
	}
	if u.displayName != "" {
		b["displayName"] = u.displayName
	}
	return b
}

// createUser creates a user and returns the response (status checked).
func (h *harness) createUser(u userSpec) response {
	h.t.Helper()
	r := h.scim(http.MethodPost, "/Users", userBody(u))
	expectStatus(h.t, r, http.StatusCreated)
	return r
}

func (h *harness) createGroup(name string, memberIDs ...string) response {
	h.t.Helper()
	members := []any{}
	for _, id := range memberIDs {
		members = append(members, map[string]any{"value": id})
	}
	r := h.scim(http.MethodPost, "/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": name,
		"members":     members,
	})
	expectStatus(h.t, r, http.StatusCreated)
	return r
}

func patchOp(ops ...map[string]any) map[string]any {
	list := make([]any, 0, len(ops))
	for _, o := range ops {
		list = append(list, o)
	}
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": list}
}

// memberIDs returns the member values of a group response.
func memberIDs(r response) []string {
	var out []string
	for _, m := range r.list("members") {
		out = append(out, dig(m, "value").(string))
	}
	return out
}

func filterQuery(f string) string { return "filter=" + url.QueryEscape(f) }
