package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// gatewayAnswer is an answer that comes from Atlassian's edge (rate limiting, load shedding, the
// api.atlassian.com router), not from the operation, so the documents omit it on most operations.
type gatewayAnswer struct {
	status      int
	description string
	retryAfter  bool // may carry Retry-After (whole seconds)
	proxy       bool // the Organizations API sends it as a ProxyError {code, message}, not as Errors
	gatewayOnly bool // only on the api.atlassian.com/ex/confluence/{cloudId} form of a Confluence path
}

// gatewayAnswers is the one rule, written down once, for answers any endpoint may give whether or not
// its document lists them (reference §1.10, §2.11, §3.10):
//
//   - 429 and 503, with Retry-After, on every operation of every API: where a document omits them, the
//     overlay (fixRateLimitResponses) adds them with the API's gateway error body; where the Admin
//     document lists them without a body, fixAdminErrorBodies gives them the same ProxyError;
//   - 500 on every operation, in the API's application error body (no Retry-After);
//   - 404 for a cloud id the gateway does not know, on the /ex/confluence/{cloudId} form only, in the
//     Confluence v2 error body (UNCONFIRMED shape): the validator accepts it there (Check), since adding
//     a 404 to every operation would hide wrong 404s on the site form.
//
// The emulator's answers follow the same rule (router.go: apiMiddleware, writeAdminError).
var gatewayAnswers = []gatewayAnswer{
	{status: http.StatusTooManyRequests, description: "Rate limited (emulator overlay)", retryAfter: true, proxy: true},
	{status: http.StatusServiceUnavailable, description: "Service unavailable (emulator overlay)", retryAfter: true, proxy: true},
	{status: http.StatusInternalServerError, description: "Internal server error (emulator overlay)"},
	{status: http.StatusNotFound, description: "Unknown cloud id (api.atlassian.com gateway)", gatewayOnly: true},
}

// GatewayStatuses lists the statuses any operation may answer although its document omits them (on
// the site form of its path), for tests that drive them.
func GatewayStatuses() []int {
	var out []int
	for _, a := range gatewayAnswers {
		if !a.gatewayOnly {
			out = append(out, a.status)
		}
	}
	return out
}

// gatewayProxyStatus reports whether the Organizations API sends status as a gateway ProxyError.
// 401 is the gateway's too (reference §2.10), though the documents list it on most operations.
func gatewayProxyStatus(code string) bool {
	if code == "401" {
		return true
	}
	for _, a := range gatewayAnswers {
		if a.proxy && strconv.Itoa(a.status) == code {
			return true
		}
	}
	return false
}

// checkGatewayOnly validates an answer the rule allows on the gateway form only: it must be one of
// gatewayAnswers for that form, undocumented on the operation, with the Confluence v2 error body. ok is
// false when the rule does not apply (the operation's own document decides).
func (v *Validator) checkGatewayOnly(ex Exchange, route *routers.Route) (ok bool, err error) {
	if !gatewayForm.MatchString(ex.Request.URL.Path) || route.Operation.Responses.Value(strconv.Itoa(ex.Status)) != nil {
		return false, nil
	}
	for _, a := range gatewayAnswers {
		if !a.gatewayOnly || a.status != ex.Status {
			continue
		}
		l, err := load(v.dir, specByName(specConfluenceV2))
		if err != nil {
			return true, err
		}
		schema := l.doc.Components.Schemas["EmulatorV2Errors"]
		var body any
		if err := json.Unmarshal(ex.ResponseBody, &body); err != nil {
			return true, fmt.Errorf("%s %s → %d (gateway answer): body is not JSON: %w", ex.Request.Method, ex.Request.URL.Path, ex.Status, err)
		}
		if err := schema.Value.VisitJSON(body); err != nil {
			return true, fmt.Errorf("%s %s → %d (gateway answer) is not a v2 error body: %w\nresponse body: %s", ex.Request.Method, ex.Request.URL.Path, ex.Status, err, truncate(ex.ResponseBody, 2000))
		}
		return true, nil
	}
	return false, nil
}

func fixRateLimitResponses(name string, doc *openapi3.T) error {
	gateway, types, err := errorSchemaFor(name, doc)
	if err != nil {
		return err
	}
	application := gateway
	if name == specAdmin {
		application = componentRef(doc, "Errors") // the Organizations API's own errors (reference §2.10)
	}
	content := func(s *openapi3.SchemaRef) openapi3.Content {
		c := openapi3.Content{}
		for _, t := range types {
			c[t] = openapi3.NewMediaType().WithSchemaRef(s)
		}
		return c
	}
	retryAfter := &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: "^[0-9]+$"}},
	}}}
	return eachOperation(doc, func(_, _ string, _ *openapi3.PathItem, op *openapi3.Operation) error {
		for _, a := range gatewayAnswers {
			code := strconv.Itoa(a.status)
			if a.gatewayOnly || op.Responses.Value(code) != nil {
				continue
			}
			desc := a.description
			body := application
			if a.proxy {
				body = gateway
			}
			resp := &openapi3.Response{Description: &desc, Content: content(body)}
			if a.retryAfter {
				resp.Headers = openapi3.Headers{"Retry-After": retryAfter}
			}
			op.Responses.Set(code, &openapi3.ResponseRef{Value: resp})
		}
		return nil
	})
}
