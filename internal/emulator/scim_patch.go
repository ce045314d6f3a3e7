package emulator

import (
	"net/http"
	"strings"
)

// SCIM PATCH (RFC 7644 §3.5.2) applied to a canonical resource document. The patched document is
// then parsed like a PUT body, so a PATCH can never store what a PUT would reject, and a failing
// operation leaves the stored resource untouched.

type patchOp struct {
	op       string // add | replace | remove
	path     string
	value    any
	hasValue bool
}

// parsePatchBody reads a PatchOp message. "Operations" is matched case-insensitively because the
// Atlassian spec names it "operations" while RFC 7644 and the live service use "Operations".
func parsePatchBody(body map[string]any) ([]patchOp, *scimError) {
	var schemas, rawOps any
	for k, v := range body {
		switch strings.ToLower(k) {
		case "schemas":
			schemas = v
		case "operations":
			rawOps = v
		}
	}
	okSchema := false
	if list, ok := schemas.([]any); ok {
		for _, s := range list {
			if str, _ := s.(string); strings.EqualFold(str, schemaPatchOp) {
				okSchema = true
			}
		}
	}
	if !okSchema {
		return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "The request must carry the schema %s.", schemaPatchOp)
	}
	list, ok := rawOps.([]any)
	if !ok || len(list) == 0 {
		return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "The request must carry a non-empty 'Operations' array.")
	}
	ops := make([]patchOp, 0, len(list))
	for _, raw := range list {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "Each operation must be an object.")
		}
		var op patchOp
		for k, v := range m {
			switch strings.ToLower(k) {
			case "op":
				s, _ := v.(string)
				op.op = strings.ToLower(s)
			case "path":
				s, ok := v.(string)
				if !ok {
					return nil, scimErr(http.StatusBadRequest, "invalidPath", "'path' must be a string.")
				}
				op.path = strings.TrimSpace(s)
			case "value":
				op.value, op.hasValue = v, true
			}
		}
		switch op.op {
		case "add", "replace", "remove":
		default:
			return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "Unsupported operation %q; use add, replace or remove.", op.op)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

type patchPath struct {
	attr   attrDef
	sub    string
	filter *comparison // filter.attr is a canonical sub-attribute name
}

func parsePatchPath(defs []attrDef, p string) (patchPath, *scimError) {
	var pp patchPath
	rest := p
	if ext, attr, ok := splitExtensionAttr(p); ok {
		d, found := lookupAttr(defs, ext)
		if !found {
			return pp, scimErr(http.StatusBadRequest, "invalidPath", "Attribute '%s' is not supported.", p)
		}
		pp.attr = d
		sub, ok := canonicalSub(d, attr)
		if !ok {
			return pp, scimErr(http.StatusBadRequest, "invalidPath", "Attribute '%s' is not supported.", p)
		}
		pp.sub = sub
		return pp, nil
	}
	if !strings.EqualFold(rest, schemaEnterprise) {
		rest = stripCoreURN(rest)
	}
	name := rest
	var filterText, subText string
	if i := strings.IndexAny(rest, "[."); i >= 0 && !strings.EqualFold(rest, schemaEnterprise) {
		name = rest[:i]
		tail := rest[i:]
		if tail[0] == '[' {
			end := closingBracket(tail)
			if end < 0 {
				return pp, scimErr(http.StatusBadRequest, "invalidPath", "Unbalanced '[' in path %q.", p)
			}
			filterText = tail[1:end]
			tail = tail[end+1:]
			if filterText == "" {
				return pp, scimErr(http.StatusBadRequest, "invalidPath", "Empty filter in path %q.", p)
			}
		}
		if tail != "" {
			if tail[0] != '.' || len(tail) == 1 {
				return pp, scimErr(http.StatusBadRequest, "invalidPath", "Invalid path %q.", p)
			}
			subText = tail[1:]
		}
	}
	d, ok := lookupAttr(defs, name)
	if !ok {
		return pp, scimErr(http.StatusBadRequest, "invalidPath", "Attribute '%s' is not supported.", name)
	}
	if d.readOnly {
		return pp, scimErr(http.StatusBadRequest, "mutability", "Attribute '%s' is read-only.", d.name)
	}
	pp.attr = d
	if subText != "" {
		if d.kind != kindComplex && d.kind != kindMulti {
			return pp, scimErr(http.StatusBadRequest, "invalidPath", "Attribute '%s' has no sub-attributes.", d.name)
		}
		sub, ok := canonicalSub(d, subText)
		if !ok {
			return pp, scimErr(http.StatusBadRequest, "invalidPath", "Attribute '%s.%s' is not supported.", d.name, subText)
		}
		pp.sub = sub
	}
	if filterText != "" {
		if d.kind != kindMulti {
			return pp, scimErr(http.StatusBadRequest, "invalidPath", "Attribute '%s' is not multi-valued.", d.name)
		}
		c, tail, err := parseComparison(filterText)
		if err != nil || strings.TrimSpace(tail) != "" {
			return pp, scimErr(http.StatusBadRequest, "invalidFilter", "Invalid value filter in path %q.", p)
		}
		sub, ok := canonicalSub(d, c.attr)
		if !ok {
			return pp, scimErr(http.StatusBadRequest, "invalidFilter", "Attribute '%s' cannot be filtered on '%s'.", d.name, c.attr)
		}
		c.attr = sub
		pp.filter = &c
	}
	return pp, nil
}

