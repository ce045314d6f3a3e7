package bench

import (
	"fmt"
	"time"
)

// Shape is how a scenario's configuration is written.
type Shape string

const (
	// PerPrincipal is one confluence_space_principal_permissions per (space, group), for_each over a map built
	// with setproduct: how users write it.
	PerPrincipal Shape = "per-principal"
	// Exclusive is one confluence_space_permissions_exclusive per space holding the G group grants and the grants
	// the space keeps (see config.go).
	Exclusive Shape = "exclusive"
)

// Scenario is one fixed run: S spaces × G groups × P permissions in one shape and one environment.
type Scenario struct {
	Name        string
	Spaces      int // S: the emulator's generated spaces GEN0001…
	Groups      int // G: local groups made through the Admin API before the run
	Permissions int // P: permissions per (space, group)
	Shape       Shape
	Latency     time.Duration // added by the emulator to every API request
	RateLimit   float64       // requests per second over all API routes; 0 = off
	Quick       bool          // part of -quick and of TestBudgets
}

// Grants is S × G × P: the permissions the scenario adds.
func (s Scenario) Grants() int { return s.Spaces * s.Groups * s.Permissions }

// Environment describes the emulator's latency and rate limit.
func (s Scenario) Environment() string {
	env := "latency " + s.Latency.String()
	if s.RateLimit > 0 {
		env += fmt.Sprintf(", rate limit %g req/s", s.RateLimit)
	}
	return env
}

// size is one scenario size.
type size struct{ spaces, groups, perms int }

var (
	size250   = size{10, 5, 5}
	size1250  = size{50, 5, 5}
	size10000 = size{200, 10, 5}
)

// Scenarios returns every scenario in run order: each size at latency 0 in both shapes, then the 1,250 size at
// 50 ms latency and 20 requests per second (not the 10,000 size: at 20 requests per second its writes alone
// take more than eight minutes each way).
func Scenarios() []Scenario {
	var out []Scenario
	add := func(sz size, latency time.Duration, rate float64, quick bool, suffix string) {
		for _, shape := range []Shape{PerPrincipal, Exclusive} {
			s := Scenario{
				Spaces: sz.spaces, Groups: sz.groups, Permissions: sz.perms, Shape: shape,
				Latency: latency, RateLimit: rate, Quick: quick,
			}
			s.Name = fmt.Sprintf("%d-%s%s", s.Grants(), shape, suffix)
			out = append(out, s)
		}
	}
	add(size250, 0, 0, true, "")
	add(size1250, 0, 0, true, "")
	add(size10000, 0, 0, false, "")
	add(size1250, 50*time.Millisecond, 20, false, "-slow")
	return out
}

// Select returns the scenarios to run: the quick ones when quick is set, only the named one when name is not
// empty (an error names the known ones when it matches none).
func Select(quick bool, name string) ([]Scenario, error) {
	var out []Scenario
	var names []string
	for _, s := range Scenarios() {
		names = append(names, s.Name)
		if (quick && !s.Quick) || (name != "" && s.Name != name) {
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no scenario named %q (quick=%t); scenarios: %v", name, quick, names)
	}
	return out, nil
}
