package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure   = &groupResource{}
	_ resource.ResourceWithImportState = &groupResource{}
	_ resource.ResourceWithIdentity    = &groupResource{}
	_ resource.ResourceWithModifyPlan  = &groupResource{}
)

// Admin API codes of a refused group deletion (reference §2.10).
const (
	groupDeleteNotManageable = "ADMIN-403-5"
	groupDeleteDefaultGroup  = "ADMIN-403-6"
	groupDeleteGrantsAdmin   = "ADMIN-403-7"
)

// NewGroupResource is the constructor of confluence_group.
func NewGroupResource() resource.Resource { return &groupResource{} }

type groupResource struct {
	data *providerData
}

type groupModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	DirectoryID types.String `tfsdk:"directory_id"`
}

// checkOrgGroupName refuses blank names and names with surrounding spaces, which Atlassian may trim and which
// would then show as a difference on every plan.
func checkOrgGroupName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("the group name must not be empty or only spaces")
	}
	return checkNoSurroundingSpaces("the group name")(name)
}

func (r *groupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (r *groupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = groupID.identitySchema()
}

func (r *groupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A local Atlassian group of the organization (created by admins, not synced from an identity " +
			"provider), managed through the Organizations API. Use it as the target of a `confluence_group_mapping` or as the " +
			"principal of Confluence space permissions.\n\n" +
			"~> The Organizations API cannot change a group once it exists, so changing `name` or `description` replaces the " +
			"group: the new group starts without members, product access or space permissions.\n\nGroups synced from an identity " +
			"provider cannot be imported here: manage them with `confluence_scim_group`. Atlassian refuses to delete default " +
			"groups (such as `confluence-users`) and groups that grant admin access; revoke the admin role first, or stop " +
			"managing a default group with a `removed` block.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Atlassian group id (the same id Confluence uses for space permissions).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Group name, unique in the organization without regard to case. The API has no rename, so " +
					"changing it replaces the group. A name already taken in the organization is a plan-time error with the " +
					"import command.",
				Required: true,
				Validators: []validator.String{
					stringCheck{description: "a group name without surrounding spaces", check: checkOrgGroupName},
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the group. The API cannot update a group, so changing it **replaces** the " +
					"group (destroy, then create).",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"directory_id": schema.StringAttribute{
				MarkdownDescription: "Id of the organization directory the group is created in. Defaults to the organization's " +
					"one directory that is not the provider's SCIM directory (`scim_directory_url`): its local directory. When " +
					"the organization has several such directories, the plan fails and lists them by id and name; set this to " +
					"one of them. A group cannot move between directories, so changing it replaces the group. Import fills it.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.NoneOf(admin.AllDirectories),
				},
				// Only a configured change replaces: a state written before directory_id existed holds null
				// until its next refresh, which is no move.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
			},
		},
	}
}

func (r *groupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// replacingKey is the private plan data that links the two plans Terraform asks for when it replaces a
// group: the first (with the prior state) records the id being replaced, the second (with a null prior state,
// like a create) then knows that a group of that id holding the name is the one about to be deleted.
const replacingKey = "replacing_group_id"

// ModifyPlan fails the plan early when the Organizations API is not configured, when the group a plan would
// create (a new resource, or a replacement under another name) already exists, and when the directory it would
// go in is not a local directory of the organization or cannot be chosen. It plans directory_id.
func (r *groupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	client, diags := r.data.Admin(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var plan groupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		// Recorded on every plan of an existing group, since a replacement may also come from -replace or a
		// taint, not only from a changed attribute. Only a replacement's second plan ever reads it.
		var state groupModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			id, _ := json.Marshal(state.ID.ValueString())
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacingKey, id)...)
		}
		return // a replacement is planned again as a create, which checks the name
	}
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("directory_id"), &configured)...)
	dir, d := r.data.groupDirectory(ctx, client, configured)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if dir != "" {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("directory_id"), dir)...)
	}
	if plan.Name.IsUnknown() {
		return
	}
	var replacing string
	if raw, d := req.Private.GetKey(ctx, replacingKey); !d.HasError() && len(raw) > 0 {
		_ = json.Unmarshal(raw, &replacing)
	}
	found, err := client.GroupsByName(ctx, admin.AllDirectories, plan.Name.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not check whether the group already exists", err)
		return
	}
	for i := range found {
		if found[i].ID != replacing {
			addOrgGroupExists(&resp.Diagnostics, &found[i])
			return
		}
	}
}

