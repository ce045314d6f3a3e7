package customtypes

import (
	"context"
	"testing"
)

func TestCaseInsensitiveStringSemanticEquals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want bool
	}{
		{"Jane.Doe@Example.com", "jane.doe@example.com", true},
		{"jane", "jane", true},
		{"jane", "janet", false},
		{"ÉRIC@example.com", "éric@example.com", true},
	}
	for _, c := range cases {
		got, diags := NewCaseInsensitiveString(c.a).StringSemanticEquals(context.Background(), NewCaseInsensitiveString(c.b))
		if diags.HasError() || got != c.want {
			t.Errorf("%q vs %q: got %v (%v), want %v", c.a, c.b, got, diags, c.want)
		}
	}
	if NewCaseInsensitiveString("A").Equal(NewCaseInsensitiveString("a")) {
		t.Error("Equal must stay exact; only semantic equality ignores case")
	}
}
