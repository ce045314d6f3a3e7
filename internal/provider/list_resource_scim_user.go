package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
)

var _ list.ListResourceWithConfigure = &scimUserList{}

// NewSCIMUserList is the constructor of the confluence_scim_user list resource.
func NewSCIMUserList() list.ListResource { return &scimUserList{listBase{typeName: "_scim_user"}} }

type scimUserList struct{ listBase }

type scimUserListConfig struct {
	UserNamePrefix    types.String `tfsdk:"user_name_prefix"`
	DisplayNamePrefix types.String `tfsdk:"display_name_prefix"`
	Active            types.Bool   `tfsdk:"active"`
}

func (l *scimUserList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The users of the SCIM directory. Atlassian's SCIM filters compare one attribute for equality only, " +
			"so the directory is listed in pages of 100 and the prefixes are matched here, without regard to case.",
		Attributes: map[string]listschema.Attribute{
			"user_name_prefix": listschema.StringAttribute{
				MarkdownDescription: "Only users whose `user_name` starts with this, such as `contractor-`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_name_prefix": listschema.StringAttribute{
				MarkdownDescription: "Only users whose `display_name` starts with this.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"active": listschema.BoolAttribute{
				MarkdownDescription: "Only active (`true`) or only deactivated (`false`) users. Atlassian's SCIM listing leaves most " +
					"deactivated users out, so `false` finds few.",
				Optional: true,
			},
		},
	}
}

func (l *scimUserList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg scimUserListConfig
	client, ok := listStart(ctx, req, stream, &cfg, l.data.SCIM)
	if !ok {
		return
	}
	stream.Results = listResults(ctx, req, scimUserID, "the SCIM directory's users", client.Users(ctx), func(u scim.User) (listed, bool) {
		if !hasPrefixFold(u.UserName, cfg.UserNamePrefix) || !hasPrefixFold(u.DisplayName, cfg.DisplayNamePrefix) ||
			(knownBool(cfg.Active) && u.IsActive() != cfg.Active.ValueBool()) {
			return listed{}, false
		}
		return listed{id: []string{u.ID}, display: u.UserName, state: func(context.Context) (any, diag.Diagnostics) {
			return listedSCIMUser(u), nil
		}}, true
	})
}

// listedSCIMUser is the state of a listed user, with the settings left at their defaults null so that
// generated configuration leaves them out.
func listedSCIMUser(u scim.User) scimUserModel {
	m := scimUserState(scimUserModel{}, &u)
	m.OnDestroy = types.StringNull()
	if m.Active.ValueBool() {
		m.Active = types.BoolNull()
	}
	return m
}

// hasPrefixFold tells whether s starts with prefix, without regard to case; a null prefix matches everything.
func hasPrefixFold(s string, prefix types.String) bool {
	p := prefix.ValueString()
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

func knownBool(v types.Bool) bool { return !v.IsNull() && !v.IsUnknown() }
