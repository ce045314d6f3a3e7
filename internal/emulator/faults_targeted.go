package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Fault makes one chosen request fail, for partial-failure tests of bulk resources (the third of five
// permission writes fails, say). It is decided before any state changes and answered in the API's error
// shape; 429 and 503 carry Retry-After: 1, like the other injected faults. Faults are set in process
// through Options only: no /_emulator route changes them.
//
// With AfterCommit the request is applied first and only its answer is replaced: the write took effect but
// the client never learns it (a lost answer), which is what a 5xx or a dropped connection after the body was
// sent can mean on the real service.
type Fault struct {
	Route       string // "METHOD /route/template", the key Stats uses, e.g. "POST /wiki/rest/api/space/{spaceKey}/permission"
	Nth         int    // fail the Nth request to Route (1-based, counted like Stats counts)
	Status      int    // HTTP status of the answer, e.g. 500, 503, 400
	AfterCommit bool   // apply the request, then answer Status instead of its own answer
	// Hold answers nothing until the client gives up (an apply interrupted while it waits): with AfterCommit
	// the request is applied first, without it never. Status is then unused.
	Hold bool
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

// due returns the fault this request meets, if any. Every fault on the route counts the request, so several
// faults may target one route at different positions.
func (f *targetedFaults) due(route string) (Fault, bool) {
	if f == nil || len(f.list) == 0 {
		return Fault{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var hit Fault
	found := false
	for i, x := range f.list {
		if x.Route != route {
			continue
		}
		f.seen[i]++
		if f.seen[i] == x.Nth && !found && (x.Status >= 400 || x.Hold) {
			hit, found = x, true
		}
	}
	return hit, found
}

// writeFault answers an injected fault in the API's error shape; 429 and 503 carry Retry-After: 1.
func (e *Emulator) writeFault(w http.ResponseWriter, api apiKind, status int, why string) {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	e.writeAPIError(w, api, status, "Injected fault: "+http.StatusText(status)+" ("+why+").")
}

// loseAnswer applies the request and then answers status instead of the handler's own success: the write
// is done, its answer lost. An answer that was already an error passes through unchanged, since nothing
// was committed to lose.
func (e *Emulator) loseAnswer(w http.ResponseWriter, r *http.Request, api apiKind, status int, why string, next http.HandlerFunc) {
	e.loseAnswerOr(w, r, next, func() { e.writeFault(w, api, status, why) })
}

// holdAnswer applies the request, then answers nothing until the client gives up.
func (e *Emulator) holdAnswer(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
	e.loseAnswerOr(w, r, next, func() { <-r.Context().Done() })
}

// loseAnswerOr applies the request and, when it succeeded, does lose instead of answering it. A request that
// failed keeps its own answer.
func (e *Emulator) loseAnswerOr(w http.ResponseWriter, r *http.Request, next http.HandlerFunc, lose func()) {
	rec := httptest.NewRecorder()
	next(rec, r)
	if rec.Code >= 400 {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	e.lostAnswers.Add(1)
	lose()
}

// LostAnswers is how many writes were applied and answered with a fault instead (Options.LostAnswerRate,
// Fault.AfterCommit), so that a test can tell that it lost any.
func (e *Emulator) LostAnswers() int { return int(e.lostAnswers.Load()) }

// isWrite reports whether the request of a route ("METHOD /route/template") can change state: not a GET, and
// not one of the Admin API's POST searches (…/search, /workspaces), which only read.
func isWrite(route string) bool {
	method, path, _ := strings.Cut(route, " ")
	switch {
	case method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions:
		return false
	case method == http.MethodPost && (strings.HasSuffix(path, "/search") || strings.HasSuffix(path, "/workspaces")):
		return false
	}
	return true
}
