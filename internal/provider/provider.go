// Package provider implements the confluence Terraform provider: identity-to-Confluence access as code.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// RegistryAddress is the provider's address in the Terraform registry.
const RegistryAddress = "registry.terraform.io/accessplane/confluence"

var (
	_ provider.Provider                  = &confluenceProvider{}
	_ provider.ProviderWithFunctions     = &confluenceProvider{}
	_ provider.ProviderWithListResources = &confluenceProvider{}
)

type confluenceProvider struct {
	version string
}

// New returns a constructor for the provider; version is "dev" locally and set by the release build.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &confluenceProvider{version: version}
	}
}

type providerModel struct {
	SiteURL             types.String `tfsdk:"site_url"`
	Email               types.String `tfsdk:"email"`
	APIToken            types.String `tfsdk:"api_token"`
	BearerToken         types.String `tfsdk:"bearer_token"`
	OrganizationID      types.String `tfsdk:"organization_id"`
	AdminAPIKey         types.String `tfsdk:"admin_api_key"`
	AdminAPIURL         types.String `tfsdk:"admin_api_url"`
	SCIMDirectoryURL    types.String `tfsdk:"scim_directory_url"`
	SCIMAPIKey          types.String `tfsdk:"scim_api_key"`
	SCIMAPIKeyExpiresAt types.String `tfsdk:"scim_api_key_expires_at"`
	MaxRetries          types.Int64  `tfsdk:"max_retries"`
	RequestTimeout      types.String `tfsdk:"request_timeout"`
	ConsistencyTimeout  types.String `tfsdk:"consistency_timeout"`
	Parallelism         types.Int64  `tfsdk:"parallelism"`

	AccessPolicy *accessPolicyModel `tfsdk:"access_policy"`
}

func (p *confluenceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "confluence"
	resp.Version = p.version
}

