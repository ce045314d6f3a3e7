package transport

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDecodeError(t *testing.T) {
	t.Parallel()
	longText := strings.Repeat("gateway says no ", 40) // 640 chars

	tests := []struct {
		name        string
		api         API
		status      int
		header      http.Header
		body        string
		wantCode    string
		wantMessage string
		wantRetry   time.Duration
	}{
		{
			name:   "scim ScimError 409 uniqueness (Atlassian KB capture)",
			api:    SCIM,
			status: 409,
			body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness",` +
				`"detail":"Resource [USER]: with email[email@domain] already exists."}`,
			wantCode:    "uniqueness",
			wantMessage: "Resource [USER]: with email[email@domain] already exists.",
		},
		{
			name:        "scim ScimError 400 invalidFilter",
			api:         SCIM,
			status:      400,
			body:        `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"Unsupported filter"}`,
			wantCode:    "invalidFilter",
			wantMessage: "Unsupported filter",
		},
		{
			name:        "scim ScimError 404 without scimType",
			api:         SCIM,
			status:      404,
			body:        `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Group not found"}`,
			wantMessage: "Group not found",
		},
		{
			name:        "scim Failure 401",
			api:         SCIM,
			status:      401,
			body:        `{"error":"Unauthorized: invalid API key","traceId":"4f1c2a"}`,
			wantMessage: "Unauthorized: invalid API key",
		},
		{
			name:        "scim Failure 403",
			api:         SCIM,
			status:      403,
			body:        `{"error":"Forbidden","traceId":"abc"}`,
			wantMessage: "Forbidden",
		},
		{
			name:   "scim PUT Groups 400 BadRequestException",
			api:    SCIM,
			status: 400,
			body: `{"cause":null,"stackTrace":[{"methodName":"x"}],"responseStatus":"BAD_REQUEST","scimErrorType":"invalidValue",` +
				`"message":"displayName is immutable","localizedMessage":"displayName is immutable","suppressed":[]}`,
			wantCode:    "invalidValue",
			wantMessage: "displayName is immutable",
		},
		{
			name:        "scim gateway 429 text",
			api:         SCIM,
			status:      429,
			header:      http.Header{"Retry-After": {"7"}},
			body:        "Rate limit exceeded\n",
			wantMessage: "Rate limit exceeded",
			wantRetry:   7 * time.Second,
		},
		{
			name:        "admin application error 404 group not found",
			api:         Admin,
			status:      404,
			body:        `{"errors":[{"id":"f1e2","status":"404","code":"ADMIN-404-10","title":"Group not found","detail":"No group with id 42 in directory d"}]}`,
			wantCode:    "ADMIN-404-10",
			wantMessage: "Group not found: No group with id 42 in directory d",
		},
		{
			name:   "admin several errors joined",
			api:    Admin,
			status: 400,
			body: `{"errors":[{"id":"1","status":"400","code":"ADMIN-400-24","title":"Invalid request body","detail":"name is required"},` +
				`{"id":"2","status":"400","code":"ADMIN-400-24","title":"Invalid request body","detail":"description too long"}]}`,
			wantCode:    "ADMIN-400-24",
			wantMessage: "Invalid request body: name is required; Invalid request body: description too long",
		},
		{
			name:        "admin error title only, detail null",
			api:         Admin,
			status:      409,
			body:        `{"errors":[{"id":"1","status":"409","code":"ADMIN-409-5","title":"Group is not empty","detail":null}]}`,
			wantCode:    "ADMIN-409-5",
			wantMessage: "Group is not empty",
		},
		{
			name:        "admin role API code",
			api:         Admin,
			status:      400,
			body:        `{"errors":[{"status":"400","code":"ADMIN-UAM-400-3","title":"Invalid role for resource"}]}`,
			wantCode:    "ADMIN-UAM-400-3",
			wantMessage: "Invalid role for resource",
		},
		{
			name:        "admin proxy error numeric code",
			api:         Admin,
			status:      429,
			header:      http.Header{"X-Ratelimit-Reset": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}},
			body:        `{"code":429,"message":"Rate limit exceeded"}`,
			wantMessage: "Rate limit exceeded",
			wantRetry:   time.Hour,
		},
		{
			name:        "admin proxy 401",
			api:         Admin,
			status:      401,
			body:        `{"code":401,"message":"Unauthorized; scope does not match"}`,
			wantMessage: "Unauthorized; scope does not match",
		},
		{
			name:        "admin bare message",
			api:         Admin,
			status:      403,
			body:        `{"message":"You can't add a user to a group synced from an identity provider"}`,
			wantMessage: "You can't add a user to a group synced from an identity provider",
		},
		{
			name:   "confluence v1 404",
			api:    Confluence,
			status: 404,
			body: `{"statusCode":404,"data":{"authorized":false,"valid":false,"errors":[],"successful":false},` +
				`"message":"No space with key : ENG"}`,
			wantMessage: "No space with key : ENG",
		},
		{
			name:   "confluence v1 400 with translation",
			api:    Confluence,
			status: 400,
			body: `{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[{"message":{"translation":"Permission already exists","args":[]}}],` +
				`"successful":false},"message":"com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not create permission"}`,
			wantMessage: "com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not create permission; Permission already exists",
		},
		{
			name:   "confluence v1 translation already in message",
			api:    Confluence,
			status: 403,
			body: `{"statusCode":403,"data":{"errors":[{"message":{"translation":"Not permitted","args":[]}}]},` +
				`"message":"Not permitted"}`,
			wantMessage: "Not permitted",
		},
		{
			name:        "confluence v2 409",
			api:         Confluence,
			status:      409,
			body:        `{"errors":[{"status":409,"code":"CONFLICT","title":"A space role with this name already exists","detail":null}]}`,
			wantCode:    "CONFLICT",
			wantMessage: "A space role with this name already exists",
		},
		{
			name:        "confluence text/plain 401 from the proxy",
			api:         Confluence,
			status:      401,
			body:        "Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/\n",
			wantMessage: "Basic authentication with passwords is deprecated. For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/",
		},
		{
			name:        "confluence empty 404",
			api:         Confluence,
			status:      404,
			body:        "",
			wantMessage: "Not Found",
		},
		{
			name:        "whitespace-only body",
			api:         Admin,
			status:      500,
			body:        " \n\t ",
			wantMessage: "Internal Server Error",
		},
		{
			name:   "html 502 from a gateway",
			api:    Confluence,
			status: 502,
			body: "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>" +
				"<body><h1>Bad   Gateway</h1>\n<p>The server &amp; proxy disagreed.</p></body></html>",
			wantMessage: "502 Bad Gateway: Bad Gateway The server & proxy disagreed.",
		},
		{
			name:        "long text truncated",
			api:         SCIM,
			status:      503,
			body:        longText,
			wantMessage: truncate(strings.TrimSpace(longText), 300),
		},
		{
			name:        "unknown JSON shape kept as text",
			api:         Admin,
			status:      500,
			body:        `{"oops":true}`,
			wantMessage: `{"oops":true}`,
		},
		{
			name:        "truncated JSON treated as text",
			api:         Confluence,
			status:      500,
			body:        `{"errors":[{"status":500`,
			wantMessage: `{"errors":[{"status":500`,
		},
		{
			name:        "errors keyed by field",
			api:         Confluence,
			status:      400,
			body:        `{"errors":{"name":"is required","key":"is taken"}}`,
			wantMessage: "key: is taken; name: is required",
		},
		{
			name:        "wrong field types do not hide the message",
			api:         Admin,
			status:      400,
			body:        `{"code":{"nested":1},"message":"bad thing"}`,
			wantMessage: "bad thing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := decodeError(tt.api, tt.status, tt.header, []byte(tt.body))
			if e.API != tt.api || e.StatusCode != tt.status {
				t.Errorf("API/status = %s/%d, want %s/%d", e.API, e.StatusCode, tt.api, tt.status)
			}
			if e.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", e.Code, tt.wantCode)
			}
			if e.Message != tt.wantMessage {
				t.Errorf("Message = %q\nwant      %q", e.Message, tt.wantMessage)
			}
			if tt.wantRetry == 0 && e.RetryAfter != 0 {
				t.Errorf("RetryAfter = %v, want 0", e.RetryAfter)
			}
			if tt.wantRetry != 0 && (e.RetryAfter < tt.wantRetry-tt.wantRetry/10 || e.RetryAfter > tt.wantRetry) {
				t.Errorf("RetryAfter = %v, want about %v", e.RetryAfter, tt.wantRetry)
			}
		})
	}
}