// addOrgGroupExists explains what to do about a group whose name is taken: import a local group, or leave a
// synced one to the identity provider.
func addOrgGroupExists(diags *diag.Diagnostics, g *admin.Group) {
	if orgGroupIsSynced(g) {
		diags.AddAttributeError(path.Root("name"), "Group already exists",
			fmt.Sprintf("A group named %q (id %q) already exists in the organization and is synced from an identity provider, "+
				"so it cannot be managed as a confluence_group. Choose another name, or manage the group with "+
				"confluence_scim_group and give it Confluence access with confluence_group_mapping.", g.Name, g.ID))
		return
	}
	// A tainted resource is planned like a new one, with nothing naming the group it holds.
	diags.AddAttributeError(path.Root("name"), "Group already exists", alreadyExistsDetail("group", g.Name, "confluence_group", g.ID)+
		"\n\nIf it is the group of a tainted confluence_group, run terraform untaint on that resource and replace it with "+
		"terraform apply -replace=<address> instead.")
}

// orgGroupIsSynced reports whether a group is synced from an identity provider: read-only in the Admin API.
func orgGroupIsSynced(g *admin.Group) bool {
	return g.ExternalSynced || strings.EqualFold(g.ManagedBy, "external")
}

func (r *groupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer groupID.identifyCreate(ctx, resp)
	var plan groupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, diags := r.data.Admin(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := r.data.settings
	// The create answers 201 without the id; the client then waits for the group to show in a search by
	// name. consistency_timeout bounds that wait, plus one request's budget for the create itself.
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	cctx, cancel := context.WithTimeout(ctx, s.consistencyTimeout+s.requestTimeout)
	defer cancel()
	name := plan.Name.ValueString()
	g, err := client.CreateGroup(cctx, plan.DirectoryID.ValueString(), name, plan.Description.ValueString())
	if g != nil { // made, even when interrupted since
		resp.Diagnostics.Append(resp.State.Set(ctx, orgGroupState(plan, g))...)
	}
	switch {
	case transport.IsConflict(err):
		if found, ferr := client.GroupByName(ctx, admin.AllDirectories, name); ferr == nil {
			addOrgGroupExists(&resp.Diagnostics, found)
			return
		}
		addAPIError(&resp.Diagnostics, "Could not create the group", err)
		return
	case err != nil && ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, transport.ErrWaitTimeout)):
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Group did not appear in time",
			fmt.Sprintf("%s\n\nAtlassian may have accepted the group %q without it showing in the organization within "+
				"consistency_timeout (%s). Run terraform plan again: once the group shows, the plan reports it with the "+
				"command to import it. Raise consistency_timeout if this happens often.", err, name, s.consistencyTimeout))
		return
	case err != nil:
		addCreateError(&resp.Diagnostics, "confluence_group", "Could not create the group", err)
		return
	}
	tflog.Info(ctx, "created Atlassian group", map[string]any{"id": g.ID})
}

// orgGroupState maps the API's group onto the model, keeping the configured spelling of a name that differs
// only in case (Atlassian compares group names without regard to case).
func orgGroupState(prior groupModel, g *admin.Group) groupModel {
	m := groupModel{
		ID: types.StringValue(g.ID), Name: types.StringValue(g.Name), Description: types.StringNull(),
		DirectoryID: types.StringValue(g.DirectoryID),
	}
	if !prior.Name.IsNull() && strings.EqualFold(prior.Name.ValueString(), g.Name) {
		m.Name = prior.Name
	}
	if g.Description != "" {
		m.Description = types.StringValue(g.Description)
	}
	return m
}

