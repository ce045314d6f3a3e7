package contract

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// knownSpecDefects is the one place that lists where Atlassian's OpenAPI documents disagree with
// the services (or with OpenAPI itself), and how the loaded document is patched in memory. Each
// fix fails when its target is gone, so a refreshed spec shows which entries are obsolete.
// Validation itself is never switched off.
var knownSpecDefects = []specDefect{
	{all, "servers are placeholders (api.atlassian.com, //your-domain.atlassian.net, https://{your-domain}/wiki/api/v2): replaced by the API's path prefix so any host (emulator, live site) matches", fixServers},
	{specConfluenceV1 + "," + specAdmin, "paths that differ only in parameter names (v1 contentbody/convert/async/{to}|{id}, admin users/{userId}|{accountId}) are one route, which OpenAPI forbids: merged into one template", mergeConflictingPaths},
	{specSCIM, "PatchOp body names its array 'operations'; RFC 7644 §3.5.2 and the service use 'Operations' (required)", fixSCIMPatchOperations},
	{specSCIM, "PatchOp 'value' is typed as a Java JsonNode bean (object of boolean flags); values are any JSON (string, boolean, array, object)", fixSCIMPatchValue},
	{specSCIM, "meta.resourceType enum is USER|GROUP|DIRECTORY; the wire (and RFC 7643 §3.1) says \"User\"/\"Group\"", fixSCIMResourceType},
	{specSCIM, "/ServiceProviderConfig, /ResourceTypes and /Schemas responses are typed 'string'; they are JSON objects (RFC 7643 §5-§7)", fixSCIMDiscovery},
	{specSCIM, "client-writable attributes are marked readOnly (schemas, externalId, the enterprise extension, group members): clients must send them (RFC 7643, the spec's own descriptions)", fixSCIMReadOnly},
	{specSCIM, "PUT/PATCH /Users document no 409; the service answers 409 uniqueness when a change takes another user's userName or email (Atlassian KB)", fixSCIMUserUpdateConflict},
	{specConfluenceV2, "error responses are documented without a body; the service sends {\"errors\":[{status,code,title,detail}]}", fixConfluenceV2ErrorBodies},
	{specConfluenceV1, "error responses are documented without a body; the service sends {statusCode, message[, data]}", fixConfluenceV1ErrorBodies},
	{specConfluenceV2, "path ids (spaces/{id}, space-roles/{id}, …) are typed integer while every v2 id is a string on the wire (and space-roles/{id} is a string on PUT/DELETE)", fixConfluenceV2PathIDs},
	{specConfluenceV2, "list query parameters documented as comma-separated (keys, ids, …) are declared with the default form/explode=true (repeated parameters)", fixConfluenceV2CommaLists},
	{specConfluenceV2, "label 'prefix' query parameters have default \"my, team\", which is not one of their enum values (my, team)", fixConfluenceV2LabelPrefixDefault},
	{specAdmin, "the stored copy was re-serialized with an added top-level '_meta' key (see SOURCES.md), which is not an OpenAPI field", fixAdminMeta},
	{specAdmin, "v2 group create/delete, membership and role assign/revoke document their errors without a body; the service sends Errors {\"errors\":[{id,status,code,title,detail}]}, and the gateway's 401, 429 and 503 a ProxyError {code,message} (gatewayAnswers)", fixAdminErrorBodies},
	{specConfluenceV1, "GET /group/by-id and GET /user/current document no 401, although like every authenticated operation they answer it to a missing or wrong credential: added with the v1 error body", fixConfluenceV1Undocumented401},
	{all, "429, 503 and 500 are not documented on most operations although any endpoint may answer them (reference §1.10, §2.11, §3.10): added where omitted, by the one rule of gatewayAnswers (gateway.go) that the validator applies too", fixRateLimitResponses},
}

const all = "*"

type specDefect struct {
	specs  string // comma-separated spec names, or all
	defect string // what is wrong and why the patch is right
	fix    func(name string, doc *openapi3.T) error
}

