package transport

import (
	"context"
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// serverWait returns how long the server asked us to wait, from Retry-After
// (seconds or HTTP date) or, failing that, a future X-RateLimit-Reset. ok is
// false when the response names no wait.
func serverWait(h http.Header, now time.Time) (d time.Duration, ok bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d, ok := parseRetryAfter(v, now); ok {
			return d, true
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, ok := parseResetTime(v, now); ok && t.After(now) {
			return t.Sub(now), true
		}
	}
	return 0, false
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs >= 0 && secs <= maxWaitSeconds) { // also rejects NaN
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Far beyond any sane cap; keeps float-to-Duration conversion from overflowing.
const maxWaitSeconds = 365 * 24 * 3600

var resetLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05", // no zone: documented as UTC
	time.RFC1123,
}

// parseResetTime reads X-RateLimit-Reset, documented by Atlassian as an
// ISO-8601 timestamp; other services send epoch seconds, epoch milliseconds
// or seconds-from-now, so numbers are told apart by magnitude.
func parseResetTime(v string, now time.Time) (time.Time, bool) {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case n >= 1e12 && n < 1e14:
			return time.UnixMilli(int64(n)), true
		case n >= 1e9 && n < 1e11:
			return time.Unix(0, int64(n*1e9)), true
		case n >= 0 && n <= maxWaitSeconds:
			return now.Add(time.Duration(n * float64(time.Second))), true
		}
		return time.Time{}, false // negative, NaN or absurd
	}
	for _, layout := range resetLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// backoff is MinBackoff*2^attempt with equal jitter (half fixed, half random),
// capped at maxD; attempt counts retries from 0.
func backoff(minD, maxD time.Duration, attempt int) time.Duration {
	d := maxD
	if attempt < 62 {
		if shifted := minD << uint(attempt); shifted > 0 && shifted>>uint(attempt) == minD && shifted < maxD {
			d = shifted
		}
	}
	half := d / 2
	return half + rand.N(d-half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// sleep waits for d or until ctx is done, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// gate holds every request of one HTTP client until a rate-limit window the
// server announced has passed.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *gate) hold(until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(g.until) {
		g.until = until
	}
}

func (g *gate) remaining() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return time.Until(g.until)
}

// wait blocks until the gate is open; the hold may be extended while waiting,
// so it checks again after each sleep.
func (g *gate) wait(ctx context.Context, onWait func(time.Duration)) error {
	for {
		d := g.remaining()
		if d <= 0 {
			return ctx.Err()
		}
		if onWait != nil {
			onWait(d)
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// credentialSecrets derives the strings to mask from an Authorization header:
// the header itself, its credential, and for Basic the decoded user:password
// and password.
func credentialSecrets(auth string) []string {
	auth = strings.TrimSpace(auth)
	if auth == "" {
		return nil
	}
	out := []string{auth}
	scheme, cred, found := strings.Cut(auth, " ")
	if !found {
		return out
	}
	cred = strings.TrimSpace(cred)
	out = append(out, cred)
	if strings.EqualFold(scheme, "Basic") {
		if raw, err := base64.StdEncoding.DecodeString(cred); err == nil {
			userPass := string(raw)
			out = append(out, userPass)
			if _, pass, ok := strings.Cut(userPass, ":"); ok {
				out = append(out, pass)
			}
		}
	}
	return nonEmpty(out)
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// redact replaces every secret in s with "***".
func redact(s string, secrets []string) string {
	for _, sec := range longestFirst(secrets) {
		s = strings.ReplaceAll(s, sec, "***")
	}
	return s
}

// longestFirst orders secrets so one that contains another is masked whole.
func longestFirst(secrets []string) []string {
	out := nonEmpty(secrets)
	slices.SortFunc(out, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(out)
}