func (p *confluenceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	durationCheck := stringCheck{description: "a positive duration such as \"30s\" or \"2m\"", check: checkPositiveDuration}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages identity-to-Confluence access as code: users, groups and memberships in an Atlassian SCIM " +
			"directory, the mapping of directory groups onto Confluence groups with product access, and space permissions. " +
			"Each API needs only its own credential; a configuration that does not use an API never needs its credential.",
		Attributes: map[string]schema.Attribute{
			"site_url": schema.StringAttribute{
				MarkdownDescription: "Confluence site URL, `https://<site>.atlassian.net` (API token) or " +
					"`https://api.atlassian.com/ex/confluence/<cloudId>` (scoped token, service account). Env: `" + envSiteURL + "`.",
				Optional:   true,
				Validators: []validator.String{stringCheck{description: "a Confluence site URL", check: checkSiteURL}},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email of the Atlassian account whose API token is `api_token` (Basic authentication). Env: `" + envEmail + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("bearer_token"))},
			},
			"api_token": schema.StringAttribute{
				MarkdownDescription: "Atlassian API token used with `email` for the Confluence REST API. Env: `" + envAPIToken + "`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("bearer_token"))},
			},
			"bearer_token": schema.StringAttribute{
				MarkdownDescription: "OAuth 2.0 access token for the Confluence REST API, an alternative to `email` + `api_token`. Env: `" + envBearerToken + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"organization_id": schema.StringAttribute{
				MarkdownDescription: "Atlassian organization id (the UUID in `admin.atlassian.com/o/<orgId>`). Env: `" + envOrganizationID + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"admin_api_key": schema.StringAttribute{
				MarkdownDescription: "Organization API key for the Atlassian Organizations (Admin) API. Env: `" + envAdminAPIKey + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"admin_api_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Organizations API. Defaults to `" + defaultAdminAPIURL + "`. Env: `" + envAdminAPIURL + "`.",
				Optional:            true,
				Validators:          []validator.String{stringCheck{description: "an Admin API base URL", check: checkAdminAPIURL}},
			},
			"scim_directory_url": schema.StringAttribute{
				MarkdownDescription: "SCIM directory base URL, `" + shapeSCIMURL + "`; the directory id is read from it. Env: `" + envSCIMDirectoryURL + "`.",
				Optional:            true,
				Validators:          []validator.String{stringCheck{description: "a SCIM directory URL", check: checkSCIMDirectoryURL}},
			},
			"scim_api_key": schema.StringAttribute{
				MarkdownDescription: "Directory API key of the SCIM directory (shown once when user provisioning is set up). Env: `" + envSCIMAPIKey + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"scim_api_key_expires_at": schema.StringAttribute{
				MarkdownDescription: "When the SCIM directory API key expires, as an RFC 3339 date or date-time (keys expire a year after creation). " +
					"Plans and applies that use the SCIM API warn from 30 days before and fail after it; a configuration that does not use SCIM is not affected. Env: `" + envSCIMAPIKeyExpiresAt + "`.",
				Optional:   true,
				Validators: []validator.String{stringCheck{description: "an RFC 3339 date", check: checkExpiry}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request answered 429, or answered 503 or failing to connect when it is safe to repeat, is retried. "+
					"A create answered 503 or cut off after it was sent is not repeated blindly: one read settles whether it took effect. "+
					"Retries of one request also stop once they would run past five times `request_timeout` (5 minutes by default). "+
					"A host that does not resolve, or a loopback host refusing connections, fails at once. Default %d.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP request attempt, as a duration; five times it bounds the retries of one request. Default `60s`.",
				Optional:            true,
				Validators:          []validator.String{durationCheck},
			},
			"consistency_timeout": schema.StringAttribute{
				MarkdownDescription: "How long to wait for Atlassian's eventual consistency (a new SCIM group visible to the Admin API, role changes) before failing. Default `2m`.",
				Optional:            true,
				Validators:          []validator.String{durationCheck},
			},
			"parallelism": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Concurrent API writes inside one bulk resource. Default %d.", defaultParallelism),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, maxParallelism)},
			},
		},
		Blocks: map[string]schema.Block{"access_policy": accessPolicyBlock()},
	}
}

// userAgent follows the HashiCorp providers' convention: the Terraform version (as the CLI reports it; OpenTofu
// reports its own), this provider's name and version with its registry page, then whatever TF_APPEND_USER_AGENT
// adds, so that Atlassian's logs tell which tool and release sent a request.
func userAgent(terraformVersion, providerVersion, appendUA string) string {
	if terraformVersion == "" {
		terraformVersion = "unknown"
	}
	ua := fmt.Sprintf("Terraform/%s (+https://www.terraform.io) terraform-provider-confluence/%s (+https://%s)",
		terraformVersion, providerVersion, strings.Replace(RegistryAddress, "registry.terraform.io/", "registry.terraform.io/providers/", 1))
	if extra := strings.TrimSpace(appendUA); extra != "" {
		ua += " " + extra
	}
	return ua
}

func (p *confluenceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, diags := resolveSettings(m, os.Getenv)
	resp.Diagnostics.Append(diags...)
	policy, diags := policyFrom(ctx, m.AccessPolicy)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	hc := transport.NewHTTPClient(transport.Config{
		UserAgent:      userAgent(req.TerraformVersion, p.version, os.Getenv("TF_APPEND_USER_AGENT")),
		MaxRetries:     s.maxRetries,
		RequestTimeout: s.requestTimeout,
		Secrets:        s.secrets(),
	})
	data := &providerData{settings: s, http: hc, claims: newClaims()}
	data.policy = runPolicy{Policy: policy, guests: data.guestAccounts}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *confluenceProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSCIMGroupResource,
		NewSCIMUserResource,
		NewSCIMGroupMemberResource,
		NewSCIMGroupMembersExclusiveResource,
		NewGroupResource,
		NewGroupMappingResource,
		NewSpacePermissionsExclusiveResource,
		NewSpacePrincipalPermissionsResource,
		NewSpaceRoleResource,
		NewSpaceRoleAssignmentResource,
	}
}

func (p *confluenceProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSpaceDataSource,
		NewSpacesDataSource,
		NewSCIMUserDataSource,
		NewSCIMDirectoryDataSource,
		NewSCIMGroupDataSource,
		NewGroupDataSource,
		NewUserDataSource,
		NewSpacePermissionsDataSource,
		NewSpaceRolesDataSource,
		NewEffectiveAccessDataSource,
		NewLicenseUsageDataSource,
	}
}

