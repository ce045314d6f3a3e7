package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// behindProxy serves an emulator on one address and a reverse proxy in front of it on another (TLS
// when tls is set), the way a container port mapping or a TLS terminator does. The proxy rewrites
// Host to the backend's, so only Options.PublicURL can tell the emulator the address clients use.
// The harness talks through the proxy; backend is the emulator's own address.
func behindProxy(t *testing.T, opts emulator.Options, tls, public bool) (h *harness, backend string) {
	t.Helper()
	var emu *emulator.Emulator
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { emu.Handler().ServeHTTP(w, r) }))
	t.Cleanup(be.Close)
	target, _ := url.Parse(be.URL)
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }}
	var front *httptest.Server
	if tls {
		front = httptest.NewTLSServer(proxy)
	} else {
		front = httptest.NewServer(proxy)
	}
	t.Cleanup(front.Close)
	if public {
		opts.PublicURL = front.URL + "/"
	}
	emu = emulator.New(opts)
	emu.SetBaseURL(be.URL) // what Serve does: PublicURL must win over the listener's address
	return &harness{t: t, emu: emu, base: front.URL, cred: emu.Credentials(), client: front.Client()}, be.URL
}

// TestPublicURLBehindReverseProxy drives every API through a reverse proxy (plain and TLS) in front
// of an emulator whose PublicURL names the proxy: every URL in the answers names the proxy, never the
// listener, and following them (SCIM locations, Confluence next links, on the site and the gateway
// form of the site URL) works.
func TestPublicURLBehindReverseProxy(t *testing.T) {
	for _, tls := range []bool{false, true} {
		name := "http"
		if tls {
			name = "https"
		}
		t.Run(name, func(t *testing.T) {
			h, backend := behindProxy(t, emulator.Options{PageSize: 1}, tls, true)
			if !strings.HasPrefix(h.base, name+"://") {
				t.Fatalf("proxy URL %s", h.base)
			}
			backendHost := strings.TrimPrefix(backend, "http://")
			var seen []response
			keep := func(r response) response { seen = append(seen, r); return r }

			// Env names the proxy.
			for _, l := range h.emu.Env("") {
				k, v, _ := strings.Cut(l, "=")
				if strings.HasSuffix(k, "_URL") && !strings.HasPrefix(v, h.base) {
					t.Errorf("Env %s = %s, want the public URL %s", k, v, h.base)
				}
			}
			if got := h.emu.PublicURL(); got != h.base {
				t.Errorf("PublicURL() = %s, want %s", got, h.base)
			}

			// SCIM: Location, meta.location and members' $ref name the proxy, and can be followed.
			u := keep(h.createUser(userSpec{userName: "ada@example.com", email: "ada@example.com"}))
			loc := u.str("meta", "location")
			if !strings.HasPrefix(loc, h.base+"/scim/directory/") || u.header.Get("Location") != loc {
				t.Fatalf("SCIM location %q / Location %q, want under %s", loc, u.header.Get("Location"), h.base)
			}
			r := keep(h.do(http.MethodGet, strings.TrimPrefix(loc, h.base), "Bearer "+h.cred.SCIMAPIKey, nil))
			expectStatus(t, r, http.StatusOK)
			g := keep(h.createGroup("Proxy Team", u.str("id")))
			if ref, _ := dig(g.body, "members", "0", "$ref").(string); !strings.HasPrefix(ref, h.base+"/") {
				t.Errorf("member $ref %q, want under %s", ref, h.base)
			}
			keep(h.scim(http.MethodGet, "/ServiceProviderConfig", nil))
			keep(h.scim(http.MethodGet, "/Users?count=1", nil))

			// Admin: the site's workspace hostUrl and links name the proxy.
			r = keep(h.admin(http.MethodPost, "/workspaces", map[string]any{}))
			expectStatus(t, r, http.StatusOK)
			if got := r.str("data", "0", "attributes", "hostUrl"); got != h.base {
				t.Errorf("workspace hostUrl = %q, want %q", got, h.base)
			}

			// Confluence, on the site form and on the gateway form: _links.base and next stay on
			// the proxy and on the form used, and following next works to the last page.
			for _, site := range []string{"", "/ex/confluence/" + h.cred.CloudID} {
				r = keep(h.wikiGet(site + "/wiki/api/v2/spaces?limit=1"))
				expectStatus(t, r, http.StatusOK)
				if got := r.str("_links", "base"); got != h.base+site+"/wiki" {
					t.Errorf("%s: _links.base = %q, want %q", site, got, h.base+site+"/wiki")
				}
				pages := 1
				for next := r.str("_links", "next"); next != ""; next = r.str("_links", "next") {
					if !strings.HasPrefix(next, site+"/wiki/api/v2/spaces?cursor=") {
						t.Fatalf("%s: next link %q left the site form", site, next)
					}
					if link := r.header.Get("Link"); !strings.Contains(link, "<"+h.base+site+"/wiki>") {
						t.Errorf("%s: Link header %q does not name the public base", site, link)
					}
					r = keep(h.wikiGet(next))
					expectStatus(t, r, http.StatusOK)
					pages++
				}
				if pages < 2 {
					t.Errorf("%s: %d page(s) with page size 1", site, pages)
				}
				cur := keep(h.wikiGet(site + "/wiki/rest/api/user/current"))
				expectStatus(t, cur, http.StatusOK)
				if got := cur.str("_links", "base"); got != h.base+site+"/wiki" || cur.str("_links", "context") != site+"/wiki" {
					t.Errorf("%s: v1 _links = %v", site, cur.get("_links"))
				}
			}

			for _, r := range seen {
				if strings.Contains(string(r.raw), backendHost) {
					t.Errorf("an answer names the listener %s: %s", backend, r.raw)
				}
				for k, vals := range r.header {
					if strings.Contains(strings.Join(vals, " "), backendHost) {
						t.Errorf("header %s names the listener: %v", k, vals)
					}
				}
			}
		})
	}
}

// TestPublicURLControl proves the proxy test above means something: without PublicURL the same proxy
// leaks the listener's address into the answers.
func TestPublicURLControl(t *testing.T) {
	h, backend := behindProxy(t, emulator.Options{}, false, false)
	r := h.wikiGet("/wiki/api/v2/spaces?limit=1")
	expectStatus(t, r, http.StatusOK)
	if got := r.str("_links", "base"); got != backend+"/wiki" {
		t.Errorf("without PublicURL _links.base = %q, want the listener's %q", got, backend+"/wiki")
	}
}

func TestCheckPublicURL(t *testing.T) {
	for _, c := range []struct {
		url, problem string
	}{
		{"http://127.0.0.1:8080", ""},
		{"https://emulator.example.test", ""},
		{"https://emulator.example.test:8443/", ""},
		{"", "http"},
		{"emulator.example.test:8080", "http"},
		{"ftp://emulator.example.test", "http"},
		{"/relative", "http"},
		{"http://", "host"},
		{"https://emulator.example.test/?x=1", "query"},
		{"https://emulator.example.test/#top", "fragment"},
		{"https://user:pw@emulator.example.test", "credentials"},
		{"https://emulator.example.test/emu", "path"},
	} {
		err := emulator.CheckPublicURL(c.url)
		switch {
		case c.problem == "" && err != nil:
			t.Errorf("CheckPublicURL(%q) = %v, want nil", c.url, err)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("CheckPublicURL(%q) = %v, want an error about %s", c.url, err, c.problem)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted an invalid PublicURL")
		}
	}()
	emulator.New(emulator.Options{PublicURL: "https://emulator.example.test/emu?x"})
}
