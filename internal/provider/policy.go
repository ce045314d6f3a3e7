package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

// accessPolicyModel is the provider's access_policy block.
type accessPolicyModel struct {
	DenyAnonymous         types.Bool `tfsdk:"deny_anonymous"`
	DenyUserPrincipals    types.Bool `tfsdk:"deny_user_principals"`
	AllowedUserPrincipals types.Set  `tfsdk:"allowed_user_principals"`
	AdminPrincipals       types.Set  `tfsdk:"admin_principals"`
	DenyGuestsIn          types.Set  `tfsdk:"deny_guests_in"`
}

// runPolicy is the access_policy of one provider run, with the lookups its rules need: the rules are pure
// (access.Policy), what they must know about principals is read here.
type runPolicy struct {
	access.Policy

	// guests says which of the account ids are guests of the site (GuestCandidates' ids, read in one
	// batched request with every other resource asking at the same time; see guestAccounts).
	guests func(ctx context.Context, accountIDs []string) (map[string]bool, error)
}

// adminPrincipalPattern is a principal named as type/id, the form of import IDs' principal part.
var adminPrincipalPattern = regexp.MustCompile(`^(group|user)/[^/\s]+$`)

func accessPolicyBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Guardrails every space resource (`confluence_space_principal_permissions`, " +
			"`confluence_space_role_assignment`, `confluence_space_permissions_exclusive`) enforces at plan time, before " +
			"anything is written, and `confluence_group_mapping` for product access that administers the site " +
			"(`atlassian/admin`, `atlassian/user-access-admin`, under `admin_principals`). A violation is an error naming the principal and the rule; a resource with " +
			"`policy_exemption` set gets a warning instead. Values unknown at plan time are checked at apply, before any " +
			"write. Only what a resource grants is judged: removing access never violates a rule.",
		Attributes: map[string]schema.Attribute{
			"deny_anonymous": schema.BoolAttribute{
				MarkdownDescription: "Anonymous users may be given no permission and no role.",
				Optional:            true,
			},
			"deny_user_principals": schema.BoolAttribute{
				MarkdownDescription: "Access goes to groups, not to single accounts: a grant or role to a `user` principal is " +
					"refused unless its account id is in `allowed_user_principals`.",
				Optional: true,
			},
			"allowed_user_principals": schema.SetAttribute{
				MarkdownDescription: "Account ids that `deny_user_principals` lets through (break-glass accounts).",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"admin_principals": schema.SetAttribute{
				MarkdownDescription: "When set, only these principals may hold `administer/space` or a role that carries it, " +
					"written as `group/<group id>` or `user/<account id>`.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(adminPrincipalPattern,
					"must be group/<group id> or user/<account id>"))},
			},
			"deny_guests_in": schema.SetAttribute{
				MarkdownDescription: "Space keys where guests may be given no permission and no role. A guest is a `user` " +
					"principal whose Confluence user record says so (`isGuest`), read once per run, in one batched request, " +
					"for the users granted access in these spaces, and only when there are some. Not covered: **groups** (a " +
					"group can hold guests whatever its own product access, and telling exactly would mean reading the members " +
					"of every granted group) and **access classes** such as `authenticated-users` (Atlassian does not document " +
					"whether they reach guests). Anonymous access is `deny_anonymous`'s. Keys compare case-insensitively.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(spaceKeyPattern,
					"must be a space key: letters and digits, or ~ and an account id for a personal space"))},
			},
		},
	}
}

// policyExemptionAttribute is the per-resource way out of access_policy, with a reason that the plan shows.
func policyExemptionAttribute() resourceschema.StringAttribute {
	return resourceschema.StringAttribute{
		MarkdownDescription: "Why this resource may break the provider's `access_policy`. With it set, a violation is a " +
			"warning that quotes the reason instead of an error.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// policyFrom reads the access_policy block; a value unknown at plan time is an error, since nothing could be
// judged against it.
func policyFrom(ctx context.Context, m *accessPolicyModel) (access.Policy, diag.Diagnostics) {
	var p access.Policy
	var diags diag.Diagnostics
	if m == nil {
		return p, diags
	}
	for _, v := range []interface{ IsUnknown() bool }{m.DenyAnonymous, m.DenyUserPrincipals, m.AllowedUserPrincipals, m.AdminPrincipals, m.DenyGuestsIn} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root("access_policy"), "access_policy must be known at plan time",
				"Every value of access_policy must be known when Terraform plans: use literals, variables or data sources, "+
					"not attributes of resources created in the same apply.")
			return p, diags
		}
	}
	p.DenyAnonymous = m.DenyAnonymous.ValueBool()
	p.DenyUsers = m.DenyUserPrincipals.ValueBool()
	p.AllowedUsers = setStrings(ctx, m.AllowedUserPrincipals)
	for _, s := range setStrings(ctx, m.AdminPrincipals) {
		typ, id, _ := strings.Cut(s, "/")
		p.Admins = append(p.Admins, access.Principal{Type: typ, ID: id})
	}
	p.DenyGuestsIn = setStrings(ctx, m.DenyGuestsIn)
	return p, diags
}