func (d specDefect) appliesTo(name string) bool {
	return d.specs == all || slices.Contains(strings.Split(d.specs, ","), name)
}

// KnownSpecDefects returns "spec: defect" lines, for reports.
func KnownSpecDefects() []string {
	out := make([]string, 0, len(knownSpecDefects))
	for _, d := range knownSpecDefects {
		out = append(out, d.specs+": "+d.defect)
	}
	return out
}

func applyOverlay(name string, doc *openapi3.T) error {
	for _, d := range knownSpecDefects {
		if !d.appliesTo(name) {
			continue
		}
		if err := d.fix(name, doc); err != nil {
			return fmt.Errorf("overlay %q on %s: %w", d.defect, name, err)
		}
	}
	return nil
}

// schemaJSON parses an inline JSON schema literal.
func schemaJSON(s string) *openapi3.SchemaRef {
	var sc openapi3.Schema
	if err := json.Unmarshal([]byte(s), &sc); err != nil {
		panic(fmt.Sprintf("contract: bad schema literal: %v", err))
	}
	return &openapi3.SchemaRef{Value: &sc}
}

func componentSchema(doc *openapi3.T, name string) (*openapi3.Schema, error) {
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("schema %s not found", name)
	}
	return ref.Value, nil
}

func componentRef(doc *openapi3.T, name string) *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: doc.Components.Schemas[name].Value}
}

func property(s *openapi3.Schema, name string) (*openapi3.Schema, error) {
	p := s.Properties[name]
	if p == nil || p.Value == nil {
		return nil, fmt.Errorf("property %s not found", name)
	}
	return p.Value, nil
}

func operation(doc *openapi3.T, path, method string) (*openapi3.Operation, error) {
	item := doc.Paths.Value(path)
	if item == nil {
		return nil, fmt.Errorf("path %s not found", path)
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil, fmt.Errorf("%s %s not found", method, path)
	}
	return op, nil
}

// eachOperation visits every operation with its path.
func eachOperation(doc *openapi3.T, f func(path, method string, item *openapi3.PathItem, op *openapi3.Operation) error) error {
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		methods := make([]string, 0)
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, m := range methods {
			if err := f(path, m, item, item.GetOperation(m)); err != nil {
				return err
			}
		}
	}
	return nil
}

func fixServers(name string, doc *openapi3.T) error {
	doc.Servers = openapi3.Servers{{URL: specByName(name).server}}
	for _, path := range doc.Paths.InMatchingOrder() {
		doc.Paths.Value(path).Servers = nil
	}
	return nil
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

func mergeConflictingPaths(_ string, doc *openapi3.T) error {
	groups := map[string][]string{}
	for _, p := range doc.Paths.InMatchingOrder() {
		key := pathParam.ReplaceAllString(p, "{}")
		groups[key] = append(groups[key], p)
	}
	merged := 0
	for _, paths := range groups {
		if len(paths) < 2 {
			continue
		}
		slices.Sort(paths)
		keep := doc.Paths.Value(paths[0])
		keepNames := pathParam.FindAllString(paths[0], -1)
		for _, other := range paths[1:] {
			item := doc.Paths.Value(other)
			otherNames := pathParam.FindAllString(other, -1)
			rename := map[string]string{}
			for i, n := range otherNames {
				rename[strings.Trim(n, "{}")] = strings.Trim(keepNames[i], "{}")
			}
			renameParams := func(params openapi3.Parameters) openapi3.Parameters {
				out := make(openapi3.Parameters, 0, len(params))
				for _, p := range params {
					if p.Value != nil && p.Value.In == openapi3.ParameterInPath && rename[p.Value.Name] != "" {
						c := *p.Value
						c.Name = rename[p.Value.Name]
						out = append(out, &openapi3.ParameterRef{Value: &c})
						continue
					}
					out = append(out, p)
				}
				return out
			}
			for m, op := range item.Operations() {
				if keep.GetOperation(m) != nil {
					return fmt.Errorf("%s %s and %s both define %s", paths[0], other, paths[0], m)
				}
				op.Parameters = append(renameParams(item.Parameters), renameParams(op.Parameters)...)
				keep.SetOperation(m, op)
			}
			doc.Paths.Delete(other)
			merged++
		}
	}
	if merged == 0 {
		return fmt.Errorf("no conflicting paths left")
	}
	return nil
}

func fixSCIMPatchOperations(_ string, doc *openapi3.T) error {
	s, err := componentSchema(doc, "RequestPayloadToPatch")
	if err != nil {
		return err
	}
	ops := s.Properties["operations"]
	if ops == nil {
		return fmt.Errorf("property operations not found")
	}
	delete(s.Properties, "operations")
	s.Properties["Operations"] = ops
	s.Required = append(s.Required, "Operations")
	return nil
}

func fixSCIMPatchValue(_ string, doc *openapi3.T) error {
	s, err := componentSchema(doc, "OperationForAScimPatch")
	if err != nil {
		return err
	}
	if _, err := property(s, "value"); err != nil {
		return err
	}
	s.Properties["value"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Nullable: true}}
	return nil
}