func TestDecodeErrorTruncatesToRunes(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("é", 400)
	e := decodeError(Confluence, 500, nil, []byte(body))
	if !utf8.ValidString(e.Message) {
		t.Fatalf("message is not valid UTF-8: %q", e.Message)
	}
	if n := utf8.RuneCountInString(e.Message); n != 301 || !strings.HasSuffix(e.Message, "…") {
		t.Fatalf("message has %d runes (%q...), want 300 plus an ellipsis", n, e.Message[:20])
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *Error
		want string
	}{
		{
			err: &Error{API: SCIM, Method: "POST", Path: "/scim/directory/x/Groups", StatusCode: 409, Code: "uniqueness",
				Message: "A group with same name already exists"},
			want: "scim: POST /scim/directory/x/Groups: 409 Conflict (uniqueness): A group with same name already exists",
		},
		{
			err:  &Error{API: Confluence, Method: "GET", Path: "/wiki/api/v2/spaces/1", StatusCode: 404, Message: "Not Found"},
			want: "confluence: GET /wiki/api/v2/spaces/1: 404 Not Found",
		},
		{
			err: &Error{API: Admin, Method: "POST", Path: "/admin/v2/orgs/o/groups", StatusCode: 429, Message: "Rate limit exceeded",
				Attempts: 4, RetriesExhausted: true},
			want: "admin: POST /admin/v2/orgs/o/groups: 429 Too Many Requests: Rate limit exceeded [gave up after 4 attempts]",
		},
		{
			err:  &Error{API: SCIM, Method: "GET", Path: "/scim/directory/x/Users", StatusCode: 503, Attempts: 1, RetriesExhausted: true},
			want: "scim: GET /scim/directory/x/Users: 503 Service Unavailable [gave up after 1 attempt]",
		},
		{
			err:  &Error{StatusCode: 599, Message: "odd"},
			want: "599: odd",
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant       %q", got, tt.want)
		}
	}
}

