package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is a typed API error. Message is the API's own human-readable text
// with any known secret removed.
type Error struct {
	API        API
	Method     string
	Path       string // URL path only, never the query string
	StatusCode int
	Code       string // API error code where one exists: SCIM scimType, Admin "ADMIN-404-10", Confluence v2 "CONFLICT"
	Message    string
	RetryAfter time.Duration // parsed from the response when present

	// Attempts is how many times the request was sent, when known.
	Attempts int
	// RetriesExhausted is set when a retryable status (429, 503) was still
	// returned on the last attempt allowed.
	RetriesExhausted bool
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.API != "" {
		b.WriteString(string(e.API))
		b.WriteString(": ")
	}
	if e.Method != "" || e.Path != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	statusText := http.StatusText(e.StatusCode)
	b.WriteString(strconv.Itoa(e.StatusCode))
	if statusText != "" {
		b.WriteString(" ")
		b.WriteString(statusText)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Message != "" && e.Message != statusText {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetriesExhausted {
		fmt.Fprintf(&b, " [gave up after %s]", AttemptsText(e.Attempts))
	}
	return b.String()
}

// AttemptsText is "1 attempt" or "n attempts".
func AttemptsText(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

func asError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e, true
	}
	return nil, false
}

// StatusCode returns the HTTP status of an *Error anywhere in err's chain, or 0.
func StatusCode(err error) int {
	if e, ok := asError(err); ok {
		return e.StatusCode
	}
	return 0
}

// Code is the API's error code of err (SCIM scimType, Admin "ADMIN-404-10", …), empty when there is none.
func Code(err error) string {
	if e, ok := asError(err); ok {
		return e.Code
	}
	return ""
}

// IsBadRequest reports whether err carries an API 400.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// IsUnauthorized reports whether err carries an API 401.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports whether err carries an API 403.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsNotFound reports whether err carries an API 404.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports whether err carries an API 409.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsRateLimited reports whether err carries an API 429 (returned once retries are exhausted).
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

const (
	maxTextMessage = 300
	maxJSONMessage = 1000
)

// decodeError builds an *Error from a non-2xx response. Bodies are never
// assumed to be JSON: gateways answer in text or HTML, some 404s are empty.
func decodeError(api API, status int, header http.Header, body []byte) *Error {
	e := &Error{API: api, StatusCode: status}
	if d, ok := serverWait(header, time.Now()); ok {
		e.RetryAfter = d
	}
	e.Message, e.Code = errorMessage(api, body)
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// errorBody is the union of the error shapes of all three APIs; every field
// is raw so an unexpected type in one field cannot hide the others.
type errorBody struct {
	// SCIM ScimError: {"schemas":[...],"status":"409","scimType":"uniqueness","detail":"..."}
	ScimType json.RawMessage `json:"scimType"`
	Detail   json.RawMessage `json:"detail"`
	// SCIM Failure: {"error":"...","traceId":"..."}
	Err json.RawMessage `json:"error"`
	// Admin application errors and Confluence v2: {"errors":[{"status","code","title","detail"}]}
	Errors json.RawMessage `json:"errors"`
	// Admin proxy {"code":429,"message":"..."}, Confluence v1 {"statusCode","data","message"},
	// SCIM BadRequestException {"message","scimErrorType",...}
	Message       json.RawMessage `json:"message"`
	Code          json.RawMessage `json:"code"`
	Data          json.RawMessage `json:"data"`
	ScimErrorType json.RawMessage `json:"scimErrorType"`
	ErrorMessage  json.RawMessage `json:"errorMessage"`
	ErrorMessages json.RawMessage `json:"errorMessages"`
	Title         json.RawMessage `json:"title"`
}

type extractor func(b *errorBody) (msg, code string)

func errorMessage(api API, body []byte) (msg, code string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", ""
	}
	var b errorBody
	if trimmed[0] == '{' && json.Unmarshal(trimmed, &b) == nil {
		var order []extractor
		switch api {
		case SCIM:
			order = []extractor{scimError, failureError, errorsArray, confluenceV1, plainMessage}
		case Admin:
			order = []extractor{errorsArray, plainMessage, failureError, scimError}
		default: // Confluence and anything unknown
			order = []extractor{errorsArray, confluenceV1, plainMessage, failureError, scimError}
		}
		for _, x := range order {
			m, c := x(&b)
			if code == "" {
				code = c
			}
			if m != "" {
				return truncate(oneLine(m), maxJSONMessage), code
			}
		}
		if code != "" {
			return "", code
		}
		// JSON we do not recognise: still more useful than the status text.
		return truncate(oneLine(string(trimmed)), maxTextMessage), ""
	}
	return truncate(plainText(string(trimmed)), maxTextMessage), ""
}

func scimError(b *errorBody) (string, string) {
	code := jsonString(b.ScimType)
	if code == "" {
		code = jsonString(b.ScimErrorType)
	}
	if m := jsonString(b.Detail); m != "" {
		return m, code
	}
	// BadRequestException: a serialised Java exception.
	if code != "" {
		return jsonString(b.Message), code
	}
	return "", ""
}

func failureError(b *errorBody) (string, string) {
	if m := jsonString(b.Err); m != "" {
		return m, ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b.Err, &obj) == nil {
		return jsonString(obj["message"]), jsonString(obj["code"])
	}
	return "", ""
}

// errorsArray reads {"errors":[...]} (Admin, Confluence v2): title and detail
// of each error, several joined with "; ", code from the first one that has one.
func errorsArray(b *errorBody) (string, string) {
	if len(b.Errors) == 0 {
		return "", ""
	}
	var items []json.RawMessage
	if json.Unmarshal(b.Errors, &items) != nil {
		// Some endpoints send {"errors":{"field":"message"}}.
		var byField map[string]json.RawMessage
		if json.Unmarshal(b.Errors, &byField) != nil {
			return "", ""
		}
		var parts []string
		for _, k := range sortedKeys(byField) {
			if m := jsonString(byField[k]); m != "" {
				parts = append(parts, k+": "+m)
			}
		}
		return strings.Join(parts, "; "), ""
	}
	var parts []string
	code := ""
	for _, raw := range items {
		if s := jsonString(raw); s != "" {
			parts = append(parts, s)
			continue
		}
		var item map[string]json.RawMessage
		if json.Unmarshal(raw, &item) != nil {
			continue
		}
		if code == "" {
			code = jsonString(item["code"])
			if _, err := strconv.Atoi(code); err == nil {
				code = "" // an HTTP status repeated, not an API code
			}
		}
		title, detail := jsonString(item["title"]), jsonString(item["detail"])
		if title == "" {
			title = jsonString(item["message"])
		}
		switch {
		case title != "" && detail != "" && title != detail:
			parts = append(parts, title+": "+detail)
		case title != "":
			parts = append(parts, title)
		case detail != "":
			parts = append(parts, detail)
		}
	}
	return strings.Join(parts, "; "), code
}

// confluenceV1 reads {"statusCode":404,"data":{"errors":[{"message":{"translation":"..."}}]},"message":"..."}.
func confluenceV1(b *errorBody) (string, string) {
	msg := jsonString(b.Message)
	var data struct {
		Errors []struct {
			Message json.RawMessage `json:"message"`
		} `json:"errors"`
	}
	if len(b.Data) > 0 && json.Unmarshal(b.Data, &data) == nil {
		for _, e := range data.Errors {
			t := jsonString(e.Message)
			if t == "" {
				var m struct {
					Translation string `json:"translation"`
					Key         string `json:"key"`
				}
				if json.Unmarshal(e.Message, &m) == nil {
					t = m.Translation
					if t == "" {
						t = m.Key
					}
				}
			}
			t = strings.TrimSpace(t)
			if t != "" && !strings.Contains(msg, t) {
				if msg != "" {
					msg += "; "
				}
				msg += t
			}
		}
	}
	return msg, ""
}

func plainMessage(b *errorBody) (string, string) {
	code := jsonString(b.Code)
	if _, err := strconv.Atoi(code); err == nil {
		code = "" // proxy errors repeat the HTTP status as a number
	}
	for _, raw := range []json.RawMessage{b.Message, b.ErrorMessage, b.Title, b.Detail} {
		if m := jsonString(raw); m != "" {
			return m, code
		}
	}
	var list []string
	if json.Unmarshal(b.ErrorMessages, &list) == nil {
		return strings.Join(nonEmpty(list), "; "), code
	}
	return "", ""
}

// jsonString returns a JSON string's value (trimmed), a number's text, or "".
func jsonString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch {
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

func sortedKeys(m map[string]json.RawMessage) []string {
	return slices.Sorted(maps.Keys(m))
}

var (
	htmlDropBlocks = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)\s*>`)
	htmlTitle      = regexp.MustCompile(`(?is)<title\b[^>]*>(.*?)</title\s*>`)
	htmlTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	whitespace     = regexp.MustCompile(`\s+`)
)

// plainText turns a text or HTML body into one readable line.
func plainText(s string) string {
	if looksLikeHTML(s) {
		title := ""
		if m := htmlTitle.FindStringSubmatch(s); m != nil {
			title = oneLine(html.UnescapeString(htmlTag.ReplaceAllString(m[1], " ")))
		}
		text := htmlDropBlocks.ReplaceAllString(s, " ")
		text = oneLine(html.UnescapeString(htmlTag.ReplaceAllString(text, " ")))
		switch {
		case text == "":
			return title
		case title != "" && !strings.HasPrefix(text, title):
			return title + ": " + text
		}
		return text
	}
	return oneLine(s)
}

func looksLikeHTML(s string) bool {
	head := strings.ToLower(s[:min(len(s), 512)])
	return strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html") ||
		strings.HasPrefix(head, "<head") || strings.HasPrefix(head, "<body") || strings.HasPrefix(head, "<h1")
}

func oneLine(s string) string {
	return strings.TrimSpace(whitespace.ReplaceAllString(s, " "))
}

// truncate cuts s to at most n runes, marking the cut; it never splits a rune.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n])) + "…"
}