func fixSCIMResourceType(_ string, doc *openapi3.T) error {
	s, err := componentSchema(doc, "ScimMetadata")
	if err != nil {
		return err
	}
	rt, err := property(s, "resourceType")
	if err != nil {
		return err
	}
	rt.Enum = append(rt.Enum, "User", "Group")
	return nil
}

const (
	scimListSchema = `{"type":"object","required":["schemas","totalResults","Resources"],"properties":{
		"schemas":{"type":"array","items":{"type":"string","enum":["urn:ietf:params:scim:api:messages:2.0:ListResponse"]}},
		"totalResults":{"type":"integer"},"startIndex":{"type":"integer"},"itemsPerPage":{"type":"integer"},
		"Resources":{"type":"array","items":%s}}}`
	scimResourceTypeSchema = `{"type":"object","required":["schemas","name","endpoint","schema"],"properties":{
		"schemas":{"type":"array","items":{"type":"string"}},"id":{"type":"string"},"name":{"type":"string"},
		"endpoint":{"type":"string"},"description":{"type":"string"},"schema":{"type":"string"},
		"schemaExtensions":{"type":"array","items":{"type":"object","required":["schema","required"],
			"properties":{"schema":{"type":"string"},"required":{"type":"boolean"}}}}}}`
	scimSchemaSchema = `{"type":"object","required":["schemas","id","attributes"],"properties":{
		"schemas":{"type":"array","items":{"type":"string"}},"id":{"type":"string"},"name":{"type":"string"},
		"description":{"type":"string"},"attributes":{"type":"array","items":{"type":"object","required":["name","type"],
			"properties":{"name":{"type":"string"},"type":{"type":"string","enum":["string","boolean","decimal","integer","dateTime","binary","reference","complex"]},
			"multiValued":{"type":"boolean"},"required":{"type":"boolean"},"caseExact":{"type":"boolean"},
			"mutability":{"type":"string","enum":["readOnly","readWrite","immutable","writeOnly"]},
			"returned":{"type":"string","enum":["always","never","default","request"]},
			"uniqueness":{"type":"string","enum":["none","server","global"]}}}}}}`
	scimServiceProviderConfigSchema = `{"type":"object","required":["schemas","patch","bulk","filter","changePassword","sort","etag","authenticationSchemes"],"properties":{
		"schemas":{"type":"array","items":{"type":"string","enum":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]}},
		"documentationUri":{"type":"string"},
		"patch":{"$ref":"#/components/schemas/ScimSupported"},
		"bulk":{"type":"object","required":["supported","maxOperations","maxPayloadSize"],"properties":{"supported":{"type":"boolean"},"maxOperations":{"type":"integer"},"maxPayloadSize":{"type":"integer"}}},
		"filter":{"type":"object","required":["supported","maxResults"],"properties":{"supported":{"type":"boolean"},"maxResults":{"type":"integer"}}},
		"changePassword":{"$ref":"#/components/schemas/ScimSupported"},
		"sort":{"$ref":"#/components/schemas/ScimSupported"},
		"etag":{"$ref":"#/components/schemas/ScimSupported"},
		"authenticationSchemes":{"type":"array","items":{"type":"object","required":["type","name","description"],"properties":{
			"type":{"type":"string"},"name":{"type":"string"},"description":{"type":"string"},"specUri":{"type":"string"},"documentationUri":{"type":"string"},"primary":{"type":"boolean"}}}}}}`
	scimSupportedSchema = `{"type":"object","required":["supported"],"properties":{"supported":{"type":"boolean"}}}`
)

