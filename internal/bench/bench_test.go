package bench

import (
	"errors"
	"os/exec"
	"testing"
)

// TestBudgets runs the quick scenarios (the 250 and 1,250 sizes at latency 0, both shapes: apply, refresh and
// the empty plan; no destroy and no terraform_data floor, which assert nothing) and fails when a step's request
// count exceeds its budget of tracker issue 14 (budget.go). Times are logged, never asserted.
func TestBudgets(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform against the emulator for about 30 s: skipped with -short")
	}
	if _, err := exec.LookPath("terraform"); errors.Is(err, exec.ErrNotFound) {
		t.Skip("terraform is not on PATH: install Terraform >= 1.11 to run the bench scenarios")
	}
	t.Setenv("CHECKPOINT_DISABLE", "1")
	scenarios, err := Select(true, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(t.Context(), Options{WorkDir: t.TempDir(), NoDestroy: true, NoFloor: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			r.SetProgress(testLog{t})
			res, err := r.Run(t.Context(), s)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range res.Steps {
				if st.Throttled > 0 {
					t.Errorf("%s: %d requests answered 429 without a rate limit", st.Name, st.Throttled)
				}
				if st.OverBudget() {
					t.Errorf("%s: %d requests, over the budget of %d (API floor %d); by route: %v",
						st.Name, st.Total, st.Budget, st.Floor, st.Requests)
				}
			}
		})
	}
}

// TestFloorsAndBudgets pins the floor and budget arithmetic on the scenario sizes.
func TestFloorsAndBudgets(t *testing.T) {
	site := Site{AdminPermissions: make([]string, 9)} // the emulator seeds nine permissions of the provider account
	for _, tc := range []struct {
		s                                Scenario
		refresh, apply, destroy, aBudget int
		rBudget                          int
	}{
		// 10 listings + organization check; apply + 1 lookup + role mode + 250 writes; destroy + 50 deletes
		// (read/space cascades).
		{Scenario{Spaces: 10, Groups: 5, Permissions: 5, Shape: PerPrincipal}, 12, 264, 62, 295, 12},
		// + 10 role-assignment listings + role mode; apply + the current user; the budget + 2 × 10 for the role
		// listings.
		{Scenario{Spaces: 10, Groups: 5, Permissions: 5, Shape: Exclusive}, 23, 275, 23, 315, 24},
		{Scenario{Spaces: 50, Groups: 5, Permissions: 5, Shape: PerPrincipal}, 52, 1304, 302, 1415, 54},
		// 200 spaces of 60 permissions: one page each, and one key lookup.
		{Scenario{Spaces: 200, Groups: 10, Permissions: 5, Shape: PerPrincipal}, 202, 10204, 2202, 10625, 212},
		// 260 permissions a space: two pages each; 300 keys: two lookups.
		{Scenario{Spaces: 300, Groups: 50, Permissions: 5, Shape: PerPrincipal}, 602, 602 + 2 + 1 + 75000, 602 + 15000, 75000 + 900 + 100 + 5, 632},
	} {
		f := FloorsOf(tc.s, site)
		b := BudgetsOf(tc.s, f)
		if f.Refresh != tc.refresh || f.Plan != tc.refresh || f.Apply != tc.apply || f.Destroy != tc.destroy {
			t.Errorf("%+v: floors %+v, want refresh %d, apply %d, destroy %d", tc.s, f, tc.refresh, tc.apply, tc.destroy)
		}
		if b.Apply != tc.aBudget || b.Refresh != tc.rBudget {
			t.Errorf("%+v: budgets %+v, want apply %d, refresh %d", tc.s, b, tc.aBudget, tc.rBudget)
		}
	}
}

// testLog sends the runner's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(p))
	return len(p), nil
}
