package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure   = &spaceRoleResource{}
	_ resource.ResourceWithImportState = &spaceRoleResource{}
	_ resource.ResourceWithIdentity    = &spaceRoleResource{}
	_ resource.ResourceWithModifyPlan  = &spaceRoleResource{}
)

// NewSpaceRoleResource is the constructor of confluence_space_role.
func NewSpaceRoleResource() resource.Resource { return &spaceRoleResource{} }

type spaceRoleResource struct {
	data *providerData
}

type spaceRoleModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Permissions types.Set    `tfsdk:"permissions"`
	Type        types.String `tfsdk:"type"`
}

const (
	roleTypeSystem = "SYSTEM"
	roleTypeCustom = "CUSTOM"
)

func (r *spaceRoleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space_role"
}

func (r *spaceRoleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = spaceRoleID.identitySchema()
}

func (r *spaceRoleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom space role of the Confluence site (role-based access control): a named set of space " +
			"permissions that `confluence_space_role_assignment` gives to groups, users and access classes, space by space. " +
			"Roles belong to the site, not to one space.\n\n" +
			"Atlassian applies changes and deletions of a role asynchronously (it answers 202 with a task id): the provider " +
			"waits, up to the provider's `consistency_timeout`, until the change is visible. When the wait runs out, the change " +
			"has been accepted and will apply shortly; run the command again to confirm it.\n\n" +
			"The system roles (`Admin`, `Manager`, `Collaborator`, `Viewer`) cannot be changed: read them with the " +
			"`confluence_space_roles` data source. Creating, changing and deleting roles needs a site or organization admin " +
			"account. Refused at plan time on a site whose space role mode is `PRE_ROLES` (no roles). A role still assigned in " +
			"some space cannot be deleted: reassign its principals first.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Id of the role (the import ID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the role, unique on the site (compared case-insensitively, system roles included).",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringCheck{description: "no leading or trailing spaces", check: checkTrimmed},
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "What the role is for. Defaults to the empty string (the API requires the field but accepts " +
					"an empty one), so a description added by hand shows as drift.",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Ids of the space permissions the role grants, from the site's permission catalogue " +
					"(`GET /wiki/api/v2/space-permissions`, listed by the `confluence_space_roles` data source), such as " +
					"`read/space`, `create/page` or `administer/space`. Checked at plan time against the catalogue: unknown ids " +
					"are refused, and so is a permission without the ones it requires (most require `read/space`). At least one.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Role type, always `CUSTOM` for roles this resource manages.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func checkTrimmed(s string) error {
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has leading or trailing spaces, which Confluence drops", s)
	}
	return nil
}

func (r *spaceRoleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, before any write: a missing Confluence credential, a site without roles, permission ids the
// catalogue does not know or whose required permissions are missing, and a new role whose name is taken.
func (r *spaceRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var plan spaceRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	mode, err := client.SpaceRoleMode(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the site's space role mode", err)
		return
	}
	if mode == confluence.RoleModePreRoles {
		resp.Diagnostics.AddError("Space roles are not available on this site",
			fmt.Sprintf("The Confluence site is in space role mode %s, which has no space roles, so confluence_space_role cannot be "+
				"used. Give access with classic space permissions instead: confluence_space_principal_permissions, or permissions "+
				"grants in confluence_space_permissions_exclusive.", mode))
		return
	}
	if !plan.Permissions.IsUnknown() && !plan.Permissions.IsNull() {
		perms, ok := knownStrings(ctx, plan.Permissions)
		if ok {
			checkRolePermissions(ctx, client, perms, &resp.Diagnostics)
		}
	}
	if !req.State.Raw.IsNull() || plan.Name.IsUnknown() {
		return
	}
	roles, err := client.SpaceRoles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not list the site's space roles", err)
		return
	}
	if existing := roleNamed(roles, plan.Name.ValueString()); existing != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Space role already exists", roleExistsDetail(existing))
	}
}

