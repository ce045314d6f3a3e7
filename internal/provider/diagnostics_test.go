package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// A create whose answer was lost ends in one of four messages; each says what happened and what to do.
func TestAddCreateError(t *testing.T) {
	t.Parallel()
	lost := &transport.AmbiguousError{Err: &transport.Error{API: transport.SCIM, Method: "POST", Path: "/Users", StatusCode: 503}}
	tests := map[string]struct {
		err     error
		summary string
		detail  []string
	}{
		"mismatch": {
			err:     &transport.MismatchError{What: `SCIM user "jane"`, Found: `its email is "x@y"`, ID: "u-1", Err: lost},
			summary: "Could not create",
			detail:  []string{`its email is "x@y"`, "import {\n    to = confluence_scim_user.<name>\n    id = \"u-1\"", "for_each", "Recovering from an interrupted apply"},
		},
		"interrupted, saved": {
			err:     &transport.InterruptedError{What: `SCIM user "jane"`, Saved: true, Err: context.Canceled},
			summary: "Could not create: interrupted",
			detail:  []string{`SCIM user "jane" had been created`, "saved to the state"},
		},
		"interrupted, nothing made": {
			err:     &transport.InterruptedError{What: `SCIM user "jane"`, Err: context.Canceled},
			summary: "Could not create: interrupted",
			detail:  []string{"nothing was created", "run the command again"},
		},
		"still ambiguous": {
			err:     lost,
			summary: "Could not create",
			detail:  []string{"503", "may have been applied", "Run the command again"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			addCreateError(&diags, "confluence_scim_user", "Could not create", tt.err)
			if len(diags) != 1 || diags[0].Summary() != tt.summary {
				t.Fatalf("diagnostics %v, want one summarised %q", diags, tt.summary)
			}
			for _, want := range tt.detail {
				if !strings.Contains(diags[0].Detail(), want) {
					t.Errorf("detail %q does not say %q", diags[0].Detail(), want)
				}
			}
		})
	}
}

// The warning appears only when something was adopted, and names it.
func TestWatchAdoptions(t *testing.T) {
	t.Parallel()
	var quiet diag.Diagnostics
	_, warn := watchAdoptions(context.Background(), &quiet)
	warn()
	if len(quiet) != 0 {
		t.Fatalf("warned with nothing adopted: %v", quiet)
	}

	var diags diag.Diagnostics
	ctx, warn := watchAdoptions(context.Background(), &diags)
	_, err := transport.Settle(ctx, transport.Write[string]{
		What: `SCIM group "eng"`,
		Send: func(context.Context) (string, error) {
			return "", &transport.AmbiguousError{Err: errors.New("connection reset")}
		},
		Find:    func(context.Context) (string, bool, error) { return "g-1", true, nil },
		Differs: func(string) string { return "" },
		ID:      func(id string) string { return id },
	})
	if err != nil {
		t.Fatal(err)
	}
	warn()
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), `SCIM group "eng"`) {
		t.Fatalf("diagnostics %v, want one warning naming the group", diags)
	}
}
