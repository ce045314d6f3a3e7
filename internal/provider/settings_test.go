package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckURLs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		check func(string) error
		in    string
		want  string // substring of the error, "" for valid
	}{
		{"site https", checkSiteURL, "https://acme.atlassian.net", ""},
		{"site gateway", checkSiteURL, "https://api.atlassian.com/ex/confluence/1a2b", ""},
		{"site loopback http", checkSiteURL, "http://127.0.0.1:8080", ""},
		{"site localhost http", checkSiteURL, "http://localhost:8080", ""},
		{"site ipv6 loopback", checkSiteURL, "http://[::1]:8080", ""},
		{"site remote http", checkSiteURL, "http://acme.atlassian.net", "must use https://"},
		{"site no scheme", checkSiteURL, "acme.atlassian.net", "not an absolute URL"},
		{"site ftp", checkSiteURL, "ftp://acme.atlassian.net", "must use https://"},
		{"site query", checkSiteURL, "https://acme.atlassian.net?x=1", "query string"},
		{"admin default", checkAdminAPIURL, "https://api.atlassian.com", ""},
		{"scim ok", checkSCIMDirectoryURL, "https://api.atlassian.com/scim/directory/315e79ae-404a", ""},
		{"scim trailing slash", checkSCIMDirectoryURL, "https://api.atlassian.com/scim/directory/315e79ae/", ""},
		{"scim no directory", checkSCIMDirectoryURL, "https://api.atlassian.com/scim/315e79ae", "/scim/directory/<directoryId>"},
		{"scim deeper path", checkSCIMDirectoryURL, "https://api.atlassian.com/scim/directory/1/Users", "/scim/directory/<directoryId>"},
		{"scim http remote", checkSCIMDirectoryURL, "http://api.atlassian.com/scim/directory/1", "https://"},
		{"duration ok", checkPositiveDuration, "90s", ""},
		{"duration zero", checkPositiveDuration, "0s", "greater than zero"},
		{"duration negative", checkPositiveDuration, "-1m", "greater than zero"},
		{"duration no unit", checkPositiveDuration, "60", "not a duration"},
		{"expiry date", checkExpiry, "2027-01-31", ""},
		{"expiry date-time", checkExpiry, "2027-01-31T10:00:00+02:00", ""},
		{"expiry bad", checkExpiry, "31/01/2027", "RFC 3339"},
	}
	for _, c := range cases {
		err := c.check(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %q rejected: %v", c.name, c.in, err)
		case c.want != "" && err == nil:
			t.Errorf("%s: %q accepted, want error containing %q", c.name, c.in, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("%s: %q error %q does not contain %q", c.name, c.in, err, c.want)
		}
	}
}

func TestExpiryDiagnostic(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		expires  time.Time
		severity string
		detail   string
	}{
		{now.Add(-time.Hour), "error", "has passed"},
		{now.Add(10 * 24 * time.Hour), "warning", "10 day(s)"},
		{now.Add(30 * 24 * time.Hour), "warning", "30 day(s)"},
		{now.Add(31 * 24 * time.Hour), "", ""},
	}
	for _, c := range cases {
		severity, _, detail := expiryDiagnostic(c.expires, now)
		if severity != c.severity || !strings.Contains(detail, c.detail) {
			t.Errorf("expires %s: got %q %q, want %q containing %q", c.expires, severity, detail, c.severity, c.detail)
		}
	}
}

