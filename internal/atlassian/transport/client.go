package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxResponseBytes bounds what one response may make us hold in memory; the
// largest legitimate pages (250 spaces, 100 users) are far smaller.
const maxResponseBytes = 64 << 20

// Authenticator sets credentials on an outgoing request.
type Authenticator func(*http.Request)

// Bearer authenticates with "Authorization: Bearer <token>" (SCIM directory
// key, organization API key, OAuth access token).
func Bearer(token string) Authenticator {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// Basic authenticates with HTTP basic auth (Confluence email + API token).
func Basic(user, password string) Authenticator {
	return func(r *http.Request) { r.SetBasicAuth(user, password) }
}

// Client is a JSON client for one API rooted at a base URL.
type Client struct {
	hc   *http.Client
	api  API
	base *url.URL
	auth Authenticator
}

// NewClient returns a client for api rooted at baseURL, sending through hc
// (normally the one client from NewHTTPClient). auth may be nil.
func NewClient(hc *http.Client, api API, baseURL string, auth Authenticator) (*Client, error) {
	if hc == nil {
		return nil, errors.New("transport: nil *http.Client")
	}
	if !api.valid() {
		return nil, fmt.Errorf("transport: unknown API %q", api)
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("transport: invalid %s base URL: %w", api, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("transport: %s base URL %q must start with https:// (or http://)", api, baseURL)
	case u.Host == "":
		return nil, fmt.Errorf("transport: %s base URL %q has no host", api, baseURL)
	case u.User != nil:
		// Credentials in a URL end up in logs and error messages.
		return nil, fmt.Errorf("transport: %s base URL must not contain credentials", api)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("transport: %s base URL %q must not have a query string or fragment", api, baseURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	u.ForceQuery = false
	return &Client{hc: hc, api: api, base: u, auth: auth}, nil
}

// API returns the API this client talks to.
func (c *Client) API() API { return c.api }

// BaseURL returns a copy of the base URL.
func (c *Client) BaseURL() *url.URL {
	u := *c.base
	return &u
}

// Do sends method to base URL + path with query parameters, JSON-encoding
// body when non-nil and decoding a 2xx response body into out when out is
// non-nil and the body is non-empty. path is an escaped path (escape IDs with
// url.PathEscape) and may carry its own query string only when query is empty.
// A non-2xx response returns *Error. The response body is always read and closed.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	_, err := c.request(ctx, method, path, query, body, out) //nolint:bodyclose // send has read and closed it
	return err
}

// request is Do returning the response too (its body already read and closed), for status and headers.
func (c *Client) request(ctx context.Context, method, path string, query url.Values, body, out any) (*http.Response, error) {
	u, err := c.resolvePath(path, query)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", c.api, method, pathOnly(path), err)
	}
	return c.send(ctx, method, u, body, out)
}

// DoURL is Do for an absolute URL or a server-relative reference such as
// "/wiki/api/v2/spaces?cursor=x" (resolved against the base URL's scheme and
// host), as found in pagination links. URLs on another host are refused so
// that credentials never follow a link off the configured site.
func (c *Client) DoURL(ctx context.Context, method, rawURL string, body, out any) error {
	u, err := c.resolveURL(rawURL)
	if err != nil {
		return fmt.Errorf("%s: %s %s: %w", c.api, method, pathOnly(rawURL), err)
	}
	_, err = c.send(ctx, method, u, body, out) //nolint:bodyclose // send has read and closed it
	return err
}

func (c *Client) resolvePath(path string, query url.Values) (*url.URL, error) {
	p, rawQuery, hasQuery := strings.Cut(path, "?")
	if hasQuery && len(query) > 0 {
		return nil, errors.New("path has a query string and query parameters were also given")
	}
	if strings.Contains(p, "#") || strings.Contains(p, "://") {
		return nil, errors.New("invalid path (use DoURL for absolute URLs; escape IDs with url.PathEscape)")
	}
	joined := c.base.EscapedPath()
	if rel := strings.TrimLeft(p, "/"); rel != "" {
		for _, seg := range strings.Split(rel, "/") {
			// Dot segments would let an ID walk out of the API's base path.
			if seg == "." || seg == ".." {
				return nil, errors.New("invalid path: \".\" or \"..\" segment (escape IDs with url.PathEscape)")
			}
		}
		joined += "/" + rel
	}
	ref, err := url.Parse(joined)
	if err != nil {
		return nil, fmt.Errorf("invalid path: %w", err)
	}
	u := c.BaseURL()
	u.Path, u.RawPath = ref.Path, ref.RawPath
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	} else {
		u.RawQuery = rawQuery
	}
	return u, nil
}

func (c *Client) resolveURL(rawURL string) (*url.URL, error) {
	ref, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // its text repeats the URL, query string included
		}
		return nil, fmt.Errorf("invalid URL: %w", err)
	}
	if ref.User != nil {
		return nil, errors.New("URL must not contain credentials")
	}
	switch {
	case ref.Host != "":
		scheme := ref.Scheme
		if scheme == "" {
			scheme = c.base.Scheme
		}
		if !strings.EqualFold(scheme, c.base.Scheme) || !strings.EqualFold(ref.Host, c.base.Host) {
			return nil, fmt.Errorf("refusing to send %s credentials to %s://%s (base URL is %s://%s)",
				c.api, scheme, ref.Host, c.base.Scheme, c.base.Host)
		}
	case ref.Scheme != "":
		return nil, fmt.Errorf("unsupported URL scheme %q", ref.Scheme)
	case !strings.HasPrefix(ref.Path, "/"):
		return nil, errors.New("a relative reference must start with / (use Do for paths under the base URL)")
	}
	u := c.BaseURL()
	u.Path, u.RawPath, u.RawQuery = ref.Path, ref.RawPath, ref.RawQuery
	return u, nil
}

