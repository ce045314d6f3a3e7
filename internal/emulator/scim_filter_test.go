package emulator

import (
	"encoding/json"
	"testing"
)

func TestParseListFilter(t *testing.T) {
	cases := []struct {
		in, attr, value string
		ok              bool
	}{
		{`userName eq "a@b.c"`, "userName", "a@b.c", true},
		{`  username   EQ   "x"  `, "userName", "x", true},
		{`userName eq"no-space"`, "userName", "no-space", true}, // RFC 7644's own example spacing
		{`userName eq "quote \" and backslash \\ and unicode \u00e9"`, "userName", `quote " and backslash \ and unicode é`, true},
		{`externalId eq "00u1"`, "externalId", "00u1", true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`, "userName", "x", true},
		{`userName eq true`, "", "", false},
		{`userName eq "x" or userName eq "y"`, "", "", false},
		{`userName ne "x"`, "", "", false},
		{`emails.value eq "x"`, "", "", false},
		{`userName eq "x`, "", "", false},
		{`userName eq "\x"`, "", "", false},
		{`userName`, "", "", false},
		{``, "", "", false},
	}
	for _, c := range cases {
		f, err := parseListFilter(c.in, "userName", "externalId")
		if (err == nil) != c.ok {
			t.Errorf("parseListFilter(%q) error = %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if c.ok && (f.attr != c.attr || f.value != c.value) {
			t.Errorf("parseListFilter(%q) = %+v, want %s=%q", c.in, f, c.attr, c.value)
		}
	}
}

// FuzzListFilterRoundTrip checks that any string, quoted the RFC 7644 way (a JSON string), filters
// back to itself, and that no input panics the parser.
func FuzzListFilterRoundTrip(f *testing.F) {
	for _, s := range []string{"", "plain", `quo"te`, `back\slash`, "tab\tnew\nline", "ünï", "]) and (", `\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := json.Marshal(s)
		if err != nil {
			t.Skip()
		}
		var want string
		if json.Unmarshal(q, &want) != nil {
			t.Skip()
		}
		got, err := parseListFilter("userName eq "+string(q), "userName")
		if err != nil {
			t.Fatalf("quoted %q: %v", s, err)
		}
		if got.value != want {
			t.Fatalf("round trip of %q gave %q", want, got.value)
		}
		_, _ = parseListFilter(s, "userName")
		_, _ = parsePatchPath(userAttrs, s)
		_, _ = parsePatchPath(groupAttrs, "members["+s+"]")
	})
}

func TestParsePatchPath(t *testing.T) {
	cases := []struct {
		defs        []attrDef
		in          string
		attr, sub   string
		filterAttr  string
		filterValue any
		errType     string
	}{
		{userAttrs, "title", "title", "", "", nil, ""},
		{userAttrs, "NAME.givenname", "name", "givenName", "", nil, ""},
		{userAttrs, `emails[type eq "work"].value`, "emails", "value", "type", "work", ""},
		{userAttrs, `emails[primary eq true]`, "emails", "", "primary", true, ""},
		{userAttrs, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", schemaEnterprise, "department", "", nil, ""},
		{userAttrs, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", schemaEnterprise, "", "", nil, ""},
		{userAttrs, "urn:ietf:params:scim:schemas:core:2.0:User:nickName", "nickName", "", "", nil, ""},
		{groupAttrs, `members[value eq "2819c223-7f76"]`, "members", "", "value", "2819c223-7f76", ""},
		{groupAttrs, `members[value eq "a]b"]`, "members", "", "value", "a]b", ""},
		{userAttrs, "meta.created", "", "", "", nil, "mutability"},
		{userAttrs, "shoeSize", "", "", "", nil, "invalidPath"},
		{userAttrs, "title.sub", "", "", "", nil, "invalidPath"},
		{userAttrs, "name[givenName eq \"x\"]", "", "", "", nil, "invalidPath"},
		{userAttrs, `emails[type co "w"]`, "", "", "", nil, "invalidFilter"},
		{userAttrs, `emails[type eq "w"`, "", "", "", nil, "invalidPath"},
		{groupAttrs, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "", "", "", nil, "invalidPath"},
	}
	for _, c := range cases {
		pp, err := parsePatchPath(c.defs, c.in)
		if c.errType != "" {
			if err == nil || err.scimType != c.errType {
				t.Errorf("parsePatchPath(%q) = %+v, %v; want error %s", c.in, pp, err, c.errType)
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePatchPath(%q): %v", c.in, err)
			continue
		}
		if pp.attr.name != c.attr || pp.sub != c.sub {
			t.Errorf("parsePatchPath(%q) = %s.%s, want %s.%s", c.in, pp.attr.name, pp.sub, c.attr, c.sub)
		}
		if c.filterAttr == "" {
			if pp.filter != nil {
				t.Errorf("parsePatchPath(%q) has filter %+v", c.in, pp.filter)
			}
		} else if pp.filter == nil || pp.filter.attr != c.filterAttr || pp.filter.value != c.filterValue {
			t.Errorf("parsePatchPath(%q) filter = %+v, want %s=%v", c.in, pp.filter, c.filterAttr, c.filterValue)
		}
	}
}