func (r *groupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer groupID.identifyRead(ctx, req, resp)
	var state groupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Admin(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := client.GetGroup(ctx, admin.AllDirectories, state.ID.ValueString())
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Group no longer exists",
			fmt.Sprintf("Group %q (%s) was not found in the organization; it was deleted outside Terraform. "+
				"It is removed from the state and the next apply creates it again.", state.Name.ValueString(), state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the group", err)
		return
	}
	if orgGroupIsSynced(g) {
		// Only an import can bring a synced group here: Create makes local groups.
		resp.Diagnostics.AddError("Group is synced from an identity provider",
			fmt.Sprintf("Group %q (%s) is synced from an identity provider (managed by %q). Its name, description and members "+
				"are managed by the identity provider and Atlassian refuses to change or delete it through the Organizations API, "+
				"so confluence_group cannot manage it. Manage it with confluence_scim_group (and the SCIM membership resources), "+
				"give it Confluence access with confluence_group_mapping, or read it with the confluence_group data source.",
				g.Name, g.ID, g.ManagedBy))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, orgGroupState(state, g))...)
}

// Update is called with no change to the group: every configurable attribute replaces it. It fills a
// directory_id the plan could not know (a state from before the attribute, planned without a refresh).
func (r *groupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer groupID.identifyUpdate(ctx, resp)
	var plan groupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.DirectoryID.IsUnknown() { // a state from before directory_id, planned without a refresh
		client, diags := r.data.Admin(ctx)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		g, err := client.GetGroup(ctx, admin.AllDirectories, plan.ID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the group", err)
			return
		}
		plan.DirectoryID = types.StringValue(g.DirectoryID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *groupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Admin(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := client.DeleteGroup(ctx, state.ID.ValueString())
	if err == nil {
		return
	}
	name := state.Name.ValueString()
	switch {
	case transport.IsForbidden(err) && transport.Code(err) == groupDeleteDefaultGroup:
		resp.Diagnostics.AddError("Atlassian does not delete default groups",
			fmt.Sprintf("%s\n\nGroup %q is a default group that gives users access to a product, and Atlassian refuses to delete "+
				"default groups. Stop managing it instead of destroying it: replace its resource block with\n\n"+
				"  removed {\n    from = confluence_group.<name>\n    lifecycle {\n      destroy = false\n    }\n  }\n\n"+
				"or run: terraform state rm confluence_group.<name>", err, name))
	case transport.IsForbidden(err) && transport.Code(err) == groupDeleteGrantsAdmin:
		resp.Diagnostics.AddError("Group grants admin access",
			fmt.Sprintf("%s\n\nAtlassian refuses to delete group %q while it grants admin access to a product. Revoke its admin "+
				"role first (remove atlassian/admin from the product_access of the confluence_group_mapping that targets it, or "+
				"revoke it in admin.atlassian.com → Directory → Groups → %s → Product access), then destroy again.", err, name, name))
	case transport.IsForbidden(err) && transport.Code(err) == groupDeleteNotManageable:
		resp.Diagnostics.AddError("Group cannot be managed",
			fmt.Sprintf("%s\n\nAtlassian does not let this organization API key delete group %q. Groups synced from an identity "+
				"provider can only be deleted there (or with confluence_scim_group); otherwise check that the key belongs to an "+
				"organization admin.", err, name))
	default:
		addAPIError(&resp.Diagnostics, "Could not delete the group", err)
	}
}

func (r *groupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	groupID.importState(ctx, req, resp)
}

// groupID names a group by its Atlassian group id.
var groupID = idSpec{
	parts: []idPart{{attr: "id", desc: "Atlassian id of the group."}},
	parse: func(id string) ([]string, error) {
		if strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/ \t\n") {
			return nil, badID("Expected the Atlassian group id, such as 0d5bd2b5-7c1f-4b8e-9a1f-3c8f6a2e9b10 (shown by the "+
				"confluence_group data source, or in admin.atlassian.com → Directory → Groups); got %q.", id)
		}
		return []string{id}, nil
	},
}
