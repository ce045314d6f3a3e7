package acctest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// captureString is a state check that copies a string attribute out of the state, so later steps and the
// destroy check can look the object up through the API.
type captureString struct {
	address string
	path    tfjsonpath.Path
	into    *string
}

// CaptureString records the string at path of the resource at address into *into.
func CaptureString(address string, path tfjsonpath.Path, into *string) statecheck.StateCheck {
	return captureString{address: address, path: path, into: into}
}

func (c captureString) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var values *tfjson.StateValues
	if req.State != nil {
		values = req.State.Values
	}
	v, err := attributeValue(values, c.address, c.path)
	if err != nil {
		resp.Error = err
		return
	}
	s, ok := v.(string)
	if !ok {
		resp.Error = fmt.Errorf("%s.%s is %T, not a string", c.address, c.path, v)
		return
	}
	*c.into = s
}

// attributeValue is the value at path of the resource at address in a state's values.
func attributeValue(values *tfjson.StateValues, address string, path tfjsonpath.Path) (any, error) {
	if values == nil || values.RootModule == nil {
		return nil, fmt.Errorf("no state to read %s from", address)
	}
	for _, r := range values.RootModule.Resources {
		if r.Address == address {
			return tfjsonpath.Traverse(r.AttributeValues, path)
		}
	}
	return nil, fmt.Errorf("%s is not in the state", address)
}

// checkFunc is a state check that asks the API, not the state, whether the world looks as expected.
type checkFunc func(context.Context) error

// CheckAPI runs f after a step is applied; f usually reads the emulator through its API.
func CheckAPI(f func(context.Context) error) statecheck.StateCheck { return checkFunc(f) }

func (f checkFunc) CheckState(ctx context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(ctx)
}

// ErrorCase is a configuration and the pattern (a regular expression) of the error it must fail with.
type ErrorCase struct {
	Config string
	Error  string
}

// ExpectErrors plans each case in a parallel subtest of its own and expects it to fail with its error: bad input
// is refused at plan time (data sources are read during the plan too).
func ExpectErrors(t *testing.T, cases map[string]ErrorCase) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: ProviderFactories,
				Steps:                    []resource.TestStep{{Config: c.Config, PlanOnly: true, ExpectError: regexp.MustCompile(c.Error)}},
			})
		})
	}
}

// expectPriorValue is a plan check on the state the plan starts from: after refresh, so it shows what the
// provider read back (drift included) before the configuration is applied to it.
type expectPriorValue struct {
	address string
	path    tfjsonpath.Path
	check   knownvalue.Check
}

// ExpectPriorValue checks the value at path of the resource at address in the plan's prior (refreshed) state.
func ExpectPriorValue(address string, path tfjsonpath.Path, check knownvalue.Check) plancheck.PlanCheck {
	return expectPriorValue{address: address, path: path, check: check}
}

func (c expectPriorValue) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var values *tfjson.StateValues
	if req.Plan != nil && req.Plan.PriorState != nil {
		values = req.Plan.PriorState.Values
	}
	v, err := attributeValue(values, c.address, c.path)
	if err != nil {
		resp.Error = fmt.Errorf("the plan's prior state: %w", err)
		return
	}
	if err := c.check.CheckValue(v); err != nil {
		resp.Error = fmt.Errorf("%s %s in the prior state: %w", c.address, c.path, err)
	}
}

// checkValue is a state check that hands the value at path of a resource to a function.
type checkValue struct {
	address string
	path    tfjsonpath.Path
	check   func(any) error
}

// CheckValue runs check on the value at path of the resource (or data source, "data.…") at address, as decoded
// from the state's JSON: maps, slices, strings, float64s, bools and nil.
func CheckValue(address string, path tfjsonpath.Path, check func(any) error) statecheck.StateCheck {
	return checkValue{address: address, path: path, check: check}
}

func (c checkValue) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var values *tfjson.StateValues
	if req.State != nil {
		values = req.State.Values
	}
	v, err := attributeValue(values, c.address, c.path)
	if err == nil {
		err = c.check(v)
	}
	if err != nil {
		resp.Error = fmt.Errorf("%s %s: %w", c.address, c.path, err)
	}
}

// ExpectFieldValues checks that the list at path of the resource at address holds objects whose string attribute
// field takes exactly the values want, in any order.
func ExpectFieldValues(address string, path tfjsonpath.Path, field string, want ...string) statecheck.StateCheck {
	want = slices.Sorted(slices.Values(want))
	return CheckValue(address, path, func(v any) error {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("not a list: %v", v)
		}
		var got []string
		for _, e := range list {
			s, _ := e.(map[string]any)[field].(string)
			got = append(got, s)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s: %q, want %q", field, got, want)
		}
		return nil
	})
}
