package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure      = &spacePermissionsExclusiveResource{}
	_ resource.ResourceWithImportState    = &spacePermissionsExclusiveResource{}
	_ resource.ResourceWithIdentity       = &spacePermissionsExclusiveResource{}
	_ resource.ResourceWithModifyPlan     = &spacePermissionsExclusiveResource{}
	_ resource.ResourceWithValidateConfig = &spacePermissionsExclusiveResource{}
	_ resource.ResourceWithUpgradeState   = &spacePermissionsExclusiveResource{}
)

// NewSpacePermissionsExclusiveResource is the constructor of confluence_space_permissions_exclusive.
func NewSpacePermissionsExclusiveResource() resource.Resource {
	return &spacePermissionsExclusiveResource{}
}

type spacePermissionsExclusiveResource struct {
	data *providerData
}

type spacePermissionsExclusiveModel struct {
	ID               types.String `tfsdk:"id"`
	SpaceKey         types.String `tfsdk:"space_key"`
	SpaceID          types.String `tfsdk:"space_id"`
	Grants           types.Map    `tfsdk:"grants"`
	AllowSelfLockout types.Bool   `tfsdk:"allow_self_lockout"`
	PolicyExemption  types.String `tfsdk:"policy_exemption"`
}

type grantModel struct {
	PrincipalType types.String `tfsdk:"principal_type"`
	PrincipalID   types.String `tfsdk:"principal_id"`
	Permissions   types.Set    `tfsdk:"permissions"`
	RoleID        types.String `tfsdk:"role_id"`
}

var grantAttrTypes = map[string]attr.Type{
	"principal_type": types.StringType,
	"principal_id":   types.StringType,
	"permissions":    types.SetType{ElemType: types.StringType},
	"role_id":        types.StringType,
}

var grantPrincipalTypes = []string{confluence.PrincipalGroup, confluence.PrincipalUser, confluence.PrincipalAnonymous, confluence.PrincipalAccessClass}

func (r *spacePermissionsExclusiveResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space_permissions_exclusive"
}

func (r *spacePermissionsExclusiveResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = spacePermissionsExclusiveID.identitySchema()
}

func (r *spacePermissionsExclusiveResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: 1,
		MarkdownDescription: "The whole access table of one Confluence space, authoritative: every principal and permission " +
			"found in the space that is not declared here (a contractor's direct grant, anonymous access, a leftover group) " +
			"shows in the plan and is removed on apply. Classic grants (`permissions`) and space role assignments (`role_id`) " +
			"are both covered, as the site's space role mode allows.\n\n" +
			"!> Creating this resource removes every grant in the space that it does not declare; review the first plan, " +
			"which lists them, or import the space first to start from what it holds.\n\n" +
			"Additions are made before removals, `read/space` is granted first and removed last, the space's last administrator " +
			"is never removed, and removing the provider account's own administration is refused unless `allow_self_lockout` " +
			"is set. When some writes fail, the state records what was applied and the next apply finishes the job.\n\n" +
			"Destroying this resource stops managing the space and revokes nothing. Do not combine it with " +
			"`confluence_space_principal_permissions` or `confluence_space_role_assignment` on the same space, nor with a " +
			"second `confluence_space_permissions_exclusive`: they would fight. The plan refuses such a combination within " +
			"one configuration. " + crossStateNote("space") + "\n\n" +
			"`grants` is a map keyed by labels you choose, for the reviewer of a plan: a principal that gains or loses a " +
			"permission is one in-place change under its label, showing exactly what is added and removed; a principal " +
			"found in the space but not declared is one removed entry under its own key (`group/<id>`, `user/<account id>`, " +
			"`access_class/<class>` or `anonymous`); and while a principal id is unknown (a group created in the same " +
			"apply) every other part of the table is known in the plan. A set of grants would show each change as a whole " +
			"removed object and a whole added object far apart, and a map keyed by principal id would hide the whole " +
			"table while one id is unknown. Labels live only in the configuration and the state: refresh keeps each " +
			"principal's label, and renaming one writes nothing to the space. Import and `-generate-config-out` key every " +
			"entry by its default key, so a configuration with labels of its own plans one in-place update after an " +
			"import, which renames keys and writes nothing. State written by earlier versions, whose `grants` was a set, " +
			"is upgraded with the default keys.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The space key (the import ID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space, such as `ENG`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"space_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"allow_self_lockout": schema.BoolAttribute{
				MarkdownDescription: "Allow a table that takes the provider account's own administration of the space away. Default false.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"policy_exemption": policyExemptionAttribute(),
			"grants": schema.MapNestedAttribute{
				MarkdownDescription: "Everyone who has access to the space, one entry per principal, keyed by a label of your " +
					"choice (such as `eng_writers`). The label names the entry in plans: a change to one principal is one " +
					"in-place change under its label. A principal found in the space but not declared here gets the key " +
					"`user/<account id>`, `group/<group id>`, `access_class/<class>` or `anonymous`; import and " +
					"`-generate-config-out` use the same keys. Renaming a label changes nothing in the space.",
				Required:   true,
				Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"principal_type": schema.StringAttribute{
							MarkdownDescription: "One of " + markdownList(grantPrincipalTypes) + ". `anonymous` takes classic permissions only, " +
								"`access_class` (anonymous-users, authenticated-users, …) a role only.",
							Required:   true,
							Validators: []validator.String{stringvalidator.OneOf(grantPrincipalTypes...)},
						},
						"principal_id": schema.StringAttribute{
							MarkdownDescription: "Group id, account id or access class; omitted for `anonymous`.",
							Optional:            true,
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"permissions": schema.SetAttribute{
							MarkdownDescription: "Classic permissions, as `key/target`: " + markdownList(classicPermissions) +
								". Must include `read/space`. Set exactly one of `permissions` and `role_id`.",
							ElementType: types.StringType,
							Optional:    true,
							Validators: []validator.Set{
								setvalidator.SizeAtLeast(1),
								setvalidator.ValueStringsAre(stringvalidator.OneOf(classicPermissions...)),
							},
						},
						"role_id": schema.StringAttribute{
							MarkdownDescription: "Space role id (see the `confluence_space_roles` data source). Set exactly one of " +
								"`permissions` and `role_id`.",
							Optional:   true,
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
					},
				},
			},
		},
	}
}

func (r *spacePermissionsExclusiveResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// grantPrincipal is the principal of a grant.
func grantPrincipal(g grantModel) confluence.Principal {
	if g.PrincipalType.ValueString() == confluence.PrincipalAnonymous {
		return confluence.Principal{Type: confluence.PrincipalAnonymous}
	}
	return confluence.Principal{Type: g.PrincipalType.ValueString(), ID: g.PrincipalID.ValueString()}
}

// ValidateConfig checks each grant on its own, and that no principal has two labels, before any API call.
func (r *spacePermissionsExclusiveResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m spacePermissionsExclusiveModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Grants.IsUnknown() || m.Grants.IsNull() {
		return
	}
	grants := map[string]grantModel{}
	resp.Diagnostics.Append(m.Grants.ElementsAs(ctx, &grants, false)...)
	labelOf := map[confluence.Principal]string{}
	for _, label := range slices.Sorted(maps.Keys(grants)) {
		g := grants[label]
		at := path.Root("grants").AtMapKey(label)
		if g.PrincipalType.IsUnknown() || g.PrincipalID.IsUnknown() {
			continue
		}
		p := grantPrincipal(g)
		where := fmt.Sprintf("%s (%s)", label, p)
		switch {
		case p.Type == confluence.PrincipalAnonymous && !g.PrincipalID.IsNull():
			resp.Diagnostics.AddAttributeError(at, "Invalid grant", fmt.Sprintf("Grant %s: an anonymous grant takes no principal_id.", label))
		case p.Type != confluence.PrincipalAnonymous && g.PrincipalID.IsNull():
			resp.Diagnostics.AddAttributeError(at, "Invalid grant", fmt.Sprintf("Grant %s: a %s grant needs a principal_id.", label, p.Type))
		case labelOf[p] != "":
			resp.Diagnostics.AddAttributeError(at, "Duplicate principal",
				fmt.Sprintf("%s appears in more than one grant (%s and %s); give each principal one entry.", p, labelOf[p], label))
		default:
			labelOf[p] = label
		}
		hasPerms, hasRole := !g.Permissions.IsNull(), !g.RoleID.IsNull()
		switch {
		case hasPerms == hasRole && !g.Permissions.IsUnknown() && !g.RoleID.IsUnknown():
			resp.Diagnostics.AddAttributeError(at, "Invalid grant",
				fmt.Sprintf("The grant %s must set exactly one of permissions (classic) and role_id (space roles).", where))
		case hasPerms && p.Type == confluence.PrincipalAccessClass:
			resp.Diagnostics.AddAttributeError(at, "Invalid grant",
				fmt.Sprintf("The grant %s is to an access class, which can hold a space role only: use role_id.", where))
		case hasRole && p.Type == confluence.PrincipalAnonymous:
			resp.Diagnostics.AddAttributeError(at, "Invalid grant",
				"Anonymous access takes classic permissions; for roles use principal_type = \"access_class\" with principal_id = \"anonymous-users\".")
		case hasPerms && !g.Permissions.IsUnknown():
			if perms := setStrings(ctx, g.Permissions); !slices.Contains(perms, confluence.ReadSpace.String()) {
				resp.Diagnostics.AddAttributeError(at, "Invalid grant",
					fmt.Sprintf("The permissions of grant %s must include read/space: Confluence grants nothing else without it.", where))
			}
		}
	}
}

// desiredAccess splits the configured grants into classic permissions and role assignments per principal.
func desiredAccess(ctx context.Context, grants types.Map) (access.Change, diag.Diagnostics) {
	list := map[string]grantModel{}
	diags := grants.ElementsAs(ctx, &list, false)
	plan := access.Change{Classic: map[confluence.Principal][]string{}, Roles: map[confluence.Principal]string{}, Exhaustive: true}
	for _, g := range list {
		p := grantPrincipal(g)
		if !g.RoleID.IsNull() {
			plan.Roles[p] = g.RoleID.ValueString()
		} else {
			plan.Classic[p] = setStrings(ctx, g.Permissions)
		}
	}
	return plan, diags
}

func (r *spacePermissionsExclusiveResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return // destroy revokes nothing
	}
	var plan spacePermissionsExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.SpaceKey.IsUnknown() {
		return
	}
	// Before the unchanged-table shortcut: a table already applied still fights a resource added beside it.
	if !r.data.claim(claim{
		kind: spaceClaimKind, key: plan.SpaceKey.ValueString(), resourceType: "confluence_space_permissions_exclusive",
		exclusive: true, fingerprint: configFingerprint(req.Config), subject: countSubject(plan.Grants, "grant", "grants"),
	}, path.Root("space_key"), &resp.Diagnostics) {
		return
	}
	// Before the shortcut below: a policy judges unchanged tables too.
	r.checkPolicy(ctx, plan, &resp.Diagnostics)
	if !req.State.Raw.IsNull() {
		var state spacePermissionsExclusiveModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.Grants.Equal(plan.Grants) && state.AllowSelfLockout.Equal(plan.AllowSelfLockout) {
			return // nothing changes, nothing to check
		}
	}
	s, diags := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	plan.ID = plan.SpaceKey
	plan.SpaceID = types.StringValue(s.Space.ID)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if plan.Grants.IsUnknown() || !fullyKnown(plan.Grants) {
		return // checked again at apply, once every id is known
	}
	want, diags := desiredAccess(ctx, plan.Grants)
	resp.Diagnostics.Append(diags...)
	if len(want.Classic) > 0 && !s.requireClassic(&resp.Diagnostics) {
		return
	}
	if len(want.Roles) > 0 && !s.requireRoles(&resp.Diagnostics) {
		return
	}
	s.checkChange(ctx, want, plan.AllowSelfLockout.ValueBool(), &resp.Diagnostics)
	r.warnTableChanges(ctx, s, want, &resp.Diagnostics)
}

