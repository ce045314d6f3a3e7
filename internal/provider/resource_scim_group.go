package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure   = &scimGroupResource{}
	_ resource.ResourceWithImportState = &scimGroupResource{}
	_ resource.ResourceWithIdentity    = &scimGroupResource{}
	_ resource.ResourceWithModifyPlan  = &scimGroupResource{}
)

// NewSCIMGroupResource is the constructor of confluence_scim_group.
func NewSCIMGroupResource() resource.Resource { return &scimGroupResource{} }

type scimGroupResource struct {
	data *providerData
}

type scimGroupModel struct {
	ID          types.String `tfsdk:"id"`
	DisplayName types.String `tfsdk:"display_name"`
	ExternalID  types.String `tfsdk:"external_id"`
}

// builtInGroups are Atlassian's default and built-in group names. A SCIM group with one of these names is
// accepted by the directory but never synced to the site, so it is refused at plan time.
var builtInGroups = []string{
	"administrators", "atlassian-addons", "atlassian-addons-admin", "bitbucket-users", "confluence-administrators",
	"confluence-users", "jira-administrators", "jira-core-users", "jira-product-discovery-users",
	"jira-servicedesk-users", "jira-servicemanagement-users", "jira-software-users", "jira-users",
	"jira-work-management-users", "opsgenie-users", "org-admins", "site-admins", "statuspage-users",
	"system-administrators", "trusted-users", "user-access-admins",
}

func checkNotBuiltInGroup(name string) error {
	for _, g := range builtInGroups {
		if strings.EqualFold(strings.TrimSpace(name), g) {
			return fmt.Errorf("%q is an Atlassian default or built-in group name: the directory accepts such a group but never "+
				"syncs it to the site. Choose another name. Reserved names: %s", name, strings.Join(builtInGroups, ", "))
		}
	}
	return nil
}

