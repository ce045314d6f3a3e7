// Package transport is the HTTP layer shared by the SCIM, Admin and Confluence
// clients: user agent, retries with backoff, one rate-limit gate per provider
// run, logging through tflog with secrets masked, and typed API errors.
//
// It sits on go-cleanhttp's pooled transport but keeps its own retry loop
// rather than go-retryablehttp, for what that library does not carry: one 429
// gate shared by every request of the run (a 429 speaks for the credential, so
// all requests wait, not only the one that got it), Atlassian's
// X-RateLimit-Reset header beside Retry-After, a total budget per request, and
// the rule that a write not safe to repeat is never sent twice blindly
// (ambiguous.go).
package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// API identifies which Atlassian API a client talks to; it selects the error
// decoder, content type and log label.
type API string

// The three APIs the provider talks to.
const (
	SCIM       API = "scim"
	Admin      API = "admin"
	Confluence API = "confluence"
)

func (a API) valid() bool {
	return a == SCIM || a == Admin || a == Confluence
}

const (
	defaultUserAgent  = "terraform-provider-confluence"
	defaultMinBackoff = 500 * time.Millisecond
	defaultMaxBackoff = 30 * time.Second
	// Bounded so a misbehaving server cannot make a retry hold a connection
	// open indefinitely while we drain it.
	maxDrainBytes = 64 << 10

	// One request's retries stop once the next wait would end more than
	// retryBudgetFactor request timeouts after its first attempt began
	// (5 minutes at the default 60s), or defaultRetryBudget when attempts have
	// no timeout: max_retries alone, with 30s waits, could hold a plan for
	// many minutes on one request.
	retryBudgetFactor  = 5
	defaultRetryBudget = 5 * time.Minute
)

// Config tunes the shared HTTP client.
type Config struct {
	UserAgent      string        // e.g. "terraform-provider-confluence/1.2.3"
	MaxRetries     int           // retries after the first attempt; 0 = no retries
	RequestTimeout time.Duration // per attempt; 0 = none
	MinBackoff     time.Duration // default 500ms
	MaxBackoff     time.Duration // cap for computed backoff AND for server-requested waits; default 30s
	RetryBudget    time.Duration // no retry wait may end later than this after the first attempt; default retryBudgetFactor × RequestTimeout, or defaultRetryBudget
	Secrets        []string      // values that must never appear in logs (api keys, tokens); empty strings ignored
}

func (c Config) withDefaults() Config {
	if c.UserAgent == "" {
		c.UserAgent = defaultUserAgent
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RequestTimeout < 0 {
		c.RequestTimeout = 0
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = defaultMinBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = defaultMaxBackoff
	}
	if c.MinBackoff > c.MaxBackoff {
		c.MinBackoff = c.MaxBackoff
	}
	if c.RetryBudget <= 0 {
		c.RetryBudget = defaultRetryBudget
		if c.RequestTimeout > 0 {
			c.RetryBudget = retryBudgetFactor * c.RequestTimeout
		}
	}
	c.Secrets = nonEmpty(c.Secrets)
	return c
}

// NewHTTPClient returns one *http.Client to share between every API client and
// every resource of a provider run, so that they share one connection pool and
// one rate-limit gate.
func NewHTTPClient(cfg Config) *http.Client {
	return &http.Client{Transport: NewRoundTripper(cfg, cleanhttp.DefaultPooledTransport())}
}

// NewRoundTripper wraps base (the pooled cleanhttp transport when nil) with the
// user agent, retry, rate-limit gate and logging behaviour of NewHTTPClient.
// Requests made through the returned RoundTripper share one gate.
func NewRoundTripper(cfg Config, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = cleanhttp.DefaultPooledTransport()
	}
	return &roundTripper{cfg: cfg.withDefaults(), base: base, gate: &gate{}}
}

type roundTripper struct {
	cfg  Config
	base http.RoundTripper
	gate *gate
}