// warnTableChanges names, in one warning, who gains and loses what when the table changes. It reads only what
// the plan has read already (the space's listings, and the role catalogue once per run when a role is held or
// planned) and the principals' names.
func (r *spacePermissionsExclusiveResource) warnTableChanges(ctx context.Context, s *spaceAccess, want access.Change, diags *diag.Diagnostics) {
	b := s.Backend()
	before := map[confluence.Principal][]string{}
	if s.Caps.Classic {
		grants, err := b.Grants(ctx, s.Space)
		if err != nil {
			return // the names are a courtesy; the plan itself has reported any read that matters
		}
		for _, g := range grants {
			before[g.Principal] = append(before[g.Principal], g.Permission)
		}
	}
	deltas := classicDeltas(before, want.Classic, s.Caps.Classic)
	if s.Caps.Roles {
		assignments, err := b.Assignments(ctx, s.Space)
		if err != nil {
			return
		}
		var names map[string]string
		if len(assignments)+len(want.Roles) > 0 { // no role is held or planned: nothing to name
			roles, err := b.Roles(ctx)
			if err != nil {
				return
			}
			names = roleNames(roles)
		}
		deltas = append(deltas, roleDeltas(assignments, want.Roles, names)...)
	}
	r.data.warnAccessChanges(ctx, s.Space.Key, deltas, diags)
}

// checkPolicy judges the planned table against the provider's access_policy, once every grant is known. The
// space is looked up only when a role could make an administrator.
func (r *spacePermissionsExclusiveResource) checkPolicy(ctx context.Context, plan spacePermissionsExclusiveModel, diags *diag.Diagnostics) {
	if plan.SpaceKey.IsUnknown() || !fullyKnown(plan.Grants) {
		return
	}
	want, d := desiredAccess(ctx, plan.Grants)
	if d.HasError() {
		return // reported by the plan itself
	}
	adminRoles := func(ctx context.Context) (map[string]bool, error) {
		s, d := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
		if d.HasError() {
			return nil, errors.New(d.Errors()[0].Summary())
		}
		return s.AdminRoles(ctx)
	}
	labels := map[confluence.Principal]string{}
	for k, g := range priorLabels(plan.Grants) {
		labels[k.principal] = g
	}
	at := func(p confluence.Principal) path.Path {
		if label, ok := labels[p]; ok {
			return path.Root("grants").AtMapKey(label)
		}
		return path.Root("grants")
	}
	checkPolicyAt(ctx, r.data.policy, plan.SpaceKey.ValueString(), want, adminRoles, plan.PolicyExemption, at, diags)
}

// fullyKnown reports whether a value holds no unknown part (a grant whose group id is computed in this run).
func fullyKnown(v attr.Value) bool {
	if v.IsUnknown() {
		return false
	}
	switch t := v.(type) {
	case types.Set:
		return !slices.ContainsFunc(t.Elements(), func(e attr.Value) bool { return !fullyKnown(e) })
	case types.Map:
		for _, e := range t.Elements() {
			if !fullyKnown(e) {
				return false
			}
		}
	case types.Object:
		for _, a := range t.Attributes() {
			if !fullyKnown(a) {
				return false
			}
		}
	}
	return true
}

// exclusiveState is the state of space s's table, from its listings: the grants labelled as in prior, whose
// settings it keeps. Read, apply and the list resource build the state here.
func exclusiveState(ctx context.Context, s *spaceAccess, prior spacePermissionsExclusiveModel) (spacePermissionsExclusiveModel, error) {
	grants, err := readGrants(ctx, s, prior.Grants)
	if err != nil {
		return prior, err
	}
	prior.ID = types.StringValue(s.Space.Key)
	prior.SpaceKey = types.StringValue(s.Space.Key)
	prior.SpaceID = types.StringValue(s.Space.ID)
	prior.Grants = grants
	return prior, nil
}

// readGrants builds the space's access table as labelled grants: classic permissions per principal and role
// assignments. The labels come from prior (the state, or the plan being applied) by principal; see labelGrants.
func readGrants(ctx context.Context, s *spaceAccess, prior types.Map) (types.Map, error) {
	b := s.Backend()
	grants, err := b.Grants(ctx, s.Space)
	if err != nil {
		return types.Map{}, err
	}
	byPrincipal := map[confluence.Principal][]string{}
	for _, g := range grants {
		byPrincipal[g.Principal] = append(byPrincipal[g.Principal], g.Permission)
	}
	var found []labelledGrant
	for p, perms := range byPrincipal {
		found = append(found, labelledGrant{principal: p, value: grantValue(p, stringSet(perms), types.StringNull())})
	}
	if s.Caps.Roles {
		assignments, err := b.Assignments(ctx, s.Space)
		if err != nil {
			return types.Map{}, err
		}
		for _, a := range assignments {
			found = append(found, labelledGrant{principal: a.Principal, role: true,
				value: grantValue(a.Principal, types.SetNull(types.StringType), types.StringValue(a.RoleID))})
		}
	}
	return labelGrants(priorLabels(prior), found), nil
}

func (r *spacePermissionsExclusiveResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer spacePermissionsExclusiveID.identifyCreate(ctx, resp)
	var plan spacePermissionsExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	r.apply(ctx, &plan, &resp.State, &resp.Diagnostics)
}

func (r *spacePermissionsExclusiveResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer spacePermissionsExclusiveID.identifyUpdate(ctx, resp)
	var plan spacePermissionsExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	r.apply(ctx, &plan, &resp.State, &resp.Diagnostics)
}

// apply makes the space's access table equal to the plan: first every addition (so that a space never loses
// its administrators midway), then every removal, then the role assignments in one request. Whatever happens,
// the state is set to the table as it is afterwards.
func (r *spacePermissionsExclusiveResource) apply(ctx context.Context, plan *spacePermissionsExclusiveModel, state *tfsdk.State, diags *diag.Diagnostics) {
	s, d := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	want, d := desiredAccess(ctx, plan.Grants)
	diags.Append(d...)
	if (len(want.Classic) > 0 && !s.requireClassic(diags)) || (len(want.Roles) > 0 && !s.requireRoles(diags)) {
		return
	}
	// Ids computed in this run were unknown at plan time: check the policy and the administrators now.
	if r.checkPolicy(ctx, *plan, diags); diags.HasError() {
		return
	}
	s.checkChange(ctx, want, plan.AllowSelfLockout.ValueBool(), diags)
	if diags.HasError() {
		return
	}
	err := s.ApplyTable(ctx, want, r.data.settings.parallelism)
	// Read back even when interrupted, so that what was applied is in the state.
	rctx, cancel := transport.Detached(ctx)
	defer cancel()
	after, readErr := exclusiveState(rctx, s, *plan)
	if readErr != nil {
		addAPIError(diags, "Could not read the space's access table back", errors.Join(err, readErr))
		return
	}
	diags.Append(state.Set(ctx, after)...)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Some access changes in space %s failed", s.Space.Key), fmt.Errorf(
			"%w\n\nThe state records what was applied; run apply again to finish", err))
	}
}

func (r *spacePermissionsExclusiveResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer spacePermissionsExclusiveID.identifyRead(ctx, req, resp)
	var state spacePermissionsExclusiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	mode, err := client.SpaceRoleMode(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the site's space role mode", err)
		return
	}
	key := state.SpaceKey.ValueString()
	_, found, err := readStateSpace(ctx, client, key, state.SpaceID.ValueString(), func(sp *confluence.Space) (err error) {
		state, err = exclusiveState(ctx, newSpaceAccess(client, sp, mode), state)
		return err
	})
	if !found {
		resp.Diagnostics.AddWarning("Space no longer exists",
			fmt.Sprintf("Space %s was not found (deleted, or the Confluence account can no longer view it), so its access table was "+
				"removed from the state.", key))
		resp.State.RemoveResource(ctx)
		return
	}
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Space no longer visible",
			fmt.Sprintf("The Confluence account can no longer read the permissions of space %s (it may have lost its own access), so "+
				"the space's access table was removed from the state.", key))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space's access table", err)
		return
	}
	if state.AllowSelfLockout.IsNull() {
		state.AllowSelfLockout = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete stops managing the space and revokes nothing.
func (r *spacePermissionsExclusiveResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

func (r *spacePermissionsExclusiveResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if values, ok := spacePermissionsExclusiveID.importState(ctx, req, resp); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), values[0])...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("allow_self_lockout"), false)...)
	}
}

// spacePermissionsExclusiveID names a space's table by the space key.
var spacePermissionsExclusiveID = idSpec{
	parts: []idPart{{attr: "space_key", desc: "Key of the space."}},
	parse: func(id string) ([]string, error) {
		if !spaceKeyPattern.MatchString(id) {
			return nil, badID("Expected a space key, such as ENG; got %q.", id)
		}
		return []string{id}, nil
	},
}
