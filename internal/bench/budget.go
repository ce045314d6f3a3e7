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
//     may check each group once.
func BudgetsOf(s Scenario, f Floors) Budgets {
	return Budgets{
		Refresh: int(math.Floor(refreshSlack * float64(f.Refresh))),
		Apply:   s.Grants() + 3*s.Spaces + 2*s.Groups + 5,
	}
}