func (c *Client) send(ctx context.Context, method string, u *url.URL, body, out any) (*http.Response, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s %s: "+format, append([]any{c.api, method, u.Path}, args...)...)
	}

	var reader io.Reader
	if body != nil {
		buf, err := encodeJSON(body)
		if err != nil {
			return nil, fail("encoding request body: %w", err)
		}
		// bytes.Reader makes NewRequest set GetBody, so retries can resend it.
		reader = bytes.NewReader(buf)
	}
	if ctx == nil {
		ctx = context.Background() // context.WithValue panics on nil
	}
	info := &requestInfo{api: c.api}
	req, err := http.NewRequestWithContext(withRequestInfo(ctx, info), method, u.String(), reader)
	if err != nil {
		return nil, fail("%w", err)
	}
	if c.api == SCIM {
		req.Header.Set("Accept", "application/scim+json, application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
		}
	} else {
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if c.auth != nil {
		c.auth(req)
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // its text repeats the URL, query string included
		}
		return nil, fail("%w", err)
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	_ = resp.Body.Close()
	resp.Body = http.NoBody
	if readErr != nil {
		return resp, fail("reading %d response: %w", resp.StatusCode, readErr)
	}
	if len(data) > maxResponseBytes {
		return resp, fail("%d response larger than %d bytes", resp.StatusCode, maxResponseBytes)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := decodeError(c.api, resp.StatusCode, resp.Header, data)
		e.Method, e.Path = method, u.Path
		e.Attempts = info.attempts
		e.RetriesExhausted = info.exhausted && retryableStatus(resp.StatusCode)
		secrets := c.secrets(req)
		e.Message, e.Code = redact(e.Message, secrets), redact(e.Code, secrets)
		if ambiguousStatus(resp.StatusCode) && !repeatable(req) {
			return resp, &AmbiguousError{Err: e}
		}
		return resp, e
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp, fail("decoding %d response: %w", resp.StatusCode, err)
		}
	}
	return resp, nil
}

// secrets lists what must not appear in error text: this request's
// credential and the values configured on the shared transport.
func (c *Client) secrets(req *http.Request) []string {
	out := credentialSecrets(req.Header.Get("Authorization"))
	if rt, ok := c.hc.Transport.(*roundTripper); ok {
		out = append(out, rt.cfg.Secrets...)
	}
	return out
}

func encodeJSON(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		if !json.Valid(raw) {
			return nil, errors.New("invalid json.RawMessage")
		}
		return raw, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<", ">" and "&" readable in names and filters
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// pathOnly strips a query string and fragment for error messages.
func pathOnly(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Path
	}
	s, _, _ = strings.Cut(s, "?")
	s, _, _ = strings.Cut(s, "#")
	return s
}
