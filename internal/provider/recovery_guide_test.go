package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// The guide "Recovering from an interrupted apply" as written: users that exist in the directory but not in the
// state (a killed apply made them) are adopted in one apply with import { for_each = ... } over a data source
// lookup, and nothing is created twice.
func TestAccRecoveryGuide_importForEach(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	for _, name := range []string{"jane@example.com", "ken@example.com"} {
		if _, err := env.SCIM(t).CreateUser(context.Background(), scim.User{
			UserName: name, Emails: []scim.Email{{Value: name, Type: "work", Primary: true}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	config := env.Config(`
locals {
  people = {
    jane = "jane@example.com"
    ken  = "ken@example.com"
    lea  = "lea@example.com"
  }
  # The instances whose create failed with "already exists".
  stranded = toset(["jane", "ken"])
}

resource "confluence_scim_user" "people" {
  for_each  = local.people
  user_name = each.value
  email     = each.value
}

data "confluence_scim_user" "stranded" {
  for_each  = local.stranded
  user_name = local.people[each.key]
}

import {
  for_each = data.confluence_scim_user.stranded
  to       = confluence_scim_user.people[each.key]
  id       = each.value.id
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(`confluence_scim_user.people["jane"]`, plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(`confluence_scim_user.people["ken"]`, plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(`confluence_scim_user.people["lea"]`, plancheck.ResourceActionCreate),
			}},
		}, {
			// The harness cannot read back a state holding for_each instances; leave it empty.
			Config: env.Config(""),
		}},
	})
}
