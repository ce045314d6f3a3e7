package bench

import "math"

// Budgets are the request budgets of tracker issue 14 that TestBudgets asserts; 0 means no budget.
type Budgets struct {
	Apply, Refresh int
}

// refreshSlack is the share above the refresh floor a refresh may spend.
const refreshSlack = 1.05

// BudgetsOf returns the budgets of s:
//
//   - refresh ≤ 1.05 × the refresh floor, at every size;
//   - apply ≤ grants + 3 × spaces + 2 × groups + 5: Terraform runs a plan walk and an apply walk, each in a
//     provider process of its own, so per space a lookup and a listing in each and a read-back, and each walk
//     may check each group once;
//   - plus, for an exclusive table on a site with space roles (the emulator's default), 2 × spaces: that table
//     is two listings per space (classic permissions and role assignments, atlassian-api.md §3.7), and each walk
//     must read both, to plan what the table revokes and to check that the space keeps an administrator. The
//     budget above counts one table per space; this adds the second table's listing in each walk and nothing
//     else.
func BudgetsOf(s Scenario, f Floors) Budgets {
	apply := s.Grants() + 3*s.Spaces + 2*s.Groups + 5
	if s.Shape == Exclusive {
		apply += 2 * s.Spaces
	}
	return Budgets{
		Refresh: int(math.Floor(refreshSlack * float64(f.Refresh))),
		Apply:   apply,
	}
}
