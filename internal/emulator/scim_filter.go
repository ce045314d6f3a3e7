package emulator

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// The Atlassian SCIM service supports a single "eq" comparison per filter. Comparison values follow
// RFC 7644 §3.4.2.2: JSON literals, so quoted strings carry JSON escapes (\" and \\ among them).

// comparison is one `attrPath eq compValue` expression.
type comparison struct {
	attr  string
	value any // string, bool, float64 or nil
}

var errUnsupportedOp = errors.New("only the 'eq' operator is supported")

func isAttrChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '$' || c == ':' || c == '.'
}

func skipSpace(s string) string { return strings.TrimLeft(s, " \t") }

// parseComparison reads one comparison from the start of s and returns what follows it.
func parseComparison(s string) (comparison, string, error) {
	s = skipSpace(s)
	i := 0
	for i < len(s) && isAttrChar(s[i]) {
		i++
	}
	if i == 0 {
		return comparison{}, "", errors.New("expected an attribute name")
	}
	c := comparison{attr: s[:i]}
	s = s[i:]
	if len(skipSpace(s)) == len(s) {
		return comparison{}, "", errors.New("expected a space after the attribute name")
	}
	s = skipSpace(s)
	i = 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	op := strings.ToLower(s[:i])
	s = s[i:]
	switch op {
	case "eq":
	case "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr":
		return comparison{}, "", errUnsupportedOp
	default:
		return comparison{}, "", errors.New("expected a comparison operator")
	}
	// RFC 7644's own examples omit the space before a quoted value (eq"…"), so it is optional.
	s = skipSpace(s)
	if s == "" {
		return comparison{}, "", errors.New("expected a comparison value")
	}
	if s[0] == '"' {
		end := -1
		for j := 1; j < len(s); j++ {
			if s[j] == '\\' {
				j++
				continue
			}
			if s[j] == '"' {
				end = j
				break
			}
		}
		if end < 0 {
			return comparison{}, "", errors.New("unterminated string")
		}
		var v string
		if err := json.Unmarshal([]byte(s[:end+1]), &v); err != nil {
			return comparison{}, "", errors.New("invalid string escape")
		}
		c.value = v
		return c, s[end+1:], nil
	}
	i = 0
	for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != ']' && s[i] != ')' {
		i++
	}
	lit := s[:i]
	switch lit {
	case "true":
		c.value = true
	case "false":
		c.value = false
	case "null":
		c.value = nil
	default:
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return comparison{}, "", errors.New("invalid comparison value " + strconv.Quote(lit))
		}
		c.value = f
	}
	return c, s[i:], nil
}

// stripCoreURN turns "urn:ietf:params:scim:schemas:core:2.0:User:userName" into "userName".
func stripCoreURN(attr string) string {
	for _, urn := range []string{schemaUser, schemaGroup} {
		if len(attr) > len(urn)+1 && strings.EqualFold(attr[:len(urn)], urn) && attr[len(urn)] == ':' {
			return attr[len(urn)+1:]
		}
	}
	return attr
}

// listFilter is a parsed list filter: the canonical attribute and the string it must equal.
type listFilter struct {
	attr  string
	value string
}

// parseListFilter parses a list filter that may only compare one of the allowed attributes to a
// string. The error text becomes the ScimError detail.
func parseListFilter(filter string, allowed ...string) (*listFilter, error) {
	c, rest, err := parseComparison(filter)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rest) != "" {
		return nil, errors.New("only a single 'eq' expression is supported")
	}
	attr := stripCoreURN(c.attr)
	canon := ""
	for _, a := range allowed {
		if strings.EqualFold(a, attr) {
			canon = a
		}
	}
	if canon == "" {
		return nil, errors.New("filtering is supported on " + strings.Join(allowed, ", ") + " only")
	}
	v, ok := c.value.(string)
	if !ok {
		return nil, errors.New("the comparison value must be a string")
	}
	return &listFilter{attr: canon, value: v}, nil
}
