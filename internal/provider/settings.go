package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// Environment variables read when the matching provider attribute is not set.
//
//nolint:gosec // variable names, not credentials
const (
	envSiteURL             = "CONFLUENCE_SITE_URL"
	envEmail               = "CONFLUENCE_EMAIL"
	envAPIToken            = "CONFLUENCE_API_TOKEN"
	envBearerToken         = "CONFLUENCE_BEARER_TOKEN"
	envOrganizationID      = "ATLASSIAN_ORGANIZATION_ID"
	envAdminAPIKey         = "ATLASSIAN_ADMIN_API_KEY"
	envAdminAPIURL         = "ATLASSIAN_ADMIN_API_URL"
	envSCIMDirectoryURL    = "ATLASSIAN_SCIM_DIRECTORY_URL"
	envSCIMAPIKey          = "ATLASSIAN_SCIM_API_KEY"
	envSCIMAPIKeyExpiresAt = "ATLASSIAN_SCIM_API_KEY_EXPIRES_AT"
)

const (
	defaultAdminAPIURL        = "https://api.atlassian.com"
	defaultMaxRetries         = 10
	defaultRequestTimeout     = 60 * time.Second
	defaultConsistencyTimeout = 2 * time.Minute
	defaultParallelism        = 4
	maxParallelism            = 32

	// keyExpiryWarning is how long before scim_api_key_expires_at the provider starts warning.
	keyExpiryWarning = 30 * 24 * time.Hour
)

// URL shapes shown in validation errors.
const (
	shapeSiteURL     = "https://<site>.atlassian.net or https://api.atlassian.com/ex/confluence/<cloudId>"
	shapeAdminAPIURL = "https://api.atlassian.com"
	shapeSCIMURL     = "https://api.atlassian.com/scim/directory/<directoryId>"
)

// checkServiceURL accepts absolute https URLs, and http only for loopback hosts (the emulator and tests).
func checkServiceURL(raw, shape string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return fmt.Errorf("%q is not an absolute URL; expected %s", raw, shape)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not carry a query string or fragment; expected %s", raw, shape)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if transport.IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q must use https:// (plain http is accepted only for loopback hosts); expected %s", raw, shape)
	default:
		return fmt.Errorf("%q must use https://; expected %s", raw, shape)
	}
}

func checkSiteURL(raw string) error { return checkServiceURL(raw, shapeSiteURL) }

func checkAdminAPIURL(raw string) error { return checkServiceURL(raw, shapeAdminAPIURL) }

func checkSCIMDirectoryURL(raw string) error {
	if err := checkServiceURL(raw, shapeSCIMURL); err != nil {
		return err
	}
	if _, _, err := scim.ParseDirectoryURL(raw); err != nil {
		return fmt.Errorf("%q does not contain /scim/directory/<directoryId>; expected %s", raw, shapeSCIMURL)
	}
	return nil
}

func checkPositiveDuration(raw string) error {
	d, err := time.ParseDuration(raw)
	if err != nil {
		return fmt.Errorf("%q is not a duration; use a number with a unit, such as \"30s\", \"2m\" or \"1h\"", raw)
	}
	if d <= 0 {
		return fmt.Errorf("%q must be greater than zero", raw)
	}
	return nil
}

// parseExpiry reads an RFC 3339 date ("2027-01-31") or date-time ("2027-01-31T12:00:00Z").
func parseExpiry(raw string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, raw); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date or date-time, such as \"2027-01-31\" or \"2027-01-31T00:00:00Z\"", raw)
}

func checkExpiry(raw string) error {
	_, err := parseExpiry(raw)
	return err
}

// expiryDiagnostic says whether a SCIM API key expiring at expiresAt deserves a warning or an error at now.
// It returns an empty severity when the key is far from expiry.
func expiryDiagnostic(expiresAt, now time.Time) (severity, summary, detail string) {
	left := expiresAt.Sub(now)
	switch {
	case left <= 0:
		return "error", "SCIM API key has expired",
			fmt.Sprintf("scim_api_key_expires_at is %s, which has passed. Regenerate the directory API key in admin.atlassian.com "+
				"(Security → Identity providers → your directory → Regenerate API key), then update scim_api_key "+
				"(or %s) and scim_api_key_expires_at (or %s).", expiresAt.Format(time.RFC3339), envSCIMAPIKey, envSCIMAPIKeyExpiresAt)
	case left <= keyExpiryWarning:
		days := int(left.Hours() / 24)
		return "warning", "SCIM API key expires soon",
			fmt.Sprintf("scim_api_key_expires_at is %s, %d day(s) from now. Regenerate the directory API key in admin.atlassian.com "+
				"before then and update scim_api_key (or %s) and scim_api_key_expires_at.", expiresAt.Format(time.RFC3339), days, envSCIMAPIKey)
	default:
		return "", "", ""
	}
}

// checkNoSurroundingSpaces returns a check refusing a value that starts or ends with spaces: Atlassian may trim
// it, and the difference would then show on every plan. what names the value in the message.
func checkNoSurroundingSpaces(what string) func(string) error {
	return func(v string) error {
		if strings.TrimFunc(v, unicode.IsSpace) != v {
			return fmt.Errorf("%s %q must not start or end with spaces", what, v)
		}
		return nil
	}
}

// stringCheck adapts a check function into a plan-time attribute validator.
type stringCheck struct {
	description string
	check       func(string) error
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}
