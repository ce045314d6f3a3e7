package scim

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEq(t *testing.T) {
	t.Parallel()
	cases := []struct{ attr, value, want string }{
		{"userName", "jane.doe@example.com", `userName eq "jane.doe@example.com"`},
		{"displayName", `say "hi"`, `displayName eq "say \"hi\""`},
		{"userName", `back\slash`, `userName eq "back\\slash"`},
		{"displayName", "two words", `displayName eq "two words"`},
		{"externalId", "<&>", `externalId eq "<&>"`},
	}
	for _, c := range cases {
		if got := Eq(c.attr, c.value); got != c.want {
			t.Errorf("Eq(%q, %q) = %s, want %s", c.attr, c.value, got, c.want)
		}
	}
}

// FuzzEq checks that any value survives quoting: the quoted part decodes back to the input.
func FuzzEq(f *testing.F) {
	for _, s := range []string{"", "a", `"`, `\`, `\"`, "x y", "tab\there", "é", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if !utf8.ValidString(value) {
			t.Skip("Terraform strings are valid UTF-8")
		}
		filter := Eq("userName", value)
		quoted, ok := strings.CutPrefix(filter, "userName eq ")
		if !ok {
			t.Fatalf("filter %q lost its prefix", filter)
		}
		var back string
		if err := json.Unmarshal([]byte(quoted), &back); err != nil {
			t.Fatalf("quoted value %s is not a JSON string: %v", quoted, err)
		}
		if back != value {
			t.Fatalf("round trip of %q gave %q", value, back)
		}
	})
}
