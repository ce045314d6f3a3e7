package emulator

import (
	"net/http"
	"sync"
)

// Fault makes one chosen request fail, for partial-failure tests of bulk resources (the third of five
// permission writes fails, say). It is decided before any state changes and answered in the API's error
// shape; 429 and 503 carry Retry-After: 1, like the other injected faults. Faults are set in process
// through Options only: no /_emulator route changes them.
type Fault struct {
	Route  string // "METHOD /route/template", the key Stats uses, e.g. "POST /wiki/rest/api/space/{spaceKey}/permission"
	Nth    int    // fail the Nth request to Route (1-based, counted like Stats counts)
	Status int    // HTTP status of the answer, e.g. 500, 503, 400
}

// targetedFaults counts the requests of each Fault's route.
type targetedFaults struct {
	list []Fault

	mu   sync.Mutex
	seen []int // per fault: matching requests so far
}

func newTargetedFaults(list []Fault) *targetedFaults {
	return &targetedFaults{list: list, seen: make([]int, len(list))}
}

// status returns the status to fail this request with, or 0. Every fault on the route counts the
// request, so several faults may target one route at different positions.
func (f *targetedFaults) status(route string) int {
	if f == nil || len(f.list) == 0 {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	status := 0
	for i, x := range f.list {
		if x.Route != route {
			continue
		}
		f.seen[i]++
		if f.seen[i] == x.Nth && status == 0 && x.Status >= 400 {
			status = x.Status
		}
	}
	return status
}

// injectFault answers the request with a targeted fault when one is due; it reports whether it did.
func (e *Emulator) injectFault(w http.ResponseWriter, api apiKind, route string) bool {
	status := e.targeted.status(route)
	if status == 0 {
		return false
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	e.writeAPIError(w, api, status, "Injected fault: "+http.StatusText(status)+" (emulator Options.Faults).")
	return true
}
