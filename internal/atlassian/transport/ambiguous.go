package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A write that is not safe to repeat (a POST that creates, a PATCH that is not idempotent) is sent once. When
// it may have reached the server and no success came back (a 5xx, a timeout, a dropped connection or a
// cancellation after the body was sent) the transport answers an *AmbiguousError instead of retrying, and the
// client settles it with Settle: one read by the object's natural key decides whether the write took effect.
// A 429 is still retried: Atlassian refuses the request before it does anything.

// repeatableKey marks a request context whose write may be sent again without harm.
type repeatableKey struct{}

// Repeatable marks the requests sent with ctx as safe to repeat although their method is not idempotent: a
// search sent as POST, a SCIM PATCH that replaces or adds values, a set-semantics write whose repeat changes
// nothing. They keep the ordinary retries.
func Repeatable(ctx context.Context) context.Context {
	return context.WithValue(ctx, repeatableKey{}, true)
}

func repeatable(req *http.Request) bool {
	if isIdempotent(req.Method) {
		return true
	}
	v, _ := req.Context().Value(repeatableKey{}).(bool)
	return v
}

// AmbiguousError is a write that may or may not have taken effect: it was sent and no success came back. Err
// is what came back instead (an *Error for a 5xx, or the connection or context error).
type AmbiguousError struct {
	Err error
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%v (the request had been sent, so it may have been applied)", e.Err)
}

