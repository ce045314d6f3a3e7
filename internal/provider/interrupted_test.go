package provider_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/provider"
)

// protocolRun drives the provider over its protocol, as Terraform does, so that a test can cancel one call in
// the middle the way Ctrl-C does (Terraform stops the provider, which cancels the calls in flight).
type protocolRun struct {
	t       *testing.T
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newProtocolRun(t *testing.T, env *acctest.Env) *protocolRun {
	t.Helper()
	return newProtocolRunWith(t, env, nil)
}

// newProtocolRunWith is newProtocolRun with more provider settings, such as a block, given as values.
func newProtocolRunWith(t *testing.T, env *acctest.Env, extra func(tftypes.Object) map[string]tftypes.Value) *protocolRun {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	p := &protocolRun{t: t, server: server, schemas: schemas}
	settings := map[string]tftypes.Value{}
	for k, v := range env.Settings() {
		settings[k] = tftypes.NewValue(tftypes.String, v)
	}
	if extra != nil {
		for k, v := range extra(schemas.Provider.ValueType().(tftypes.Object)) {
			settings[k] = v
		}
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: p.value(schemas.Provider, settings)})
	if err != nil {
		t.Fatal(err)
	}
	p.noErrors("configure", resp.Diagnostics)
	return p
}

// value is the schema's object with the given attributes set and every other one null.
func (p *protocolRun) value(s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	typ := s.ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			attrs[name] = v
		} else {
			attrs[name] = tftypes.NewValue(at, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

func (p *protocolRun) noErrors(what string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			p.t.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}

// plan plans a new resource of typeName from config.
func (p *protocolRun) plan(typeName string, config map[string]tftypes.Value) (*tfprotov6.PlanResourceChangeResponse, *tfprotov6.DynamicValue, *tfprotov6.DynamicValue) {
	p.t.Helper()
	return p.planFrom(typeName, nil, config)
}

// planFrom plans a change of typeName from the prior state's attributes (nil: a new resource) to config.
func (p *protocolRun) planFrom(typeName string, prior, config map[string]tftypes.Value) (*tfprotov6.PlanResourceChangeResponse, *tfprotov6.DynamicValue, *tfprotov6.DynamicValue) {
	p.t.Helper()
	s := p.schemas.ResourceSchemas[typeName]
	typ := s.ValueType()
	cfg := p.value(s, config)
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		p.t.Fatal(err)
	}
	priorState := &null
	if prior != nil {
		priorState = p.value(s, prior)
	}
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: priorState, ProposedNewState: cfg, Config: cfg,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp, cfg, &null
}

// create plans a new resource of typeName from config, then applies it with ctx, returning the new state's
// attributes (nil when none was saved) and the diagnostics.
func (p *protocolRun) create(ctx context.Context, typeName string, config map[string]tftypes.Value) (map[string]tftypes.Value, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	typ := p.schemas.ResourceSchemas[typeName].ValueType()
	plan, cfg, null := p.plan(typeName, config)
	p.noErrors("plan", plan.Diagnostics)
	applied, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: null, PlannedState: plan.PlannedState, Config: cfg, PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	if applied.NewState == nil {
		return nil, applied.Diagnostics
	}
	v, err := applied.NewState.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	if v.IsNull() {
		return nil, applied.Diagnostics
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		p.t.Fatal(err)
	}
	return attrs, applied.Diagnostics
}

// interruptedError returns the one error diagnostic, failing the test unless it says the apply was interrupted.
func interruptedError(t *testing.T, diags []*tfprotov6.Diagnostic, want string) {
	t.Helper()
	var errs []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Summary, "interrupted") || !strings.Contains(errs[0].Detail, want) {
		for _, d := range errs {
			t.Logf("error: %s: %s", d.Summary, d.Detail)
		}
		t.Fatalf("want one error saying the apply was interrupted and %q", want)
	}
}

// A create interrupted after its request was applied (Ctrl-C while the answer is on its way) saves what it made:
// one bounded read on a detached context finds the user, the new state holds it, and the error says so. Without
// that, the user would exist outside the state and the next apply would fail with "already exists".
func TestInterruptedCreate_savesWhatWasMade(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Faults: []emulator.Fault{{Route: routeSCIMCreateUser, Nth: 1, AfterCommit: true, Hold: true}}})
	run := newProtocolRun(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // Ctrl-C once the directory holds the user
		for ctx.Err() == nil {
			if found, err := env.SCIM(t).FindUsers(context.Background(), "userName", "cut@example.com"); err == nil && len(found) == 1 {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	attrs, diags := run.create(ctx, "confluence_scim_user", map[string]tftypes.Value{
		"user_name": tftypes.NewValue(tftypes.String, "cut@example.com"),
		"email":     tftypes.NewValue(tftypes.String, "cut@example.com"),
	})
	interruptedError(t, diags, "saved to the state")
	found, err := env.SCIM(t).FindUsers(context.Background(), "userName", "cut@example.com")
	if err != nil || len(found) != 1 {
		t.Fatalf("users named cut@example.com: %v, %v", found, err)
	}
	var id string
	if attrs == nil || attrs["id"].As(&id) != nil || id != found[0].ID {
		t.Fatalf("state %v does not hold the user %s", attrs, found[0].ID)
	}
}

// A create interrupted before its request was applied saves nothing, and says that nothing was made.
func TestInterruptedCreate_nothingMade(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Faults: []emulator.Fault{{Route: routeSCIMCreateGroup, Nth: 1, Hold: true}}})
	run := newProtocolRun(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil && env.Requests(routeSCIMCreateGroup) == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // held, never applied
		cancel()
	}()
	attrs, diags := run.create(ctx, "confluence_scim_group", map[string]tftypes.Value{
		"display_name": tftypes.NewValue(tftypes.String, "never-made"),
	})
	interruptedError(t, diags, "nothing was created")
	if attrs != nil {
		t.Fatalf("state %v saved for a group that was never made", attrs)
	}
	if found, err := env.SCIM(t).FindGroupsByName(context.Background(), "never-made"); err != nil || len(found) != 0 {
		t.Fatalf("groups named never-made: %v, %v", found, err)
	}
}

// A grant interrupted after it was applied is read back on a detached context too: the state holds what the
// principal holds, and the error says to run apply again.
func TestInterruptedCreate_grantsSaved(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{Faults: []emulator.Fault{{Route: routeAddSpacePerm, Nth: 1, AfterCommit: true, Hold: true}}})
	run := newProtocolRun(t, env)
	api := env.Confluence(t)
	eng, err := api.SpaceByKey(context.Background(), "ENG")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			perms, err := env.Confluence(t).SpacePermissions(context.Background(), eng.ID)
			for _, p := range perms {
				if err == nil && p.Principal.Type == "anonymous" {
					cancel()
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	attrs, diags := run.create(ctx, "confluence_space_principal_permissions", map[string]tftypes.Value{
		"space_key":      tftypes.NewValue(tftypes.String, "ENG"),
		"principal_type": tftypes.NewValue(tftypes.String, "anonymous"),
		"permissions":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "read/space")}),
	})
	var errs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d.Summary+": "+d.Detail)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "interrupted") || !strings.Contains(errs[0], "run apply again") {
		t.Fatalf("errors %q: want one saying the grant was interrupted and to run apply again", errs)
	}
	var held []tftypes.Value
	if attrs == nil || attrs["permissions"].As(&held) != nil || len(held) != 1 {
		t.Fatalf("state %v does not hold the grant that was made", attrs)
	}
}