// closingBracket returns the index of the ']' closing s[0]=='[', skipping quoted strings.
func closingBracket(s string) int {
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch {
		case inQuote && s[i] == '\\':
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && s[i] == ']':
			return i
		}
	}
	return -1
}

// matches reports whether a multi-valued element satisfies a value filter. Ids (members.value)
// compare exactly; other strings (types, email addresses) case-insensitively, as their schemas say.
func (pp patchPath) matches(elem map[string]any) bool {
	want := pp.filter.value
	got := elem[pp.filter.attr]
	switch w := want.(type) {
	case string:
		g, ok := got.(string)
		if !ok {
			return false
		}
		if pp.attr.name == "members" && pp.filter.attr == "value" {
			return g == w
		}
		return strings.EqualFold(g, w)
	case nil:
		return got == nil
	default:
		return got == want
	}
}

func elements(doc map[string]any, key string) []map[string]any {
	list, _ := doc[key].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func setElements(doc map[string]any, key string, elems []map[string]any) {
	list := make([]any, 0, len(elems))
	for _, e := range elems {
		list = append(list, e)
	}
	doc[key] = list
}

// valueObjects normalises a PATCH value for a multi-valued attribute: a list of objects, or one
// object standing for a one-element list.
func valueObjects(d attrDef, v any) ([]map[string]any, *scimError) {
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		list = []any{x}
	default:
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "The value for '%s' must be an array of objects.", d.name)
	}
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "The value for '%s' must be an array of objects.", d.name)
		}
		cm := mergeComplex(d, nil, m)
		out = append(out, cm)
	}
	return out, nil
}

func sameElement(a, b map[string]any) bool {
	av, aok := a["value"].(string)
	bv, bok := b["value"].(string)
	return aok && bok && av == bv
}

// applyPatch applies ops to doc in order.
func applyPatch(defs []attrDef, doc map[string]any, ops []patchOp) *scimError {
	for _, op := range ops {
		if err := applyOp(defs, doc, op); err != nil {
			return err
		}
	}
	return nil
}