func (e *AmbiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether err is a write whose outcome is unknown.
func IsAmbiguous(err error) bool {
	var e *AmbiguousError
	return errors.As(err, &e)
}

// ambiguousStatus reports whether a status after a sent write leaves its outcome open. 501 says the server
// does not do this at all, and a 4xx is a refusal, so neither can have applied anything.
func ambiguousStatus(code int) bool {
	return code >= 500 && code != http.StatusNotImplemented
}

// unsent reports whether a transport error happened before any byte of the request left: dialling failed.
func unsent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// settleTimeout bounds the read that settles an ambiguous write once the caller's context has ended (an
// interrupted apply): long enough for one read, short enough that Ctrl-C still feels immediate.
const settleTimeout = 5 * time.Second

// Detached returns ctx while it is live. Once it has ended it returns a context that keeps ctx's values but
// not its cancellation, bounded by settleTimeout, so that what an interrupted write made can still be looked
// up and saved.
func Detached(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
}

// maxSettleSends bounds how often Settle sends a write whose earlier attempts were lost without trace.
const maxSettleSends = 4

// Write is one create that a natural key identifies (a user name, a group name, a grant's key, target and
// principal), so that an ambiguous outcome is settled by reading instead of by sending again blindly.
type Write[T any] struct {
	// What names the object for messages, e.g. `SCIM user "jane"`.
	What string
	// Send makes the request. Its error is judged with IsAmbiguous; a value returned beside another error
	// (what it made before it was interrupted) is passed on.
	Send func(ctx context.Context) (T, error)
	// Find reads once by the natural key; ok is false when nothing holds the key.
	Find func(ctx context.Context) (found T, ok bool, err error)
	// Differs says how what Find returned differs from what Send asked for, or "" when it is the same.
	Differs func(found T) string
	// ID is the found object's id, for the import command of a mismatch.
	ID func(found T) string
	// Taken recognises the refusal of a repeated send because the key is held (a 409, a 400 "already
	// exists"); nil means IsConflict. After an ambiguous attempt it means the object now exists.
	Taken func(err error) bool
	// Await, when set, replaces Find after a Taken refusal: it waits until the object shows, for APIs whose
	// reads lag their writes. It is bounded like any consistency wait.
	Await func(ctx context.Context) (found T, ok bool, err error)
}

// Settle sends w and settles an ambiguous outcome with one read per ambiguous send:
//   - the object is there and is what was asked: it is returned, and noted in ctx's Adoptions;
//   - something else holds the key: a *MismatchError;
//   - nothing is there: the write is sent again (the earlier one never took effect).
//
// When ctx has ended (the apply was interrupted) the read runs on a detached, bounded context; an object
// found then is returned together with an *InterruptedError, so that the caller saves it before failing.
func Settle[T any](ctx context.Context, w Write[T]) (T, error) {
	var zero T
	taken := w.Taken
	if taken == nil {
		taken = IsConflict
	}
	lost := false // an earlier send's outcome was unknown
	for sends := 1; ; sends++ {
		v, err := w.Send(ctx)
		find := w.Find
		switch {
		case err == nil:
			return v, nil
		case lost && taken(err):
			// The earlier send made it, but the read after it could not see it yet.
			if w.Await != nil {
				find = w.Await
			}
		case !IsAmbiguous(err):
			return v, err // Send may return what it made beside an error (an *InterruptedError)
		}
		lost = true
		rctx, cancel := Detached(ctx)
		found, ok, ferr := find(rctx)
		cancel()
		switch {
		case ferr != nil:
			return zero, &UnsettledError{What: w.What, Err: err, FindErr: ferr}
		case ok:
			if d := w.Differs(found); d != "" {
				return zero, &MismatchError{What: w.What, Found: d, ID: w.ID(found), Err: err}
			}
			if ctx.Err() != nil {
				return found, &InterruptedError{What: w.What, Saved: true, Err: ctx.Err()}
			}
			AdoptionsFrom(ctx).add(w.What)
			return found, nil
		case ctx.Err() != nil:
			return zero, &InterruptedError{What: w.What, Err: ctx.Err()}
		case sends >= maxSettleSends:
			return zero, err
		}
	}
}

// UnsettledError is an ambiguous write whose settling read failed too: whether the object exists is unknown.
type UnsettledError struct {
	What    string
	Err     error // the write's outcome
	FindErr error // why the read failed
}

func (e *UnsettledError) Error() string {
	return fmt.Sprintf("creating %s: %v; looking it up afterwards failed too: %v. Run the command again: "+
		"if it then reports that %s already exists, import it", e.What, e.Err, e.FindErr, e.What)
}

func (e *UnsettledError) Unwrap() []error { return []error{e.Err, e.FindErr} }

// MismatchError is an ambiguous write after which the key is held by an object unlike the one asked for:
// someone else made it, or changed it since.
type MismatchError struct {
	What  string
	Found string // how the object found differs from the one asked for
	ID    string // the found object's id
	Err   error  // the write's outcome
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("creating %s: %v; afterwards %s exists with id %q, but %s", e.What, e.Err, e.What, e.ID, e.Found)
}

func (e *MismatchError) Unwrap() error { return e.Err }

// InterruptedError is a write cut short by the end of its context after it was sent. Saved says whether the
// object it made was found, and returned beside this error.
type InterruptedError struct {
	What  string
	Saved bool
	Err   error // the context's error
}

func (e *InterruptedError) Error() string {
	if e.Saved {
		return fmt.Sprintf("interrupted while creating %s (%v); it had been created, and is returned to be saved", e.What, e.Err)
	}
	return fmt.Sprintf("interrupted while creating %s (%v); a lookup found that nothing was created", e.What, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// Adoptions collects what Settle found already applied during one operation, for the caller's warning.
type Adoptions struct {
	mu   sync.Mutex
	list []string
}

type adoptionsKey struct{}

// WithAdoptions returns ctx carrying a fresh Adoptions.
func WithAdoptions(ctx context.Context) (context.Context, *Adoptions) {
	a := &Adoptions{}
	return context.WithValue(ctx, adoptionsKey{}, a), a
}

// AdoptionsFrom returns ctx's Adoptions, or nil (whose methods do nothing).
func AdoptionsFrom(ctx context.Context) *Adoptions {
	a, _ := ctx.Value(adoptionsKey{}).(*Adoptions)
	return a
}

func (a *Adoptions) add(what string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.list = append(a.list, what)
	a.mu.Unlock()
}

// List returns what was adopted, in order.
func (a *Adoptions) List() []string {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.list...)
}

// Summary is List as one sentence's worth of text, at most max names and a count of the rest.
func (a *Adoptions) Summary(maxNames int) string {
	list := a.List()
	if len(list) <= maxNames {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:maxNames], ", "), len(list)-maxNames)
}