func TestResolveSettings(t *testing.T) {
	t.Parallel()
	empty := providerModel{
		SiteURL: types.StringNull(), Email: types.StringNull(), APIToken: types.StringNull(), BearerToken: types.StringNull(),
		OrganizationID: types.StringNull(), AdminAPIKey: types.StringNull(), AdminAPIURL: types.StringNull(),
		SCIMDirectoryURL: types.StringNull(), SCIMAPIKey: types.StringNull(), SCIMAPIKeyExpiresAt: types.StringNull(),
		MaxRetries: types.Int64Null(), RequestTimeout: types.StringNull(), ConsistencyTimeout: types.StringNull(), Parallelism: types.Int64Null(),
	}

	t.Run("defaults", func(t *testing.T) {
		s, diags := resolveSettings(empty, func(string) string { return "" })
		if diags.HasError() {
			t.Fatal(diags)
		}
		if s.adminAPIURL != defaultAdminAPIURL || s.maxRetries != defaultMaxRetries || s.parallelism != defaultParallelism ||
			s.requestTimeout != defaultRequestTimeout || s.consistencyTimeout != defaultConsistencyTimeout {
			t.Errorf("defaults not applied: %+v", s)
		}
	})

	t.Run("configuration wins over environment", func(t *testing.T) {
		m := empty
		m.SiteURL = types.StringValue("https://config.atlassian.net")
		m.MaxRetries = types.Int64Value(3)
		m.RequestTimeout = types.StringValue("5s")
		env := map[string]string{envSiteURL: "https://env.atlassian.net", envSCIMAPIKey: "from-env"}
		s, diags := resolveSettings(m, func(k string) string { return env[k] })
		if diags.HasError() {
			t.Fatal(diags)
		}
		if s.siteURL != "https://config.atlassian.net" || s.scimAPIKey != "from-env" || s.maxRetries != 3 || s.requestTimeout != 5*time.Second {
			t.Errorf("unexpected settings %+v", s)
		}
	})

	t.Run("environment values are validated", func(t *testing.T) {
		env := map[string]string{envSCIMDirectoryURL: "https://api.atlassian.com/scim/nope", envSiteURL: "http://acme.atlassian.net"}
		_, diags := resolveSettings(empty, func(k string) string { return env[k] })
		if diags.ErrorsCount() != 2 {
			t.Fatalf("want 2 errors, got %v", diags)
		}
		for _, d := range diags.Errors() {
			if !strings.Contains(d.Summary(), "from "+envSCIMDirectoryURL) && !strings.Contains(d.Summary(), "from "+envSiteURL) {
				t.Errorf("error does not name the variable: %s", d.Summary())
			}
		}
	})

	t.Run("bearer and basic conflict", func(t *testing.T) {
		env := map[string]string{envBearerToken: "b", envEmail: "a@example.com"}
		_, diags := resolveSettings(empty, func(k string) string { return env[k] })
		if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), envBearerToken) {
			t.Fatalf("want a conflict error naming %s, got %v", envBearerToken, diags)
		}
	})

	t.Run("key expiry is parsed, not judged", func(t *testing.T) {
		m := empty
		m.SCIMAPIKeyExpiresAt = types.StringValue("2020-01-01")
		s, diags := resolveSettings(m, func(string) string { return "" })
		if len(diags) != 0 || !s.scimAPIKeyExpiresAt.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("want the expired date parsed without a diagnostic, got %v %v", s.scimAPIKeyExpiresAt, diags)
		}
		_, diags = resolveSettings(empty, func(k string) string {
			if k == envSCIMAPIKeyExpiresAt {
				return "01/11/2026"
			}
			return ""
		})
		if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Summary(), envSCIMAPIKeyExpiresAt) {
			t.Fatalf("want one format error naming %s, got %v", envSCIMAPIKeyExpiresAt, diags)
		}
	})
}

// The key's expiry is judged where the SCIM client is handed out: the warning once per run, the error to every
// caller.
func TestKeyExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	soon := &providerData{settings: settings{scimAPIKeyExpiresAt: now.Add(7 * 24 * time.Hour)}}
	if diags := soon.keyExpiry(now); diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want one warning a week before expiry, got %v", diags)
	}
	if diags := soon.keyExpiry(now); len(diags) != 0 {
		t.Fatalf("want the warning only once per run, got %v", diags)
	}
	expired := &providerData{settings: settings{scimAPIKeyExpiresAt: now.Add(-24 * time.Hour)}}
	for i := range 2 {
		if diags := expired.keyExpiry(now); diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Summary(), "expired") {
			t.Fatalf("call %d: want the expiry error, got %v", i+1, diags)
		}
	}
	if diags := (&providerData{}).keyExpiry(now); len(diags) != 0 {
		t.Fatalf("no expiry setting: want nothing, got %v", diags)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	base := "Terraform/1.11.4 (+https://www.terraform.io) terraform-provider-confluence/0.1.0 (+https://registry.terraform.io/providers/accessplane/confluence)"
	for _, tt := range []struct{ tf, extra, want string }{
		{"1.11.4", "", base},
		{"1.11.4", "  ci/7 ", base + " ci/7"},
		{"", "", strings.Replace(base, "1.11.4", "unknown", 1)},
	} {
		if got := userAgent(tt.tf, "0.1.0", tt.extra); got != tt.want {
			t.Errorf("userAgent(%q, %q) = %q, want %q", tt.tf, tt.extra, got, tt.want)
		}
	}
}
