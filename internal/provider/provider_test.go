package provider_test

import (
	"context"
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// Provider settings are checked at plan time, with the attribute and the expected shape in the message.
func TestAccProvider_invalidSettings(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	body := `data "confluence_space" "eng" { key = "ENG" }`
	cases := map[string]struct{ extra, want string }{
		"scim url shape":    {`scim_directory_url = "https://api.atlassian.com/scim/v2/abc"`, `(?s)scim_directory_url.*expected\s+https://api.atlassian.com/scim/directory/<directoryId>`},
		"plain http remote": {`site_url = "http://acme.atlassian.net"`, `(?s)site_url.*must use https://`},
		"duration":          {`request_timeout = "soon"`, `(?s)request_timeout.*not a duration`},
		"parallelism":       {`parallelism = 0`, `(?s)parallelism.*between 1 and 32`},
		"max retries":       {`max_retries = -1`, `(?s)max_retries.*at least 0`},
		"expiry format":     {`scim_api_key_expires_at = "01/02/2027"`, `(?s)scim_api_key_expires_at.*RFC 3339`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			omit := []string{}
			if m := regexp.MustCompile(`^(\w+) =`).FindStringSubmatch(c.extra); m != nil {
				omit = append(omit, m[1])
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderBlock(omit, c.extra) + body,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// An expired scim_api_key_expires_at fails only what uses the SCIM API: a configuration of Confluence
// resources plans and applies, a SCIM resource is refused with the expiry error, before any SCIM request.
func TestAccProvider_expiredSCIMKey(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	expired := `scim_api_key_expires_at = "2020-01-01"`

	t.Run("confluence only", func(t *testing.T) {
		t.Parallel()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.ProviderBlock(nil, expired) + spaceRoleBody("Expiry editors", "", "read/space"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(spaceRoleAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spaceRoleAddr, tfjsonpath.New("name"), knownvalue.StringExact("Expiry editors")),
				},
			}},
		})
	})

	t.Run("scim resource", func(t *testing.T) {
		t.Parallel()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.ProviderBlock(nil, expired) + `resource "confluence_scim_group" "eng" { display_name = "expiry" }`,
				ExpectError: regexp.MustCompile(`(?s)SCIM API key has expired.*Regenerate`),
			}},
		})
		if n := env.Requests("POST /scim/directory/{directoryId}/Groups"); n != 0 {
			t.Errorf("an expired key must stop SCIM writes; %d group creations reached the emulator", n)
		}
	})
}

// A host that refuses connections (nothing listens on a loopback port) or does not resolve fails at once, and the
// error names the setting that holds it.
func TestAccProvider_unreachableHost(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close() // nothing listens here now
	// Without the Organizations API settings no organization check runs first, so the failing request is the
	// resource's own.
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"refused site_url": {
			Config: env.ProviderBlock([]string{"site_url", "organization_id", "admin_api_key"}, `site_url = "http://`+closed+`"`, "max_retries = 10") +
				`data "confluence_space" "eng" { key = "ENG" }`,
			Error: wrapped(`(?s)` + regexp.QuoteMeta(closed) + ` refused the connection.*Check site_url \(CONFLUENCE_SITE_URL\)`),
		},
		"unresolvable scim_directory_url": {
			Config: env.ProviderBlock([]string{"scim_directory_url", "organization_id", "admin_api_key"}, `scim_directory_url = "https://nonexistent.invalid/scim/directory/d1"`, "max_retries = 10") +
				`data "confluence_scim_user" "u" { user_name = "someone@example.com" }`,
			Error: wrapped(`(?s)host nonexistent.invalid does not exist.*Check scim_directory_url \(ATLASSIAN_SCIM_DIRECTORY_URL\)`),
		},
	})
}

// When 429 or 503 answers outlast max_retries, the error says which it was and how many attempts were made.
func TestAccProvider_retriesExhausted(t *testing.T) {
	t.Parallel()
	body := `data "confluence_space" "eng" { key = "ENG" }`
	unavailable := acctest.New(t, emulator.Options{ErrorRate: 1})
	const spaces = "GET /wiki/api/v2/spaces"
	limited := acctest.New(t, emulator.Options{Faults: []emulator.Fault{
		{Route: spaces, Nth: 1, Status: 429}, {Route: spaces, Nth: 2, Status: 429},
	}})
	acctest.ExpectErrors(t, map[string]acctest.ErrorCase{
		"503": {Config: unavailable.ProviderBlock([]string{"organization_id", "admin_api_key"}, "max_retries = 1") + body,
			Error: wrapped(`(?s)service stayed unavailable \(503\) after 2 attempts`)},
		"503 without retries": {Config: unavailable.ProviderBlock([]string{"organization_id", "admin_api_key"}, "max_retries = 0") + body,
			Error: wrapped(`(?s)service stayed unavailable \(503\) after 1 attempt\.`)},
		"429": {Config: limited.ProviderBlock([]string{"organization_id", "admin_api_key"}, "max_retries = 1") + body,
			Error: wrapped(`(?s)API kept asking to slow down \(429\) after 2 attempts`)},
	})
}

// Every request carries the HashiCorp providers' User-Agent: the Terraform version, this provider and its
// registry page, then TF_APPEND_USER_AGENT.
func TestAccProvider_userAgent(t *testing.T) {
	t.Setenv("TF_APPEND_USER_AGENT", "acme-pipeline/2.1")
	env := acctest.New(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(`data "confluence_space" "eng" { key = "ENG" }`),
		}},
	})
	want := regexp.MustCompile(`^Terraform/1\.\d+\.\d+\S* \(\+https://www\.terraform\.io\) terraform-provider-confluence/test ` +
		`\(\+https://registry\.terraform\.io/providers/accessplane/confluence\) acme-pipeline/2\.1$`)
	agents := env.UserAgents()
	if len(agents) != 1 || !want.MatchString(agents[0]) {
		t.Fatalf("User-Agent headers %q, want one matching %s", agents, want)
	}
}
