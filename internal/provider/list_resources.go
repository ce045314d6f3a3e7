package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// List resources (Terraform 1.14 and later) find what exists for `terraform query`, each result named by the
// resource's idSpec and, when Terraform asks for it (to generate configuration), carrying the state that the
// resource's own read builds from the same API object.

// listBase is what every list resource holds: the resource type it lists and the provider's data.
type listBase struct {
	typeName string // the resource type without the provider's name, such as "_scim_user"
	data     *providerData
}

func (l *listBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.typeName
}

func (l *listBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// listed is one object a listing found.
type listed struct {
	id      []string // the idSpec's parts
	display string
	// state builds the resource's state, only when Terraform asks for it: it may cost requests.
	state func(context.Context) (any, diag.Diagnostics)
}

// listStart reads the list block's configuration into cfg and gets the client the listing needs; on failure
// the stream holds the error and ok is false.
func listStart[C, T any](ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, cfg *C, client func(context.Context) (T, diag.Diagnostics)) (c T, ok bool) {
	diags := req.Config.Get(ctx, cfg)
	if !diags.HasError() {
		var d diag.Diagnostics
		c, d = client(ctx)
		diags.Append(d...)
	}
	if diags.HasError() {
		stream.Results = listError(diags)
		return c, false
	}
	return c, true
}

// listResults streams what a listing finds as list results, at most req.Limit of them: each found object that
// pick keeps becomes one result. An API error ends the stream with an error result saying what could not be
// listed.
func listResults[T any](ctx context.Context, req list.ListRequest, spec idSpec, what string, found iter.Seq2[T, error], pick func(T) (listed, bool)) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var n int64
		for obj, err := range found {
			if err != nil {
				var diags diag.Diagnostics
				addAPIError(&diags, "Could not list "+what, err)
				push(list.ListResult{Diagnostics: diags})
				return
			}
			f, keep := pick(obj)
			if !keep {
				continue
			}
			r := req.NewListResult(ctx)
			r.DisplayName = f.display
			r.Diagnostics.Append(spec.setIdentity(ctx, f.id, r.Identity)...)
			if req.IncludeResource && f.state != nil {
				state, diags := f.state(ctx)
				if r.Diagnostics.Append(diags...); !diags.HasError() {
					r.Diagnostics.Append(r.Resource.Set(ctx, state)...)
				}
			}
			if !push(r) {
				return
			}
			if n++; req.Limit > 0 && n >= req.Limit {
				return
			}
		}
	}
}

// listError is a stream of one error result, for a listing that cannot start.
func listError(diags diag.Diagnostics) iter.Seq[list.ListResult] {
	return list.ListResultsStreamDiagnostics(diags)
}

// spaceListConfig is the filter of the list resources that find something per space.
type spaceListConfig struct {
	SpaceKeys types.List   `tfsdk:"space_keys"`
	Type      types.String `tfsdk:"type"`
	Status    types.String `tfsdk:"status"`
}

// spaceFilterAttributes are the filter's attributes: those of GET /wiki/api/v2/spaces.
func spaceFilterAttributes() map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"space_keys": listschema.ListAttribute{
			MarkdownDescription: "Only these spaces, such as `[\"ENG\", \"OPS\"]`. Keys that name no space the Confluence account " +
				"can view find nothing.",
			ElementType: types.StringType,
			Optional:    true,
			Validators: []validator.List{listvalidator.ValueStringsAre(
				stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space"))},
		},
		"type": listschema.StringAttribute{
			MarkdownDescription: "Only spaces of this type: " + markdownList(confluence.SpaceFilterTypes) + ".",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.OneOf(confluence.SpaceFilterTypes...)},
		},
		"status": listschema.StringAttribute{
			MarkdownDescription: "Only `current` or only `archived` spaces.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.OneOf(confluence.SpaceFilterStatuses...)},
		},
	}
}

// spaces lists the spaces the filter names, 250 a request.
func (c spaceListConfig) spaces(ctx context.Context, client *confluence.Client) iter.Seq2[confluence.Space, error] {
	var keys []string
	for _, k := range c.SpaceKeys.Elements() {
		if s, ok := k.(types.String); ok && !s.IsNull() {
			keys = append(keys, s.ValueString())
		}
	}
	return client.ListSpaces(ctx, confluence.SpaceFilter{Keys: keys, Type: c.Type.ValueString(), Status: c.Status.ValueString()})
}