// requestInfo travels in the request context from Client to the transport:
// the API label in, the retry outcome out (RoundTrip runs synchronously in
// the caller's goroutine, so no locking is needed).
type requestInfo struct {
	api       API
	attempts  int
	exhausted bool
}

type requestInfoKey struct{}

func withRequestInfo(ctx context.Context, info *requestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return false
}

// RoundTrip implements http.RoundTripper.
func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	info := requestInfoFrom(req.Context())
	if info == nil {
		info = &requestInfo{}
	}
	ctx := rt.logContext(req)
	fields := map[string]any{
		"method": req.Method,
		"path":   req.URL.Path,
	}
	if info.api != "" {
		fields["api"] = string(info.api)
	}

	// A body without GetBody cannot be sent twice.
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	maxAttempts := rt.cfg.MaxRetries + 1
	if !replayable {
		maxAttempts = 1
	}

	deadline := time.Now().Add(rt.cfg.RetryBudget)
	for attempt := 1; ; attempt++ {
		info.attempts = attempt
		if err := rt.gate.wait(req.Context(), func(d time.Duration) {
			tflog.Debug(ctx, "Waiting for shared rate-limit gate", with(fields, map[string]any{
				"attempt": attempt, "wait_ms": d.Milliseconds(),
			}))
		}); err != nil {
			closeUnsent(req, attempt)
			return nil, err
		}

		areq, cancel, err := rt.attemptRequest(req, attempt)
		if err != nil {
			closeUnsent(req, attempt)
			return nil, err
		}
		if attempt == 1 {
			tflog.Trace(ctx, "HTTP request headers", headerFields(areq.Header))
		}

		start := time.Now()
		resp, err := rt.base.RoundTrip(areq)
		elapsed := time.Since(start)
		af := with(fields, map[string]any{"attempt": attempt, "duration_ms": elapsed.Milliseconds()})

		if err != nil {
			cancel()
			af["error"] = err.Error()
			tflog.Debug(ctx, "HTTP request failed", af)
			if unsent(err) {
				if u := unreachable(info.api, req.URL, err); u != nil {
					return nil, u
				}
			} else if !repeatable(req) {
				// Cut off after the request left: a timeout, a dropped connection or a cancellation.
				return nil, &AmbiguousError{Err: err}
			}
			if req.Context().Err() != nil || !retryableError(err) {
				return nil, err
			}
			wait := backoff(rt.cfg.MinBackoff, rt.cfg.MaxBackoff, attempt-1)
			if attempt >= maxAttempts || time.Now().Add(wait).After(deadline) {
				if attempt == 1 {
					return nil, err
				}
				info.exhausted = true
				return nil, fmt.Errorf("giving up after %d attempts: %w", attempt, err)
			}
			tflog.Warn(ctx, "Retrying HTTP request after connection error", with(af, map[string]any{
				"wait_ms": wait.Milliseconds(), "reason": "connection error",
			}))
			if err := sleep(req.Context(), wait); err != nil {
				return nil, err
			}
			continue
		}

		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		af["status"] = resp.StatusCode
		if v := resp.Header.Get("X-RateLimit-Remaining"); v != "" {
			af["ratelimit_remaining"] = v
		}
		tflog.Debug(ctx, "HTTP response", af)
		tflog.Trace(ctx, "HTTP response headers", headerFields(resp.Header))

		if !retryableStatus(resp.StatusCode) || resp.StatusCode != http.StatusTooManyRequests && !repeatable(req) {
			// A 503 to a write that is not safe to repeat may come after it was applied (a lost answer):
			// the client settles it instead (ambiguous.go).
			return resp, nil
		}

		wait, fromServer := serverWait(resp.Header, time.Now())
		if fromServer {
			wait = min(wait, rt.cfg.MaxBackoff)
		} else {
			wait = backoff(rt.cfg.MinBackoff, rt.cfg.MaxBackoff, attempt-1)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			// A 429 speaks for the whole credential, not this one request.
			rt.gate.hold(time.Now().Add(wait))
		}
		if attempt >= maxAttempts || time.Now().Add(wait).After(deadline) {
			info.exhausted = true
			tflog.Warn(ctx, "HTTP request retries exhausted", with(af, map[string]any{
				"max_retries": rt.cfg.MaxRetries,
			}))
			return resp, nil
		}

		reason := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		if fromServer {
			reason += " (server-requested wait)"
		}
		tflog.Warn(ctx, "Retrying HTTP request", with(af, map[string]any{
			"wait_ms": wait.Milliseconds(), "reason": reason,
		}))
		drain(resp.Body)
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// closeUnsent honours the RoundTripper contract of closing the request body
// when we give up before the base transport has taken it.
func closeUnsent(req *http.Request, attempt int) {
	if attempt == 1 && req.Body != nil {
		_ = req.Body.Close()
	}
}

// attemptRequest clones req for one attempt with a fresh body and, when
// configured, its own timeout.
func (rt *roundTripper) attemptRequest(req *http.Request, attempt int) (*http.Request, context.CancelFunc, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if rt.cfg.RequestTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, rt.cfg.RequestTimeout)
	}
	areq := req.Clone(ctx)
	if attempt > 1 && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("rewinding request body: %w", err)
		}
		areq.Body = body
	}
	if areq.Header.Get("User-Agent") == "" {
		areq.Header.Set("User-Agent", rt.cfg.UserAgent)
	}
	return areq, cancel, nil
}