func fixSCIMDiscovery(_ string, doc *openapi3.T) error {
	doc.Components.Schemas["ScimSupported"] = schemaJSON(scimSupportedSchema)
	spc := schemaJSON(scimServiceProviderConfigSchema)
	for _, name := range []string{"patch", "changePassword", "sort", "etag"} {
		spc.Value.Properties[name] = componentRef(doc, "ScimSupported")
	}
	doc.Components.Schemas["ScimServiceProviderConfig"] = spc
	doc.Components.Schemas["ScimResourceType"] = schemaJSON(scimResourceTypeSchema)
	doc.Components.Schemas["ScimSchema"] = schemaJSON(scimSchemaSchema)
	doc.Components.Schemas["ScimResourceTypeList"] = schemaJSON(fmt.Sprintf(scimListSchema, scimResourceTypeSchema))
	doc.Components.Schemas["ScimSchemaList"] = schemaJSON(fmt.Sprintf(scimListSchema, scimSchemaSchema))

	const p = "/scim/directory/{directoryId}"
	targets := map[string]string{
		p + "/ServiceProviderConfig": "ScimServiceProviderConfig",
		p + "/ResourceTypes":         "ScimResourceTypeList",
		p + "/ResourceTypes/User":    "ScimResourceType",
		p + "/ResourceTypes/Group":   "ScimResourceType",
		p + "/Schemas":               "ScimSchemaList",
		p + "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User":                 "ScimSchema",
		p + "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group":                "ScimSchema",
		p + "/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "ScimSchema",
	}
	for path, schema := range targets {
		op, err := operation(doc, path, "GET")
		if err != nil {
			return err
		}
		resp := op.Responses.Value("200")
		if resp == nil || resp.Value == nil || len(resp.Value.Content) == 0 {
			return fmt.Errorf("GET %s has no 200 body", path)
		}
		for _, mt := range resp.Value.Content {
			if mt.Schema == nil || mt.Schema.Value == nil || !mt.Schema.Value.Type.Is("string") {
				return fmt.Errorf("GET %s 200 is no longer typed string", path)
			}
			mt.Schema = componentRef(doc, schema)
		}
	}
	return nil
}

