package provider_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const licenseAddr = "data.confluence_license_usage.this"

// emails checks the emails of a list of accounts in the state.
func emails(path string, want ...string) statecheck.StateCheck {
	return acctest.ExpectFieldValues(licenseAddr, tfjsonpath.New(path), "email", want...)
}

// The site's licensed accounts, sorted: a deactivated member of confluence-users is listed apart, accounts
// that joined today are not idle, and the whole read is one search per product role.
func TestAccLicenseUsage_basic(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	users, _ := offboardingSite(t, env)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    env.Config(`data "confluence_license_usage" "this" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(licenseAddr, tfjsonpath.New("inactive_days"), knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue(licenseAddr, tfjsonpath.New("licensed_count"), knownvalue.Int64Exact(3)), // admin, bob, carl
					emails("idle_users"),
					emails("deactivated_in_groups", "carl@example.com"),
					emails("suspended_in_groups"),
					emails("app_accounts"),
					acctest.CheckAPI(func(context.Context) error {
						want := map[string]int{"POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search": 3}
						if got := env.APIStats(); !maps.Equal(got, want) {
							return fmt.Errorf("requests %v, want %v", got, want)
						}
						return nil
					}),
				},
			},
			{
				Config: env.Config(fmt.Sprintf(`data "confluence_license_usage" "this" { keep_account_ids = [%q] }`, users["carl@example.com"])),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(licenseAddr, tfjsonpath.New("licensed_count"), knownvalue.Int64Exact(2)),
					emails("deactivated_in_groups"),
				},
			},
		},
	})
}

func TestAccLicenseUsage_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"inactive_days": {Config: env.Config(`data "confluence_license_usage" "this" { inactive_days = 0 }`), Error: `(?s)inactive_days.*at least 1`},
		"keep":          {Config: env.Config(`data "confluence_license_usage" "this" { keep_account_ids = ["a b"] }`), Error: `(?s)keep_account_ids.*must be an account id`},
	})
}

// A seeded population: idle and never-active accounts are idle seats; suspended and deactivated members of
// confluence-users are listed apart; guests, active today, are not idle.
func TestAccLicenseUsage_population(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Population: emulator.Population{Idle: 2, IdleDays: 120, NeverActive: 1, Suspended: 1, Deactivated: 1, Guests: 1}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.Config(`data "confluence_license_usage" "this" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(licenseAddr, tfjsonpath.New("licensed_count"), knownvalue.Int64Exact(7)),
					emails("idle_users", "idle-001@example.com", "idle-002@example.com", "never-001@example.com"),
					emails("suspended_in_groups", "suspended-001@example.com"),
					emails("deactivated_in_groups", "deactivated-001@example.com"),
					statecheck.ExpectKnownValue(licenseAddr, tfjsonpath.New("idle_users").AtSliceIndex(2).AtMapKey("last_active"), knownvalue.Null()),
					statecheck.ExpectKnownValue(licenseAddr, tfjsonpath.New("idle_users").AtSliceIndex(0).AtMapKey("last_active"), knownvalue.NotNull()),
				},
			},
			{ // a longer period: the accounts idle for 120 days are not idle for it
				Config:            env.Config(`data "confluence_license_usage" "this" { inactive_days = 365 }`),
				ConfigStateChecks: []statecheck.StateCheck{emails("idle_users")},
			},
		},
	})
}
