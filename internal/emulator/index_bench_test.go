package emulator

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// benchGrantsPerSpace is how many classic grants the benchmark adds to each space, besides the seeded ten.
const benchGrantsPerSpace = 50

// newScaleSite is an emulator with spaces generated classic spaces, each holding grants extra user grants
// (read/space of an account of its own), as a scale run seeds them.
func newScaleSite(spaces, grants int) *Emulator {
	e := New(Options{ExtraSpaces: spaces})
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := 1; i <= spaces; i++ {
		s := e.st.spaceByKey(fmt.Sprintf("GEN%04d", i))
		for j := range grants {
			e.st.addSpacePermission(s.ID, principalUser, fmt.Sprintf("557058:bench-%d-%d", i, j), "read", "space")
		}
	}
	return e
}

// BenchmarkListSpacePermissions measures one v2 permission listing (GET /spaces/{id}/permissions, one page
// of 250) of one space at two site sizes. The space holds the same grants at both sizes, so a listing whose
// cost is that space's alone costs the same at both.
func BenchmarkListSpacePermissions(b *testing.B) {
	for _, spaces := range []int{10, 1000} {
		b.Run("spaces="+strconv.Itoa(spaces), func(b *testing.B) {
			e := newScaleSite(spaces, benchGrantsPerSpace)
			h := e.Handler()
			auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(e.creds.Email+":"+e.creds.APIToken))
			e.mu.Lock()
			path := "/wiki/api/v2/spaces/" + strconv.FormatInt(e.st.spaceByKey(fmt.Sprintf("GEN%04d", spaces/2)).ID, 10) + "/permissions?limit=250"
			e.mu.Unlock()
			for b.Loop() {
				req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, path, nil)
				req.Header.Set("Authorization", auth)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkOneSpaceRequests measures the other requests a scale run makes about one space, at the same two
// site sizes: the key→id lookup (GET /spaces?keys=), a grant refused as a duplicate (the v1 write's access
// and duplicate checks, leaving the state as it was), and the content permission check of the space's home
// page.
func BenchmarkOneSpaceRequests(b *testing.B) {
	for _, spaces := range []int{10, 1000} {
		e := newScaleSite(spaces, benchGrantsPerSpace)
		h := e.Handler()
		auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(e.creds.Email+":"+e.creds.APIToken))
		key := fmt.Sprintf("GEN%04d", spaces/2)
		e.mu.Lock()
		home := strconv.FormatInt(e.st.spaceByKey(key).HomepageID, 10)
		e.mu.Unlock()
		admin := e.creds.AdminAccountID
		for _, c := range []struct {
			name, method, path, body string
			want                     int
		}{
			{"lookup-key", http.MethodGet, "/wiki/api/v2/spaces?keys=" + key, "", http.StatusOK},
			{"grant-duplicate", http.MethodPost, "/wiki/rest/api/space/" + key + "/permission",
				`{"subject":{"type":"user","identifier":"` + admin + `"},"operation":{"key":"read","target":"space"}}`, http.StatusBadRequest},
			{"check-content", http.MethodPost, "/wiki/rest/api/content/" + home + "/permission/check",
				`{"subject":{"type":"user","identifier":"` + admin + `"},"operation":"read"}`, http.StatusOK},
		} {
			b.Run(c.name+"/spaces="+strconv.Itoa(spaces), func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequestWithContext(b.Context(), c.method, c.path, strings.NewReader(c.body))
					req.Header.Set("Authorization", auth)
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != c.want {
						b.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body)
					}
				}
			})
		}
	}
}