// ListResources find what exists for terraform query (Terraform 1.14 and later), one per resource type that
// adoption starts from.
func (p *confluenceProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewSCIMUserList,
		NewSCIMGroupList,
		NewGroupList,
		NewSpacePermissionsExclusiveList,
		NewSpaceRoleAssignmentList,
	}
}

// Functions are the provider-defined functions (Terraform 1.8 and later, OpenTofu 1.7 and later).
func (p *confluenceProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewPermissionPresetFunction,
		NewAccessMatrixFunction,
	}
}

// settings are the provider settings after environment fallbacks, defaults and validation.
type settings struct {
	siteURL, email, apiToken, bearerToken    string
	organizationID, adminAPIKey, adminAPIURL string
	scimDirectoryURL, scimAPIKey             string
	scimAPIKeyExpiresAt                      time.Time // zero when not set
	maxRetries, parallelism                  int
	requestTimeout, consistencyTimeout       time.Duration
}

func (s settings) secrets() []string {
	return []string{s.apiToken, s.bearerToken, s.adminAPIKey, s.scimAPIKey}
}

// resolveSettings applies environment fallbacks and defaults, and validates values that came from the
// environment (configuration values were validated at plan time by the schema validators).
func resolveSettings(m providerModel, getenv func(string) string) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	str := func(v types.String, attr, env string, check func(string) error) string {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString()
		}
		val := getenv(env)
		if val != "" && check != nil {
			if err := check(val); err != nil {
				diags.AddAttributeError(path.Root(attr), "Invalid "+attr+" from "+env, err.Error())
			}
		}
		return val
	}
	s := settings{
		siteURL:            str(m.SiteURL, "site_url", envSiteURL, checkSiteURL),
		email:              str(m.Email, "email", envEmail, nil),
		apiToken:           str(m.APIToken, "api_token", envAPIToken, nil),
		bearerToken:        str(m.BearerToken, "bearer_token", envBearerToken, nil),
		organizationID:     str(m.OrganizationID, "organization_id", envOrganizationID, nil),
		adminAPIKey:        str(m.AdminAPIKey, "admin_api_key", envAdminAPIKey, nil),
		adminAPIURL:        str(m.AdminAPIURL, "admin_api_url", envAdminAPIURL, checkAdminAPIURL),
		scimDirectoryURL:   str(m.SCIMDirectoryURL, "scim_directory_url", envSCIMDirectoryURL, checkSCIMDirectoryURL),
		scimAPIKey:         str(m.SCIMAPIKey, "scim_api_key", envSCIMAPIKey, nil),
		maxRetries:         defaultMaxRetries,
		parallelism:        defaultParallelism,
		requestTimeout:     defaultRequestTimeout,
		consistencyTimeout: defaultConsistencyTimeout,
	}
	if s.adminAPIURL == "" {
		s.adminAPIURL = defaultAdminAPIURL
	}
	if s.bearerToken != "" && (s.email != "" || s.apiToken != "") {
		diags.AddAttributeError(path.Root("bearer_token"), "Conflicting Confluence credentials",
			"Set either bearer_token ("+envBearerToken+") or email + api_token ("+envEmail+", "+envAPIToken+"), not both.")
	}
	// Only the format is checked here; whether the key has expired matters only where SCIM is used
	// (providerData.SCIM), so a configuration that never calls SCIM is not failed by a stale date.
	if expiry := str(m.SCIMAPIKeyExpiresAt, "scim_api_key_expires_at", envSCIMAPIKeyExpiresAt, checkExpiry); expiry != "" {
		if at, err := parseExpiry(expiry); err == nil {
			s.scimAPIKeyExpiresAt = at
		}
	}
	if !m.MaxRetries.IsNull() && !m.MaxRetries.IsUnknown() {
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	}
	if !m.Parallelism.IsNull() && !m.Parallelism.IsUnknown() {
		s.parallelism = int(m.Parallelism.ValueInt64())
	}
	if !m.RequestTimeout.IsNull() && !m.RequestTimeout.IsUnknown() {
		s.requestTimeout, _ = time.ParseDuration(m.RequestTimeout.ValueString())
	}
	if !m.ConsistencyTimeout.IsNull() && !m.ConsistencyTimeout.IsUnknown() {
		s.consistencyTimeout, _ = time.ParseDuration(m.ConsistencyTimeout.ValueString())
	}
	return s, diags
}