// checkRolePermissions checks permission ids against the site's catalogue: each must exist, and each one's
// required permissions must be in the set too.
func checkRolePermissions(ctx context.Context, client *confluence.Client, perms []string, diags *diag.Diagnostics) {
	catalogue, err := client.SpacePermissionCatalogue(ctx)
	if err != nil {
		addAPIError(diags, "Could not read the site's space permission catalogue", err)
		return
	}
	defs := make(map[string]confluence.PermissionDef, len(catalogue))
	valid := make([]string, 0, len(catalogue))
	for _, d := range catalogue {
		defs[d.ID] = d
		valid = append(valid, d.ID)
	}
	var unknown []string
	for _, p := range perms {
		if _, ok := defs[p]; !ok {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) > 0 {
		diags.AddAttributeError(path.Root("permissions"), "Unknown space permissions",
			fmt.Sprintf("The site's space permission catalogue has no %s. Valid permission ids: %s.",
				strings.Join(unknown, ", "), strings.Join(valid, ", ")))
		return
	}
	var missing []string
	var lines []string
	for _, p := range perms {
		need := access.Difference(defs[p].RequiredPermissionIDs, perms)
		if len(need) == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s requires %s", p, strings.Join(need, ", ")))
		for _, n := range need {
			if !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		diags.AddAttributeError(path.Root("permissions"), "Missing required space permissions",
			fmt.Sprintf("Confluence only accepts a role whose permissions include the ones they depend on: %s. Add %s to permissions.",
				strings.Join(lines, "; "), strings.Join(missing, ", ")))
	}
}

func roleNamed(roles []confluence.SpaceRole, name string) *confluence.SpaceRole {
	for i := range roles {
		if strings.EqualFold(roles[i].Name, name) {
			return &roles[i]
		}
	}
	return nil
}

// roleExistsDetail explains what to do about a role name that is taken: import a custom role, rename otherwise.
func roleExistsDetail(role *confluence.SpaceRole) string {
	if role.Type != roleTypeCustom {
		return fmt.Sprintf("%q is the name of the %s role %s, which cannot be managed. Choose another name.", role.Name, strings.ToLower(role.Type), role.ID)
	}
	return fmt.Sprintf("A space role named %q already exists with id %q. To manage it with Terraform, import it instead of "+
		"creating it:\n\n  terraform import confluence_space_role.<name> %s\n\nor add an import block:\n\n  import {\n"+
		"    to = confluence_space_role.<name>\n    id = %q\n  }", role.Name, role.ID, role.ID, role.ID)
}

func (m *spaceRoleModel) input(ctx context.Context) confluence.SpaceRoleInput {
	return confluence.SpaceRoleInput{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		Permissions: setStrings(ctx, m.Permissions),
	}
}

func spaceRoleState(role *confluence.SpaceRole) spaceRoleModel {
	perms := slices.Clone(role.Permissions)
	slices.Sort(perms)
	return spaceRoleModel{
		ID:          types.StringValue(role.ID),
		Name:        types.StringValue(role.Name),
		Description: types.StringValue(role.Description),
		Permissions: stringSet(slices.Compact(perms)),
		Type:        types.StringValue(role.Type),
	}
}

func (r *spaceRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer spaceRoleID.identifyCreate(ctx, resp)
	var plan spaceRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	role, err := client.CreateSpaceRole(ctx, plan.input(ctx))
	if role != nil { // made, even when interrupted since
		resp.Diagnostics.Append(resp.State.Set(ctx, spaceRoleState(role))...)
	}
	if err != nil {
		if transport.IsBadRequest(err) || transport.IsConflict(err) {
			// A name taken since the plan: point at the import rather than at the API's wording alone.
			if roles, lerr := client.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{}); lerr == nil {
				if existing := roleNamed(roles, plan.Name.ValueString()); existing != nil {
					resp.Diagnostics.AddAttributeError(path.Root("name"), "Space role already exists", roleExistsDetail(existing))
					return
				}
			}
		}
		addCreateError(&resp.Diagnostics, "confluence_space_role", "Could not create the space role", err)
		return
	}
	tflog.Info(ctx, "created space role", map[string]any{"id": role.ID})
}

func (r *spaceRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer spaceRoleID.identifyRead(ctx, req, resp)
	var state spaceRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	role, err := client.GetSpaceRole(ctx, state.ID.ValueString())
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Space role no longer exists",
			fmt.Sprintf("Space role %q (%s) was not found on the site; it was deleted outside Terraform. It is removed from the "+
				"state and the next apply creates it again.", state.Name.ValueString(), state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space role", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, spaceRoleState(role))...)
}

func (r *spaceRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer spaceRoleID.identifyUpdate(ctx, resp)
	var plan, state spaceRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := r.data.settings.consistencyTimeout
	role, err := client.UpdateSpaceRole(ctx, state.ID.ValueString(), plan.input(ctx), timeout)
	if errors.Is(err, transport.ErrWaitTimeout) {
		// Accepted but not visible yet: state keeps what the API shows, so the next plan tells the truth.
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		resp.Diagnostics.AddError("Space role change accepted but not applied yet",
			fmt.Sprintf("Confluence accepted the change to space role %q (%s), which it applies asynchronously, but the change "+
				"was not visible after %s (the provider's consistency_timeout). It will most likely apply shortly: run "+
				"terraform apply again to confirm it (the next plan is empty once it has applied), or raise consistency_timeout.\n\n%s",
				state.Name.ValueString(), state.ID.ValueString(), timeout, err))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		addAPIError(&resp.Diagnostics, "Could not update the space role", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, spaceRoleState(role))...)
}

func (r *spaceRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state spaceRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := r.data.settings.consistencyTimeout
	err := client.DeleteSpaceRole(ctx, state.ID.ValueString(), timeout)
	switch {
	case errors.Is(err, transport.ErrWaitTimeout):
		resp.Diagnostics.AddError("Space role deletion accepted but not applied yet",
			fmt.Sprintf("Confluence accepted the deletion of space role %q (%s), which it applies asynchronously, but the role "+
				"was still there after %s (the provider's consistency_timeout). Run terraform destroy (or apply) again to confirm "+
				"the deletion, or raise consistency_timeout.\n\n%s", state.Name.ValueString(), state.ID.ValueString(), timeout, err))
		return
	case transport.IsBadRequest(err):
		addAPIErrorWithHint(&resp.Diagnostics, "Could not delete the space role", err,
			"Confluence refuses to delete a role that principals still hold in some space. Give them another role first "+
				"(confluence_space_role_assignment), then destroy the role.")
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Could not delete the space role", err)
		return
	}
}

func (r *spaceRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	values, ok := spaceRoleID.importState(ctx, req, resp)
	if !ok {
		return
	}
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	role, err := client.GetSpaceRole(ctx, values[0])
	switch {
	case transport.IsNotFound(err):
		resp.Diagnostics.AddError("Space role not found", fmt.Sprintf("No space role with id %q exists on the site.", values[0]))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Could not read the space role", err)
		return
	case role.Type != roleTypeCustom:
		resp.Diagnostics.AddError("System space roles cannot be managed",
			fmt.Sprintf("Space role %q (%s) is a %s role: Confluence does not allow changing or deleting it. Read it with the "+
				"confluence_space_roles data source and assign it with confluence_space_role_assignment instead.", role.Name, role.ID, strings.ToLower(role.Type)))
		return
	}
}

// spaceRoleID names a custom space role by its id.
var spaceRoleID = idSpec{
	parts: []idPart{{attr: "id", desc: "Id of the custom space role."}},
	parse: func(id string) ([]string, error) {
		if strings.TrimSpace(id) == "" || strings.Contains(id, "/") {
			return nil, badID("Expected the id of a custom space role (see the confluence_space_roles data source); got %q.", id)
		}
		return []string{id}, nil
	},
}