func fixSCIMReadOnly(_ string, doc *openapi3.T) error {
	targets := map[string][]string{
		"ScimUser":                {"schemas", "externalId", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
		"EnterpriseUserExtension": {"organization", "department"},
		"ScimGroup":               {"schemas", "externalId", "members"},
		"ScimGroupMember":         {"value", "display"},
	}
	for name, props := range targets {
		s, err := componentSchema(doc, name)
		if err != nil {
			return err
		}
		for _, p := range props {
			ps, err := property(s, p)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if !ps.ReadOnly {
				return fmt.Errorf("%s.%s is no longer readOnly", name, p)
			}
			ps.ReadOnly = false
		}
	}
	return nil
}

func fixSCIMUserUpdateConflict(_ string, doc *openapi3.T) error {
	post, err := operation(doc, "/scim/directory/{directoryId}/Users", "POST")
	if err != nil {
		return err
	}
	conflict := post.Responses.Value("409")
	if conflict == nil {
		return fmt.Errorf("POST /Users has no 409")
	}
	for _, m := range []string{"PUT", "PATCH"} {
		op, err := operation(doc, "/scim/directory/{directoryId}/Users/{userId}", m)
		if err != nil {
			return err
		}
		if op.Responses.Value("409") != nil {
			return fmt.Errorf("%s /Users/{userId} documents 409 now", m)
		}
		op.Responses.Set("409", conflict)
	}
	return nil
}

const (
	v2ErrorsSchema = `{"type":"object","required":["errors"],"properties":{"errors":{"type":"array","items":{
		"type":"object","required":["status","code","title"],"properties":{
		"status":{"type":"integer"},"code":{"type":"string"},"title":{"type":"string"},"detail":{"type":"string","nullable":true}}}}}}`
	v1ErrorSchema = `{"type":"object","required":["statusCode","message"],"properties":{
		"statusCode":{"type":"integer"},"message":{"type":"string"},"reason":{"type":"string"},
		"data":{"type":"object","properties":{"authorized":{"type":"boolean"},"valid":{"type":"boolean"},"successful":{"type":"boolean"},
			"errors":{"type":"array","items":{"type":"object"}}}}}}`
)

// fillErrorBodies gives every documented 4xx/5xx without a body the named error schema.
func fillErrorBodies(doc *openapi3.T, name, literal string) error {
	doc.Components.Schemas[name] = schemaJSON(literal)
	filled := 0
	err := eachOperation(doc, func(_, _ string, _ *openapi3.PathItem, op *openapi3.Operation) error {
		for code, resp := range op.Responses.Map() {
			if (strings.HasPrefix(code, "4") || strings.HasPrefix(code, "5")) && resp.Value != nil && len(resp.Value.Content) == 0 {
				// Copy: responses may be shared components.
				c := *resp.Value
				c.Content = openapi3.NewContentWithJSONSchemaRef(componentRef(doc, name))
				op.Responses.Set(code, &openapi3.ResponseRef{Value: &c})
				filled++
			}
		}
		return nil
	})
	if err == nil && filled == 0 {
		err = fmt.Errorf("no error response without a body left")
	}
	return err
}

func fixConfluenceV2ErrorBodies(_ string, doc *openapi3.T) error {
	return fillErrorBodies(doc, "EmulatorV2Errors", v2ErrorsSchema)
}

func fixConfluenceV1ErrorBodies(_ string, doc *openapi3.T) error {
	return fillErrorBodies(doc, "EmulatorV1Error", v1ErrorSchema)
}

func fixConfluenceV2PathIDs(_ string, doc *openapi3.T) error {
	fixed := 0
	retype := func(params openapi3.Parameters) {
		for _, p := range params {
			if p.Value == nil || p.Value.In != openapi3.ParameterInPath || p.Value.Schema == nil || p.Value.Schema.Value == nil {
				continue
			}
			if p.Value.Schema.Value.Type.Is("integer") {
				p.Value.Schema = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: "^[0-9A-Za-z_-]+$"}}
				fixed++
			}
		}
	}
	_ = eachOperation(doc, func(_, _ string, item *openapi3.PathItem, op *openapi3.Operation) error {
		retype(item.Parameters)
		retype(op.Parameters)
		return nil
	})
	if fixed == 0 {
		return fmt.Errorf("no integer path parameter left")
	}
	return nil
}

func fixConfluenceV2CommaLists(_ string, doc *openapi3.T) error {
	fixed := 0
	no := false
	visit := func(params openapi3.Parameters) {
		for _, p := range params {
			v := p.Value
			if v == nil || v.In != openapi3.ParameterInQuery || v.Schema == nil || v.Schema.Value == nil || !v.Schema.Value.Type.Is("array") {
				continue
			}
			d := strings.ToLower(v.Description)
			if (strings.Contains(d, "comma-separated") || strings.Contains(d, "comma separated")) && v.Explode == nil {
				v.Explode = &no
				fixed++
			}
		}
	}
	_ = eachOperation(doc, func(_, _ string, item *openapi3.PathItem, op *openapi3.Operation) error {
		visit(item.Parameters)
		visit(op.Parameters)
		return nil
	})
	if fixed == 0 {
		return fmt.Errorf("no comma-separated list parameter left")
	}
	return nil
}