// logContext returns the request context with every secret masked: the
// configured ones plus whatever credential this request carries.
func (rt *roundTripper) logContext(req *http.Request) context.Context {
	ctx := req.Context()
	secrets := longestFirst(append(credentialSecrets(req.Header.Get("Authorization")), rt.cfg.Secrets...))
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "Authorization", "Proxy-Authorization")
	if len(secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return ctx
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

// retryableError reports whether a transport error may be transient. TLS
// verification failures will fail the same way every time.
func retryableError(err error) bool {
	var (
		certErr      *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		recordHeader tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostnameErr),
		errors.As(err, &invalidCert), errors.As(err, &recordHeader):
		return false
	}
	return true
}

// UnreachableError is a request that cannot reach its host, and would not on a
// retry: the host name does not resolve, or a loopback host (the emulator, a
// local proxy) refuses the connection because nothing listens there. A remote
// host refusing may be restarting behind a load balancer, so that is retried.
type UnreachableError struct {
	API      API
	Host     string // host[:port] as the URL names it
	NotFound bool   // the name does not resolve; otherwise the connection was refused
	Err      error
}

func (e *UnreachableError) Error() string {
	if e.NotFound {
		return fmt.Sprintf("host %s does not exist (%v)", e.Host, e.Err)
	}
	return fmt.Sprintf("%s refused the connection; nothing is listening there (%v)", e.Host, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// unreachable returns an *UnreachableError when err means u's host cannot be
// reached at all, else nil.
func unreachable(api API, u *url.URL, err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return &UnreachableError{API: api, Host: u.Host, NotFound: true, Err: err}
	case errors.Is(err, syscall.ECONNREFUSED) && IsLoopback(u.Hostname()):
		return &UnreachableError{API: api, Host: u.Host, Err: err}
	}
	return nil
}

// IsLoopback reports whether host (without a port) names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cancelOnClose ends the attempt's timeout context only once the caller is
// done with the body, so a per-attempt timeout never cuts a read short.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrainBytes))
	_ = body.Close()
}

func with(base map[string]any, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// headerFields flattens headers into string fields (tflog masks only string
// values) and blanks credentials itself rather than relying on masking alone.
func headerFields(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
			out[k] = "***"
			continue
		}
		out[k] = strings.Join(vs, ", ")
	}
	return out
}
