package scim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	routeCreateUser = "POST /scim/directory/{directoryId}/Users"
	routeListUsers  = "GET /scim/directory/{directoryId}/Users"
)

func workUser(name, email, external string) scim.User {
	return scim.User{UserName: name, ExternalID: external, Emails: []scim.Email{{Value: email, Type: "work", Primary: true}}}
}

// A create whose answer is lost is settled by one read: the user found is returned and adopted, and nothing is
// sent twice.
func TestCreateUserLostAnswerIsAdopted(t *testing.T) {
	t.Parallel()
	c, emu := newClient(t, emulator.Options{Faults: []emulator.Fault{
		{Route: routeCreateUser, Nth: 1, Status: http.StatusServiceUnavailable, AfterCommit: true},
	}}, transport.Config{})
	ctx, adopted := transport.WithAdoptions(context.Background())
	u, err := c.CreateUser(ctx, workUser("jane@example.com", "jane@example.com", "00u-jane"))
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.ExternalID != "00u-jane" || len(adopted.List()) != 1 {
		t.Fatalf("user %+v, adopted %v", u, adopted.List())
	}
	if s := emu.Stats(); s[routeCreateUser] != 1 || s[routeListUsers] != 1 {
		t.Fatalf("%d creates and %d reads, want 1 and 1", s[routeCreateUser], s[routeListUsers])
	}
}

// When the name is held by another user after an answer was lost (the write never took effect, and someone
// else made the name), the error says what was found and its id.
func TestCreateUserLostAnswerMismatch(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, emulator.Options{Faults: []emulator.Fault{
		{Route: routeCreateUser, Nth: 2, Status: http.StatusServiceUnavailable},
	}}, transport.Config{})
	ctx := context.Background()
	other, err := c.CreateUser(ctx, workUser("jane@example.com", "jane.other@example.com", ""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateUser(ctx, workUser("jane@example.com", "jane@example.com", ""))
	var m *transport.MismatchError
	if !errors.As(err, &m) || m.ID != other.ID {
		t.Fatalf("err = %v, want a mismatch naming %s", err, other.ID)
	}
}
