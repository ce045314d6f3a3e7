package provider

import (
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

// An account as the access data sources show it: the same attributes in confluence_effective_access and
// confluence_license_usage, each adding its own.

var accountAttrTypes = map[string]attr.Type{
	"account_id":   types.StringType,
	"email":        types.StringType,
	"display_name": types.StringType,
	"status":       types.StringType,
	"account_type": types.StringType,
	"product_role": types.StringType,
}

// accountAttributes is the schema of accountAttrTypes plus more.
func accountAttributes(more map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{
		"account_id":   schema.StringAttribute{MarkdownDescription: "Atlassian account id.", Computed: true},
		"email":        schema.StringAttribute{MarkdownDescription: "Email address, as the organization sees it.", Computed: true},
		"display_name": schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
		"status": schema.StringAttribute{MarkdownDescription: "The account's status in the organization: `active`, " +
			"`suspended`, `deactivated`, …", Computed: true},
		"account_type": schema.StringAttribute{MarkdownDescription: "`atlassian`, `app` or `customer`.", Computed: true},
		"product_role": schema.StringAttribute{MarkdownDescription: "The account's product access to the Confluence " +
			"site: `admin`, `user`, `guest` or `none`.", Computed: true},
	}
	maps.Copy(out, more)
	return out
}

// withAccountTypes is accountAttrTypes plus more.
func withAccountTypes(more map[string]attr.Type) map[string]attr.Type {
	out := maps.Clone(accountAttrTypes)
	maps.Copy(out, more)
	return out
}

// accountValues are the values of accountAttrTypes for a, plus more.
func accountValues(a access.Account, more map[string]attr.Value) map[string]attr.Value {
	out := map[string]attr.Value{
		"account_id":   types.StringValue(a.ID),
		"email":        nullIfEmpty(a.Email),
		"display_name": nullIfEmpty(a.Name),
		"status":       types.StringValue(a.Status),
		"account_type": nullIfEmpty(a.Type),
		"product_role": types.StringValue(a.ProductRole),
	}
	maps.Copy(out, more)
	return out
}