func fixConfluenceV2LabelPrefixDefault(_ string, doc *openapi3.T) error {
	fixed := 0
	visit := func(params openapi3.Parameters) {
		for _, p := range params {
			if p.Value == nil || p.Value.Name != "prefix" || p.Value.Schema == nil || p.Value.Schema.Value == nil {
				continue
			}
			s := p.Value.Schema.Value
			if s.Default == nil || len(s.Enum) == 0 || slices.Contains(s.Enum, s.Default) {
				continue
			}
			c := *s
			c.Default = nil
			pc := *p.Value
			pc.Schema = &openapi3.SchemaRef{Value: &c}
			p.Value = &pc
			fixed++
		}
	}
	_ = eachOperation(doc, func(_, _ string, item *openapi3.PathItem, op *openapi3.Operation) error {
		visit(item.Parameters)
		visit(op.Parameters)
		return nil
	})
	if fixed == 0 {
		return fmt.Errorf("no prefix parameter with an invalid default left")
	}
	return nil
}

func fixAdminMeta(_ string, doc *openapi3.T) error {
	if _, ok := doc.Extensions["_meta"]; !ok {
		return fmt.Errorf("no _meta key")
	}
	delete(doc.Extensions, "_meta")
	return nil
}

func fixAdminErrorBodies(_ string, doc *openapi3.T) error {
	for _, name := range []string{"Errors", "ProxyError"} {
		if doc.Components.Schemas[name] == nil {
			return fmt.Errorf("schema %s not found", name)
		}
	}
	filled := 0
	err := eachOperation(doc, func(path, _ string, _ *openapi3.PathItem, op *openapi3.Operation) error {
		if !strings.HasPrefix(path, "/v2/") {
			return nil
		}
		for code, resp := range op.Responses.Map() {
			if (!strings.HasPrefix(code, "4") && !strings.HasPrefix(code, "5")) || resp.Value == nil || len(resp.Value.Content) > 0 {
				continue
			}
			schema := "Errors"
			if gatewayProxyStatus(code) { // the gateway's answers: one rule, gatewayAnswers
				schema = "ProxyError"
			}
			c := *resp.Value // responses may be shared components
			c.Content = openapi3.NewContentWithJSONSchemaRef(componentRef(doc, schema))
			op.Responses.Set(code, &openapi3.ResponseRef{Value: &c})
			filled++
		}
		return nil
	})
	if err == nil && filled == 0 {
		err = fmt.Errorf("no v2 error response without a body left")
	}
	return err
}

func fixConfluenceV1Undocumented401(_ string, doc *openapi3.T) error {
	for _, path := range []string{"/wiki/rest/api/group/by-id", "/wiki/rest/api/user/current", "/wiki/rest/api/user/bulk"} {
		op, err := operation(doc, path, "GET")
		if err != nil {
			return err
		}
		if op.Responses.Value("401") != nil {
			return fmt.Errorf("GET %s documents 401 now", path)
		}
		desc := "Missing or wrong credential (emulator overlay)"
		op.Responses.Set("401", &openapi3.ResponseRef{Value: &openapi3.Response{
			Description: &desc, Content: openapi3.NewContentWithJSONSchemaRef(componentRef(doc, "EmulatorV1Error")),
		}})
	}
	return nil
}

// errorSchemaFor names the error body each API sends for gateway errors.
func errorSchemaFor(name string, doc *openapi3.T) (*openapi3.SchemaRef, []string, error) {
	switch name {
	case specSCIM:
		return componentRef(doc, "ScimError"), []string{"application/json", "application/scim+json"}, nil
	case specAdmin:
		if doc.Components.Schemas["ProxyError"] == nil {
			return nil, nil, fmt.Errorf("schema ProxyError not found")
		}
		return componentRef(doc, "ProxyError"), []string{"application/json"}, nil
	case specConfluenceV1:
		return componentRef(doc, "EmulatorV1Error"), []string{"application/json"}, nil
	default:
		return componentRef(doc, "EmulatorV2Errors"), []string{"application/json"}, nil
	}
}