func applyOp(defs []attrDef, doc map[string]any, op patchOp) *scimError {
	if op.path == "" {
		if op.op == "remove" {
			return scimErr(http.StatusBadRequest, "noTarget", "A remove operation needs a 'path'.")
		}
		obj, ok := op.value.(map[string]any)
		if !ok {
			return scimErr(http.StatusBadRequest, "invalidValue", "Without a 'path' the value must be an object of attributes.")
		}
		for k, v := range obj {
			if d, found := lookupAttr(defs, k); found && d.readOnly {
				// Identity providers echo id/schemas in path-less values; they change nothing.
				continue
			}
			if err := applyOp(defs, doc, patchOp{op: op.op, path: k, value: v, hasValue: true}); err != nil {
				return err
			}
		}
		return nil
	}
	pp, err := parsePatchPath(defs, op.path)
	if err != nil {
		return err
	}
	if op.op == "remove" {
		return applyRemove(doc, pp, op)
	}
	if !op.hasValue {
		return scimErr(http.StatusBadRequest, "invalidValue", "Operation %q on '%s' needs a value.", op.op, op.path)
	}
	d := pp.attr
	switch {
	case pp.filter != nil:
		return applyFiltered(doc, pp, op)
	case pp.sub != "":
		if d.kind == kindMulti {
			for _, el := range elements(doc, d.name) {
				el[pp.sub] = op.value
			}
			return nil
		}
		m, _ := doc[d.name].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[pp.sub] = op.value
		doc[d.name] = m
		return nil
	case d.kind == kindComplex:
		obj, ok := op.value.(map[string]any)
		if !ok {
			if op.value == nil {
				delete(doc, d.name)
				return nil
			}
			return scimErr(http.StatusBadRequest, "invalidValue", "The value for '%s' must be an object.", d.name)
		}
		prev, _ := doc[d.name].(map[string]any)
		merged := mergeComplex(d, prev, obj)
		doc[d.name] = merged
		return nil
	case d.kind == kindMulti:
		if op.value == nil {
			delete(doc, d.name)
			return nil
		}
		vals, err := valueObjects(d, op.value)
		if err != nil {
			return err
		}
		if op.op == "replace" {
			setElements(doc, d.name, vals)
			return nil
		}
		cur := elements(doc, d.name)
		for _, v := range vals {
			if p, _ := v["primary"].(bool); p {
				for _, c := range cur {
					delete(c, "primary")
				}
			}
			dup := false
			for _, c := range cur {
				if sameElement(c, v) {
					dup = true
					for k, x := range v {
						c[k] = x
					}
				}
			}
			if !dup {
				cur = append(cur, v)
			}
		}
		setElements(doc, d.name, cur)
		return nil
	default:
		doc[d.name] = op.value
		return nil
	}
}

func applyFiltered(doc map[string]any, pp patchPath, op patchOp) *scimError {
	d := pp.attr
	cur := elements(doc, d.name)
	matched := 0
	for i, el := range cur {
		if !pp.matches(el) {
			continue
		}
		matched++
		if pp.sub != "" {
			el[pp.sub] = op.value
			continue
		}
		if op.op != "replace" {
			return scimErr(http.StatusBadRequest, "invalidPath", "A value filter without a sub-attribute needs 'replace' or 'remove'.")
		}
		obj, ok := op.value.(map[string]any)
		if !ok {
			return scimErr(http.StatusBadRequest, "invalidValue", "The value for '%s' must be an object.", op.path)
		}
		cur[i] = mergeComplex(d, nil, obj)
	}
	if matched == 0 {
		// Identity providers "add" emails[type eq "work"].value to create the value; a replace
		// that finds nothing is noTarget (RFC 7644 §3.5.2.3).
		if op.op == "add" && pp.sub != "" && pp.filter.value != nil {
			cur = append(cur, map[string]any{pp.filter.attr: pp.filter.value, pp.sub: op.value})
		} else {
			return scimErr(http.StatusBadRequest, "noTarget", "No value of '%s' matches %q.", d.name, op.path)
		}
	}
	setElements(doc, d.name, cur)
	return nil
}

func applyRemove(doc map[string]any, pp patchPath, op patchOp) *scimError {
	d := pp.attr
	switch {
	case pp.filter != nil:
		cur := elements(doc, d.name)
		kept := cur[:0]
		for _, el := range cur {
			switch {
			case !pp.matches(el):
				kept = append(kept, el)
			case pp.sub != "":
				delete(el, pp.sub)
				kept = append(kept, el)
			}
		}
		// A filter that matches nothing removes nothing (RFC 7644 §3.5.2.2).
		setElements(doc, d.name, kept)
	case pp.sub != "":
		if d.kind == kindMulti {
			for _, el := range elements(doc, d.name) {
				delete(el, pp.sub)
			}
		} else if m, ok := doc[d.name].(map[string]any); ok {
			delete(m, pp.sub)
		}
	case d.kind == kindMulti && op.hasValue && op.value != nil:
		// Remove the listed values only (the form Microsoft Entra sends for members).
		vals, err := valueObjects(d, op.value)
		if err != nil {
			return err
		}
		cur := elements(doc, d.name)
		kept := cur[:0]
		for _, el := range cur {
			drop := false
			for _, v := range vals {
				if sameElement(el, v) {
					drop = true
				}
			}
			if !drop {
				kept = append(kept, el)
			}
		}
		setElements(doc, d.name, kept)
	default:
		delete(doc, d.name)
	}
	return nil
}
