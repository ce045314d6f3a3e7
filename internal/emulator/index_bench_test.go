package emulator

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
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
