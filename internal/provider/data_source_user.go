package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
)

var (
	_ datasource.DataSourceWithConfigure        = &userDataSource{}
	_ datasource.DataSourceWithConfigValidators = &userDataSource{}
)

// orgUserGroupARIPrefix is how the spec's example writes a group id inside a user's expanded groups
// (MultiDirectoryUserGroup.id); the bare id is what every other endpoint takes. UNCONFIRMED which form the
// live API returns, so both are accepted.
const orgUserGroupARIPrefix = "ari:cloud:identity::group/"

// NewUserDataSource is the constructor of the confluence_user data source.
func NewUserDataSource() datasource.DataSource { return &userDataSource{} }

type userDataSource struct {
	data *providerData
}

type userDataModel struct {
	AccountID     types.String `tfsdk:"account_id"`
	Email         types.String `tfsdk:"email"`
	Name          types.String `tfsdk:"name"`
	Nickname      types.String `tfsdk:"nickname"`
	AccountStatus types.String `tfsdk:"account_status"`
	Status        types.String `tfsdk:"status"`
	GroupIDs      types.Set    `tfsdk:"group_ids"`
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an Atlassian account of the organization through the Organizations API, by its `email` " +
			"(matched exactly, without regard to case) or its `account_id`, with the ids of the groups it belongs to. The " +
			"`account_id` is what Confluence user permissions take. Fails when no user or several users match, listing the " +
			"candidates.",
		Attributes: map[string]schema.Attribute{
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Atlassian account id. Set exactly one of `email` and `account_id`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address, matched exactly but without regard to case. Set exactly one of `email` and " +
					"`account_id`. Holds the address as Atlassian spells it.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name":           computed("Full name of the user."),
			"nickname":       computed("Public name (nickname) of the user; null when the account has none."),
			"account_status": computed("Status of the Atlassian account itself: `active`, `inactive` or `closed`."),
			"status": computed("Status of the user in the organization: `active`, `suspended`, `not_invited`, `deactivated` " +
				"or `for_deletion`."),
			"group_ids": schema.SetAttribute{
				MarkdownDescription: "Ids of the organization's groups the user belongs to (local, default and synced groups).",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("email"), path.MatchRoot("account_id")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.Admin(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// One search, whichever the key, expanding the user's groups so group_ids costs no second request.
	q := admin.UserSearch{Expand: []string{admin.ExpandUserGroups}}
	var (
		at          path.Path
		label, key  string
		isCandidate func(admin.User) bool
	)
	if !m.AccountID.IsNull() {
		key, at, label = m.AccountID.ValueString(), path.Root("account_id"), "account id"
		q.AccountIDs = []string{key}
		isCandidate = func(u admin.User) bool { return u.AccountID == key }
	} else {
		key, at, label = m.Email.ValueString(), path.Root("email"), "email"
		// Whether the service compares addresses without regard to case is not documented; asking for the
		// lower-case spelling too finds the account either way.
		q.Emails = []string{key}
		if lower := strings.ToLower(key); lower != key {
			q.Emails = append(q.Emails, lower)
		}
		isCandidate = func(u admin.User) bool { return strings.EqualFold(u.Email, key) }
	}
	found, err := client.SearchUsers(ctx, admin.AllDirectories, q)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look up the user", err)
		return
	}
	matches := mergeOrgUsers(found, isCandidate)
	switch len(matches) {
	case 0:
		resp.Diagnostics.AddAttributeError(at, "User not found",
			fmt.Sprintf("No user with %s %q exists in the organization.", label, key))
		return
	case 1:
	default:
		resp.Diagnostics.AddAttributeError(at, "Several users match",
			fmt.Sprintf("%d users have %s %q: %s. Look the user up by account_id instead.", len(matches), label, key,
				strings.Join(orgUserCandidates(matches), ", ")))
		return
	}
	u := matches[0]
	groups := make([]string, 0, len(u.Groups))
	for _, g := range u.Groups {
		if id := strings.TrimPrefix(g.ID, orgUserGroupARIPrefix); id != "" && !slices.Contains(groups, id) {
			groups = append(groups, id)
		}
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, groups)
	resp.Diagnostics.Append(diags...)
	m.AccountID = types.StringValue(u.AccountID)
	m.Email = types.StringValue(u.Email)
	m.Name = types.StringValue(u.Name)
	m.Nickname = nullIfEmpty(u.Nickname)
	m.AccountStatus = types.StringValue(u.AccountStatus)
	m.Status = types.StringValue(u.Status)
	m.GroupIDs = set
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// mergeOrgUsers keeps the users that match and folds together the rows of one account: a search over all
// directories may list an account once per directory, each row with that directory's groups.
func mergeOrgUsers(users []admin.User, keep func(admin.User) bool) []admin.User {
	var out []admin.User
	for _, u := range users {
		if !keep(u) {
			continue
		}
		i := slices.IndexFunc(out, func(o admin.User) bool { return o.AccountID == u.AccountID })
		if i < 0 {
			out = append(out, u)
			continue
		}
		out[i].Groups = append(out[i].Groups, u.Groups...)
	}
	return out
}

// orgUserCandidates lists users as "email (account id)" for error messages.
func orgUserCandidates(users []admin.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = fmt.Sprintf("%s (%s)", u.Email, u.AccountID)
	}
	sort.Strings(out)
	return out
}
