package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// The words of each kind of change, as the plan warning shows them.
func TestAccessDeltas(t *testing.T) {
	t.Parallel()
	team := confluence.Principal{Type: "group", ID: "t"}
	contractor := confluence.Principal{Type: "user", ID: "c"}
	before := map[confluence.Principal][]string{
		team:       {"read/space", "create/page", "create/comment"},
		contractor: {"read/space", "create/page", "export/space", "delete/page"},
	}
	after := map[confluence.Principal][]string{team: {"read/space", "create/page", "create/blogpost"}}
	var got []string
	for _, d := range classicDeltas(before, after, true) {
		got = append(got, d.principal.String()+" "+d.describe())
	}
	slices.Sort(got)
	want := []string{
		"group/t gains create/blogpost and loses create/comment",
		"user/c loses all access (read/space and 3 more)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if d := classicDeltas(before, after, false); len(d) != 1 {
		t.Fatalf("a partial change judged %d principals, want only the one it names", len(d))
	}
	roles := roleDeltas([]access.Assignment{{Principal: team, RoleID: "r1"}, {Principal: contractor, RoleID: "r2"}},
		map[confluence.Principal]string{team: "r3"}, map[string]string{"r1": "Viewer", "r2": "Editor", "r3": "Admin"})
	var words []string
	for _, d := range roles {
		words = append(words, d.describe())
	}
	slices.Sort(words)
	if strings.Join(words, "; ") != "changes role from Viewer to Admin; loses role Editor" {
		t.Fatalf("role changes %q", words)
	}
}