func (r *scimGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (r *scimGroupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimGroupID.identitySchema()
}

func (r *scimGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A group in the Atlassian SCIM directory, as an identity provider would push it. Once synced, the " +
			"group appears in the organization as an externally managed group that `confluence_group_mapping` can connect to " +
			"Confluence.\n\nThis resource does not manage members: use `confluence_scim_group_member` (additive) or " +
			"`confluence_scim_group_members_exclusive` (authoritative).\n\n!> Destroying the group deletes it from the directory, " +
			"the organization and the sites, so its members lose the access granted through it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "SCIM id of the group.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Group name. Atlassian cannot rename a synced group, so changing it replaces the group. " +
					"Atlassian default and built-in group names (`confluence-users`, `site-admins`, `administrators`, " +
					"`jira-users`, …) are refused because Atlassian silently never syncs them.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringCheck{description: "not an Atlassian built-in group name", check: checkNotBuiltInGroup},
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"external_id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the group in the identity provider (case-sensitive). When unset, the " +
					"provider leaves whatever value the directory holds alone.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *scimGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan early when the SCIM API is not configured, and when a group to be created already
// exists in the directory (it should be imported instead).
func (r *scimGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || !req.State.Raw.IsNull() {
		return
	}
	var plan scimGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.DisplayName.IsUnknown() {
		return
	}
	existing, err := client.FindGroupsByName(ctx, plan.DisplayName.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not check whether the SCIM group already exists", err)
		return
	}
	if g := matchGroupName(existing, plan.DisplayName.ValueString()); g != nil {
		resp.Diagnostics.AddAttributeError(path.Root("display_name"), "SCIM group already exists", alreadyExistsDetail("group", g.DisplayName, "confluence_scim_group", g.ID))
	}
}

// matchGroupName picks the group named name (case-insensitively, as Atlassian compares group names).
func matchGroupName(groups []scim.Group, name string) *scim.Group {
	for i := range groups {
		if strings.EqualFold(groups[i].DisplayName, name) {
			return &groups[i]
		}
	}
	return nil
}

// alreadyExistsDetail explains how to bring an existing object under management. The commands sit on indented
// lines, which Terraform does not wrap.
func alreadyExistsDetail(kind, name, resourceType, id string) string {
	return fmt.Sprintf("A %s named %q already exists with id %q. To manage it with Terraform, import it instead of creating "+
		"it:\n\n  terraform import %s.<name> %s\n\nor add an import block:\n\n%s", kind, name, id, resourceType, id, importBlock(resourceType, id))
}

func (r *scimGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimGroupID.identifyCreate(ctx, resp)
	var plan scimGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	created, err := client.CreateGroup(ctx, scim.Group{
		DisplayName: plan.DisplayName.ValueString(),
		ExternalID:  plan.ExternalID.ValueString(),
	})
	if created != nil { // made, even when interrupted since
		resp.Diagnostics.Append(resp.State.Set(ctx, groupState(plan, created))...)
	}
	if err != nil {
		if transport.IsConflict(err) {
			if found, ferr := client.FindGroupsByName(ctx, plan.DisplayName.ValueString()); ferr == nil {
				if g := matchGroupName(found, plan.DisplayName.ValueString()); g != nil {
					resp.Diagnostics.AddAttributeError(path.Root("display_name"), "SCIM group already exists",
						alreadyExistsDetail("group", g.DisplayName, "confluence_scim_group", g.ID))
					return
				}
			}
		}
		addCreateError(&resp.Diagnostics, "confluence_scim_group", "Could not create the SCIM group", err)
		return
	}
	tflog.Info(ctx, "created SCIM group", map[string]any{"id": created.ID})
}

// groupState maps the API's group onto the model, keeping the configured spelling of a name that differs only
// in case so that no spurious diff appears.
func groupState(prior scimGroupModel, g *scim.Group) scimGroupModel {
	m := scimGroupModel{ID: types.StringValue(g.ID), DisplayName: types.StringValue(g.DisplayName), ExternalID: types.StringValue(g.ExternalID)}
	if strings.EqualFold(prior.DisplayName.ValueString(), g.DisplayName) && !prior.DisplayName.IsNull() {
		m.DisplayName = prior.DisplayName
	}
	if g.ExternalID == "" {
		m.ExternalID = types.StringNull()
	}
	return m
}

func (r *scimGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimGroupID.identifyRead(ctx, req, resp)
	var state scimGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := client.GetGroup(ctx, state.ID.ValueString())
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("SCIM group no longer exists",
			fmt.Sprintf("SCIM group %q (%s) was not found in the directory; it was deleted outside Terraform. "+
				"It is removed from the state and the next apply creates it again.", state.DisplayName.ValueString(), state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the SCIM group", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, groupState(state, g))...)
}

func (r *scimGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimGroupID.identifyUpdate(ctx, resp)
	var plan, state scimGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var ops []scim.PatchOperation
	if !plan.ExternalID.IsUnknown() && !plan.ExternalID.Equal(state.ExternalID) {
		ops = append(ops, scim.Replace("externalId", plan.ExternalID.ValueString()))
	}
	g, err := client.GetGroup(ctx, state.ID.ValueString())
	if len(ops) > 0 {
		g, err = client.PatchGroup(ctx, state.ID.ValueString(), ops...)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not update the SCIM group", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, groupState(plan, g))...)
}

func (r *scimGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := client.DeleteGroup(ctx, state.ID.ValueString()); err != nil {
		addAPIError(&resp.Diagnostics, "Could not delete the SCIM group", err)
	}
}

func (r *scimGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scimGroupID.importState(ctx, req, resp)
}

// scimGroupID names a SCIM group by its SCIM id.
var scimGroupID = idSpec{
	parts: []idPart{{attr: "id", desc: "SCIM id of the group."}},
	parse: func(id string) ([]string, error) {
		if strings.TrimSpace(id) == "" || strings.Contains(id, "/") {
			return nil, badID("Expected the SCIM id of the group, such as 50202593-bc47-45df-8fa0-3f63343aa3c1; got %q.", id)
		}
		return []string{id}, nil
	},
}