// checkPolicy judges what a resource is about to grant in a space against the provider's access_policy: each
// violation is an error on attr, or a warning quoting the reason when the resource carries policy_exemption.
// adminRoles (nil where c holds no roles) is asked for the roles that carry administer/space only when a role
// could make an administrator, so a classic grant costs no request. Users are looked up for deny_guests_in
// only when the space is listed and c gives a user access there.
func checkPolicy(ctx context.Context, p runPolicy, spaceKey string, c access.Change, adminRoles func(context.Context) (map[string]bool, error),
	exemption types.String, attr path.Path, diags *diag.Diagnostics) {
	checkPolicyAt(ctx, p, spaceKey, c, adminRoles, exemption, func(access.Principal) path.Path { return attr }, diags)
}

// checkPolicyAt is checkPolicy with each violation reported on the attribute at(principal) names, such as the
// entry of an exclusive table under its label.
func checkPolicyAt(ctx context.Context, p runPolicy, spaceKey string, c access.Change, adminRoles func(context.Context) (map[string]bool, error),
	exemption types.String, at func(access.Principal) path.Path, diags *diag.Diagnostics) {
	if p.Empty() {
		return
	}
	facts := access.Facts{Space: spaceKey, AdminRoles: map[string]bool{}}
	if len(p.Admins) > 0 && len(c.Roles) > 0 && adminRoles != nil {
		var err error
		if facts.AdminRoles, err = adminRoles(ctx); err != nil {
			addAPIError(diags, "Could not read the site's space roles to check access_policy", err)
			return
		}
	}
	if ids := p.GuestCandidates(spaceKey, c); len(ids) > 0 {
		var err error
		if p.guests == nil {
			err = fmt.Errorf("no guest lookup is configured")
		} else {
			facts.Guests, err = p.guests(ctx, ids)
		}
		if err != nil {
			addAPIError(diags, "Could not read the users to check access_policy deny_guests_in", err)
			return
		}
	}
	for _, v := range p.Check(c, facts) {
		detail := fmt.Sprintf("In space %s, %s would hold %s, which the provider's access_policy forbids (%s: %s).",
			spaceKey, v.Principal, v.Access, v.Rule, ruleMeaning[v.Rule])
		if reason := exemption.ValueString(); reason != "" {
			diags.AddAttributeWarning(at(v.Principal), "Access policy exemption", detail+" Allowed by policy_exemption: "+reason)
			continue
		}
		diags.AddAttributeError(at(v.Principal), "Access policy forbids this access", detail+" Change the grant, or set "+
			"policy_exemption = \"<reason>\" on this resource to allow it with a warning.")
	}
}

// productAdminRoles are the product-access roles that administer the site: under admin_principals only those
// groups may hold them.
var productAdminRoles = []string{"atlassian/admin", "atlassian/user-access-admin"}

// checkProductAccessPolicy judges the product access a mapping gives a group against admin_principals, like
// checkPolicy does for space access.
func checkProductAccessPolicy(p runPolicy, groupID string, roles []string, exemption types.String, diags *diag.Diagnostics) {
	group := access.Principal{Type: access.PrincipalGroup, ID: groupID}
	if p.MayAdminister(group) {
		return
	}
	for _, role := range roles {
		if !slices.Contains(productAdminRoles, role) {
			continue
		}
		detail := fmt.Sprintf("On the Confluence site, %s would hold %s, which the provider's access_policy forbids (%s: %s).",
			group, role, access.RuleAdminPrincipals, ruleMeaning[access.RuleAdminPrincipals])
		if reason := exemption.ValueString(); reason != "" {
			diags.AddAttributeWarning(path.Root("product_access"), "Access policy exemption", detail+" Allowed by policy_exemption: "+reason)
			continue
		}
		diags.AddAttributeError(path.Root("product_access"), "Access policy forbids this access", detail+" Remove the role, add "+
			"the group to admin_principals, or set policy_exemption = \"<reason>\" on this resource to allow it with a warning.")
	}
}

// ruleMeaning says what each rule asks for, for its errors.
var ruleMeaning = map[string]string{
	access.RuleDenyAnonymous:   "anonymous users may hold no access",
	access.RuleDenyUsers:       "access goes to groups, and only allowed_user_principals may hold it directly",
	access.RuleAdminPrincipals: "only admin_principals may administer a space",
	access.RuleDenyGuestsIn:    "guests may hold no access in the spaces deny_guests_in lists, and Confluence marks this user as a guest",
}

// guestAccounts says which of the account ids are guests of the site, as Confluence's user records say
// (isGuest). Concurrent callers share one GET /user/bulk (the client's user loader) and users read before in
// the run cost nothing; ids Confluence does not know are not guests (the grant itself will fail on them).
func (d *providerData) guestAccounts(ctx context.Context, accountIDs []string) (map[string]bool, error) {
	client, diags := d.Confluence(ctx)
	if diags.HasError() {
		return nil, fmt.Errorf("%s: %s", diags.Errors()[0].Summary(), diags.Errors()[0].Detail())
	}
	users, err := client.UsersByID(ctx, accountIDs...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(users))
	for id, u := range users {
		out[id] = u.Guest()
	}
	return out, nil
}
