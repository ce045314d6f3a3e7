// Package bench runs fixed scale scenarios of the provider with the real terraform CLI against the in-process
// emulator and reports, for each step, the API requests beside the fewest the Atlassian API allows (the floor),
// wall time, CPU time and the provider's peak memory, beside Terraform's own cost for the same number of
// resources in the same configuration shape (terraform_data).
//
// It is hand-written because no library does this: terraform-plugin-testing runs the provider in process (no
// separate process to time or measure, and its own extra plan and refresh steps), Go benchmarks time functions,
// not CLI runs, and no load-testing tool knows what a Terraform step costs in requests to an API emulator. The
// harness builds the provider binary once, points terraform at it with a dev_overrides CLI configuration (no
// terraform init, nothing downloaded), serves one emulator per scenario and reads the emulator's request counts
// between steps.
//
// A scenario grants P permissions to each of G groups in each of S spaces, in one of two configuration shapes:
// one confluence_space_principal_permissions per (space, group), written as for_each over setproduct, or one
// confluence_space_permissions_exclusive per space. Each scenario runs four steps: apply (from nothing),
// refresh (terraform plan -refresh-only), plan (terraform plan -detailed-exitcode, which must exit 0) and
// destroy. Floors are in floor.go, budgets in budget.go; TestBudgets runs the quick scenarios and fails when
// a step's request count exceeds its budget, so go test ./... enforces them. Times are reported, never
// asserted: these machines are shared.
//
//	go run ./internal/bench/cmd/bench [-quick] [-scenario name]
package bench
