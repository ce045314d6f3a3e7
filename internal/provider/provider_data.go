package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// providerData is what Configure hands to every resource and data source: the settings, one HTTP client
// shared by the whole run (one retry gate, one connection pool), and the API clients, built on first use so
// that a configuration never needs the credential of an API it does not use.
type providerData struct {
	settings settings
	http     *http.Client
	policy   runPolicy // the provider's access_policy, with the lookups its rules need

	mu         sync.Mutex
	scim       *scim.Client
	confluence *confluence.Client
	admin      *admin.Client

	orgCheckMu     sync.Mutex
	orgChecked     bool
	orgCheckErrors diag.Diagnostics // what checkOrganization found wrong, for every later caller

	expiryWarned bool // the "key expires soon" warning was given (once per run, to the first SCIM user); under mu

	claims *claims // which resource holds which space or group in this run, to refuse resources that fight (claims.go)
}

// credential names one provider attribute and its environment variable, for "missing credential" errors.
type credential struct{ attr, env string }

func missingCredentials(api string, missing []credential) diag.Diagnostic {
	parts := make([]string, len(missing))
	for i, c := range missing {
		parts[i] = fmt.Sprintf("%q (or the %s environment variable)", c.attr, c.env)
	}
	return diag.NewErrorDiagnostic(
		api+" is not configured",
		fmt.Sprintf("This resource uses the %s, which needs %s in the provider configuration. Set it and run the command again.",
			api, strings.Join(parts, " and ")),
	)
}

// withOrgCheck hands out a client once the settings are known to name one organization (checkOrganization).
func withOrgCheck[C any](ctx context.Context, d *providerData, c *C, diags diag.Diagnostics) (*C, diag.Diagnostics) {
	if diags.HasError() {
		return nil, diags
	}
	diags.Append(d.checkOrganization(ctx)...)
	if diags.HasError() {
		return nil, diags
	}
	return c, diags
}

// SCIM returns the SCIM directory client, or a diagnostic naming the missing settings or an organization
// mismatch.
func (d *providerData) SCIM(ctx context.Context) (*scim.Client, diag.Diagnostics) {
	c, diags := d.scimClient()
	diags.Append(d.keyExpiry(time.Now())...)
	return withOrgCheck(ctx, d, c, diags)
}

// keyExpiry judges scim_api_key_expires_at where the SCIM key is about to be used rather than in Configure, so
// that only configurations using SCIM are warned or failed. Every SCIM user gets the error; only the first gets
// the warning, so a plan shows it once.
func (d *providerData) keyExpiry(now time.Time) diag.Diagnostics {
	at := d.settings.scimAPIKeyExpiresAt
	if at.IsZero() {
		return nil
	}
	switch severity, summary, detail := expiryDiagnostic(at, now); severity {
	case "error":
		return diag.Diagnostics{diag.NewErrorDiagnostic(summary, detail)}
	case "warning":
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.expiryWarned {
			return nil
		}
		d.expiryWarned = true
		return diag.Diagnostics{diag.NewWarningDiagnostic(summary, detail)}
	}
	return nil
}

// Confluence returns the Confluence REST client, or a diagnostic naming the missing settings or an
// organization mismatch.
func (d *providerData) Confluence(ctx context.Context) (*confluence.Client, diag.Diagnostics) {
	c, diags := d.confluenceClient()
	return withOrgCheck(ctx, d, c, diags)
}

// Admin returns the Organizations API client, or a diagnostic naming the missing settings or an organization
// mismatch.
func (d *providerData) Admin(ctx context.Context) (*admin.Client, diag.Diagnostics) {
	c, diags := d.adminClient()
	return withOrgCheck(ctx, d, c, diags)
}

func (d *providerData) scimClient() (*scim.Client, diag.Diagnostics) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.scim != nil {
		return d.scim, nil
	}
	var missing []credential
	if d.settings.scimDirectoryURL == "" {
		missing = append(missing, credential{"scim_directory_url", envSCIMDirectoryURL})
	}
	if d.settings.scimAPIKey == "" {
		missing = append(missing, credential{"scim_api_key", envSCIMAPIKey})
	}
	if len(missing) > 0 {
		return nil, diag.Diagnostics{missingCredentials("the Atlassian SCIM API", missing)}
	}
	c, err := scim.New(d.http, d.settings.scimDirectoryURL, d.settings.scimAPIKey)
	if err != nil {
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic("Invalid scim_directory_url", err.Error())}
	}
	d.scim = c
	return c, nil
}

func (d *providerData) confluenceClient() (*confluence.Client, diag.Diagnostics) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.confluence != nil {
		return d.confluence, nil
	}
	s := d.settings
	var missing []credential
	if s.siteURL == "" {
		missing = append(missing, credential{"site_url", envSiteURL})
	}
	var auth transport.Authenticator
	switch {
	case s.bearerToken != "":
		auth = transport.Bearer(s.bearerToken)
	case s.email != "" && s.apiToken != "":
		auth = transport.Basic(s.email, s.apiToken)
	case s.email != "":
		missing = append(missing, credential{"api_token", envAPIToken})
	case s.apiToken != "":
		missing = append(missing, credential{"email", envEmail})
	default:
		missing = append(missing, credential{"email", envEmail}, credential{"api_token", envAPIToken})
	}
	if len(missing) > 0 {
		d := missingCredentials("the Confluence REST API", missing)
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic(d.Summary(), d.Detail()+
			" A bearer_token ("+envBearerToken+") can be used instead of email and api_token.")}
	}
	c, err := confluence.New(d.http, s.siteURL, auth)
	if err != nil {
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic("Invalid site_url", err.Error())}
	}
	d.confluence = c
	return c, nil
}

func (d *providerData) adminClient() (*admin.Client, diag.Diagnostics) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.admin != nil {
		return d.admin, nil
	}
	var missing []credential
	if d.settings.organizationID == "" {
		missing = append(missing, credential{"organization_id", envOrganizationID})
	}
	if d.settings.adminAPIKey == "" {
		missing = append(missing, credential{"admin_api_key", envAdminAPIKey})
	}
	if len(missing) > 0 {
		return nil, diag.Diagnostics{missingCredentials("the Atlassian Organizations API", missing)}
	}
	c, err := admin.New(d.http, d.settings.adminAPIURL, d.settings.organizationID, d.settings.adminAPIKey)
	if err != nil {
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic("Invalid Organizations API settings", err.Error())}
	}
	d.admin = c
	return c, nil
}
