package emulator

import (
	"fmt"
	"net/http"
	"time"
)

// reply is a handler's answer, decided under the state lock and written once the lock is released, in
// the body shape of the handler's API. Every state-reading handler of the Admin and Confluence APIs
// answers through e.do.
type reply struct {
	status int
	code   string // Admin API application error code; "" = the generic one for the status
	detail string // error message ("" is allowed for a Confluence v2 404: detail null)
	body   any    // success body; nil sends none
	header http.Header
}

func replyOK(status int, body any) reply { return reply{status: status, body: body} }

func replyFail(status int, format string, args ...any) reply {
	return reply{status: status, detail: fmt.Sprintf(format, args...)}
}

// adminFail is an Organizations API error with its application code (ADMIN-nnn-n).
func adminFail(status int, code, format string, args ...any) reply {
	rep := replyFail(status, format, args...)
	rep.code = code
	return rep
}

// failed reports whether the reply is an error answer.
func (rep reply) failed() bool { return rep.status >= 400 }

// do runs f under the state lock (pending space-role tasks settled first) and writes its reply.
func (e *Emulator) do(w http.ResponseWriter, api apiKind, f func(st *state, now time.Time) reply) {
	now := e.lockAccess()
	rep := f(e.st, now)
	e.unlock()
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	switch {
	case rep.failed() && api == apiAdmin:
		writeAdminError(w, rep.status, rep.code, rep.detail)
	case rep.failed():
		e.writeAPIError(w, api, rep.status, rep.detail)
	case rep.body == nil:
		w.WriteHeader(rep.status)
	default:
		ct := contentTypeJSON
		if api == apiAdmin {
			ct = "application/json"
		}
		writeJSON(w, rep.status, ct, rep.body)
	}
}