func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	wrap := func(code int) error {
		return fmt.Errorf("reading group: %w", &Error{API: Admin, StatusCode: code})
	}
	preds := map[string]func(error) bool{
		"IsBadRequest": IsBadRequest, "IsUnauthorized": IsUnauthorized, "IsForbidden": IsForbidden,
		"IsNotFound": IsNotFound, "IsConflict": IsConflict, "IsRateLimited": IsRateLimited,
	}
	codes := map[string]int{
		"IsBadRequest": 400, "IsUnauthorized": 401, "IsForbidden": 403,
		"IsNotFound": 404, "IsConflict": 409, "IsRateLimited": 429,
	}
	for name, pred := range preds {
		for otherName, code := range codes {
			if got, want := pred(wrap(code)), name == otherName; got != want {
				t.Errorf("%s(wrapped %d) = %v, want %v", name, code, got, want)
			}
		}
		if pred(errors.New("404 not found")) || pred(nil) {
			t.Errorf("%s matched an error that is not *Error", name)
		}
	}
	if got := StatusCode(wrap(503)); got != 503 {
		t.Errorf("StatusCode(wrapped 503) = %d", got)
	}
	if got := StatusCode(errors.New("x")); got != 0 {
		t.Errorf("StatusCode(plain error) = %d, want 0", got)
	}
	if got := StatusCode(nil); got != 0 {
		t.Errorf("StatusCode(nil) = %d, want 0", got)
	}
}

// FuzzDecodeError checks that no body, however malformed, panics or yields an
// empty or over-long message.
func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"x"}`,
		`{"error":"x","traceId":"y"}`,
		`{"errors":[{"id":"1","status":"404","code":"ADMIN-404-10","title":"t","detail":"d"}]}`,
		`{"code":429,"message":"m"}`,
		`{"statusCode":404,"data":{"errors":[{"message":{"translation":"t","args":[]}}]},"message":"m"}`,
		`{"errors":[{"status":409,"code":"CONFLICT","title":"t","detail":null}]}`,
		"<html><title>x</title></html>", "", "plain",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, api := range []API{SCIM, Admin, Confluence} {
			e := decodeError(api, 418, nil, []byte(body))
			if e.Message == "" {
				t.Fatalf("%s: empty message for %q", api, body)
			}
			if utf8.ValidString(body) && utf8.RuneCountInString(e.Message) > maxJSONMessage+1 {
				t.Fatalf("%s: message of %d runes", api, utf8.RuneCountInString(e.Message))
			}
		}
	})
}
