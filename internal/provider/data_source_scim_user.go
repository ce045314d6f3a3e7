package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ datasource.DataSourceWithConfigure        = &scimUserDataSource{}
	_ datasource.DataSourceWithConfigValidators = &scimUserDataSource{}
)

// NewSCIMUserDataSource is the constructor of the confluence_scim_user data source.
func NewSCIMUserDataSource() datasource.DataSource { return &scimUserDataSource{} }

type scimUserDataSource struct {
	data *providerData
}

type scimUserDataModel struct {
	ID                 types.String `tfsdk:"id"`
	UserName           types.String `tfsdk:"user_name"`
	Email              types.String `tfsdk:"email"`
	ExternalID         types.String `tfsdk:"external_id"`
	DisplayName        types.String `tfsdk:"display_name"`
	GivenName          types.String `tfsdk:"given_name"`
	FamilyName         types.String `tfsdk:"family_name"`
	NickName           types.String `tfsdk:"nick_name"`
	Title              types.String `tfsdk:"title"`
	Department         types.String `tfsdk:"department"`
	Organization       types.String `tfsdk:"organization"`
	Timezone           types.String `tfsdk:"timezone"`
	PreferredLanguage  types.String `tfsdk:"preferred_language"`
	Active             types.Bool   `tfsdk:"active"`
	AtlassianAccountID types.String `tfsdk:"atlassian_account_id"`
	GroupIDs           types.Set    `tfsdk:"group_ids"`
}

func (d *scimUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (d *scimUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	key := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Set exactly one of `id`, `user_name` and `external_id`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	attrs := map[string]schema.Attribute{
		"id":          key("SCIM id of the user."),
		"user_name":   key("User name, matched exactly but without regard to case (`Jane.Doe@Example.com` finds `jane.doe@example.com`)."),
		"external_id": key("Identifier of the user in the identity provider, matched exactly (case-sensitive). Fails when several users share it."),
		"email":       computed("Primary email address."),
		"active":      schema.BoolAttribute{MarkdownDescription: "Whether the user is active.", Computed: true},
		"atlassian_account_id": computed("Atlassian account the user is linked to (the `accountId` used by the Admin and " +
			"Confluence APIs). Null when the directory does not report it."),
		"group_ids": schema.SetAttribute{
			MarkdownDescription: "SCIM ids of the groups the user is a member of.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
	for _, a := range scimUserAttrs {
		if a.name == "external_id" {
			continue
		}
		attrs[a.name] = computed(a.desc + " Null when the directory holds no value.")
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a user in the SCIM directory by exactly one of its SCIM `id`, its `user_name` (ignoring " +
			"case) or its `external_id`, with its profile, its Atlassian account id and the SCIM ids of its groups. Fails " +
			"when no user or several users match, listing the candidates. Deactivated users (SCIM `DELETE`, or `active` set to " +
			"`false`) are not found: Atlassian answers 404 for them until they are re-activated.",
		Attributes: attrs,
	}
}

func (d *scimUserDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("user_name"), path.MatchRoot("external_id")),
	}
}

func (d *scimUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimUserDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scimUserDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		attr, label, value string
		at                 path.Path
		match              func(*scim.User) bool
	)
	switch {
	case !m.ID.IsNull():
		u, err := client.GetUser(ctx, m.ID.ValueString())
		if transport.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "SCIM user not found",
				fmt.Sprintf("No active user with SCIM id %q exists in the directory (deactivated users are not found).", m.ID.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the SCIM user", err)
			return
		}
		d.setState(ctx, resp, m, u)
		return
	case !m.UserName.IsNull():
		attr, label, value, at = "userName", "user name", m.UserName.ValueString(), path.Root("user_name")
		// The directory compares user names without regard to case (RFC 7643 caseExact false); so does the match.
		match = func(u *scim.User) bool { return strings.EqualFold(u.UserName, value) }
	default:
		attr, label, value, at = "externalId", "external id", m.ExternalID.ValueString(), path.Root("external_id")
		match = func(u *scim.User) bool { return u.ExternalID == value }
	}
	found, err := client.FindUsers(ctx, attr, value)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look up the SCIM user", err)
		return
	}
	var matches []scim.User
	for i := range found {
		if match(&found[i]) {
			matches = append(matches, found[i])
		}
	}
	switch len(matches) {
	case 0:
		resp.Diagnostics.AddAttributeError(at, "SCIM user not found",
			fmt.Sprintf("No user with %s %q exists in the directory (deactivated users are not found).", label, value))
	case 1:
		// A filtered list may leave attributes out (groups among them); read the user itself.
		u, err := client.GetUser(ctx, matches[0].ID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the SCIM user", err)
			return
		}
		d.setState(ctx, resp, m, u)
	default:
		resp.Diagnostics.AddAttributeError(at, "Several SCIM users match",
			fmt.Sprintf("%d users have %s %q: %s. Look the user up by id instead.", len(matches), label, value,
				strings.Join(scimUserCandidates(matches), ", ")))
	}
}

// setState fills the model from the API's user. The lookup key keeps its configured spelling, so a
// case-insensitive user name match does not rewrite the configuration's value.
func (d *scimUserDataSource) setState(ctx context.Context, resp *datasource.ReadResponse, cfg scimUserDataModel, u *scim.User) {
	optional := func(v string) types.String {
		if v == "" {
			return types.StringNull()
		}
		return types.StringValue(v)
	}
	m := scimUserDataModel{
		ID:                 types.StringValue(u.ID),
		UserName:           types.StringValue(u.UserName),
		Email:              optional(u.PrimaryEmail()),
		ExternalID:         optional(u.ExternalID),
		DisplayName:        optional(u.DisplayName),
		GivenName:          optional(u.GivenNameValue()),
		FamilyName:         optional(u.FamilyNameValue()),
		NickName:           optional(u.NickName),
		Title:              optional(u.Title),
		Department:         optional(u.DepartmentValue()),
		Organization:       optional(u.OrganizationValue()),
		Timezone:           optional(u.Timezone),
		PreferredLanguage:  optional(u.PreferredLanguage),
		Active:             types.BoolValue(u.IsActive()),
		AtlassianAccountID: optional(u.AccountID()),
	}
	if !cfg.UserName.IsNull() {
		m.UserName = cfg.UserName
	}
	groups := make([]string, 0, len(u.Groups))
	for _, g := range u.Groups {
		groups = append(groups, g.Value)
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, groups)
	resp.Diagnostics.Append(diags...)
	m.GroupIDs = set
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// scimUserCandidates lists users as "user name (id)" for error messages.
func scimUserCandidates(users []scim.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = fmt.Sprintf("%s (%s)", u.UserName, u.ID)
	}
	sort.Strings(out)
	return out
}
