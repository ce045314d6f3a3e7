package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Small helpers on plain values and framework values that several resources share.

// stringSet is values as a set of strings.
func stringSet(values []string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// setStrings is a set of strings as a sorted slice; nil when the set is null or unknown.
func setStrings(ctx context.Context, s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	s.ElementsAs(ctx, &out, false)
	slices.Sort(out)
	return out
}

// knownStrings returns the elements of a set, unless one of them is unknown.
func knownStrings(ctx context.Context, s types.Set) ([]string, bool) {
	for _, e := range s.Elements() {
		if e.IsUnknown() {
			return nil, false
		}
	}
	return setStrings(ctx, s), true
}

// knownStr reports whether a string is set: neither null nor unknown.
func knownStr(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// markdownList is items as code spans separated by commas, for schema descriptions.
func markdownList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = "`" + s + "`"
	}
	return strings.Join(quoted, ", ")
}

// plural is "1 request" or "n requests".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// diff returns what want holds that current lacks (add) and what current holds that want lacks (remove), each
// sorted: the writes that turn one set of ids into the other.
func diff(current, want []string) (add, remove []string) {
	add, remove = access.Difference(want, current), access.Difference(current, want)
	slices.Sort(add)
	slices.Sort(remove)
	return add, remove
}

// nullIfEmpty is s, or null for an empty value, which the APIs leave out.
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
