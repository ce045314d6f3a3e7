package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/syncbuf"
)

func TestRunPrintsEnvServesAndStops(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-env-file", envFile, "-page-size", "1", "-spaces", "2", "-latency", "1ms", "-role-mode", "roles"}, &stdout, &stderr)
	}()

	var content []byte
	for deadline := time.Now().Add(10 * time.Second); ; {
		var err error
		if content, err = os.ReadFile(envFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("env file never written; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st, _ := os.Stat(envFile); st.Mode().Perm() != 0o600 {
		t.Errorf("env file mode %v, want 0600 (it holds secrets)", st.Mode().Perm())
	}
	env := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(content)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		env[k] = v
	}
	if len(env) != 8 || !strings.HasPrefix(env["CONFLUENCE_SITE_URL"], "http://127.0.0.1:") {
		t.Fatalf("env file: %s", content)
	}
	// stdout carries the same lines, flushed before the listener message.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(stderr.String(), "listening on"); {
		if time.Now().After(deadline) {
			t.Fatalf("no listening line; stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if stdout.String() != string(content) {
		t.Errorf("stdout %q != env file %q", stdout.String(), content)
	}
	if !strings.Contains(stderr.String(), env["CONFLUENCE_SITE_URL"]) {
		t.Errorf("stderr does not name the address: %s", stderr.String())
	}

	// The flags reach the emulator: -spaces adds GEN spaces, -page-size 1 caps pages.
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, env["CONFLUENCE_SITE_URL"]+"/wiki/api/v2/spaces?keys=GEN0002&limit=50", nil)
	req.SetBasicAuth(env["CONFLUENCE_EMAIL"], env["CONFLUENCE_API_TOKEN"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(body.String(), `"key":"GEN0002"`) {
		t.Errorf("GEN0002 lookup: %d %s", resp.StatusCode, body.String())
	}
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, env["CONFLUENCE_SITE_URL"]+"/wiki/api/v2/space-role-mode", nil)
	req.SetBasicAuth(env["CONFLUENCE_EMAIL"], env["CONFLUENCE_API_TOKEN"])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body.Reset()
	_, _ = body.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if !strings.Contains(body.String(), `"mode":"ROLES"`) {
		t.Errorf("-role-mode roles: space-role-mode answered %s", body.String())
	}
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, env["ATLASSIAN_SCIM_DIRECTORY_URL"]+"/Groups", nil)
	req.Header.Set("Authorization", "Bearer "+env["ATLASSIAN_SCIM_API_KEY"])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("SCIM with the printed key: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancellation")
	}
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, env["CONFLUENCE_SITE_URL"]+"/_emulator/stats", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Error("still serving after shutdown")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-error-rate", "2"}, {"-lost-answer-rate", "-0.5"}, {"-lost-answer-rate", "1.5"}, {"-nope"}, {"extra"}, {"-role-mode", "HYBRID"}, {"-idle", "-1"}, {"-idle-days", "-3"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
	}
}

// TestRunPublicURL: with -public-url the printed environment names the public address, and stderr
// names both it and the listener.
func TestRunPublicURL(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	const public = "https://emulator.example.test:8443"
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-env-file", envFile, "-public-url", public + "/"}, &stdout, &stderr)
	}()
	var content []byte
	for deadline := time.Now().Add(10 * time.Second); ; {
		var err error
		if content, err = os.ReadFile(envFile); err == nil && strings.Contains(stderr.String(), "listening on") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("env file never written; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(content)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		if strings.HasSuffix(k, "_URL") && !strings.HasPrefix(v, public) {
			t.Errorf("%s = %s, want the public URL %s", k, v, public)
		}
	}
	if s := stderr.String(); !strings.Contains(s, "listening on http://127.0.0.1:") || !strings.Contains(s, "answering as "+public) {
		t.Errorf("stderr does not name both addresses: %s", s)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestRunRejectsBadPublicURL(t *testing.T) {
	for _, u := range []string{"emulator.example.test:8080", "ftp://emulator.example.test", "https://emulator.example.test/?x=1", "https://emulator.example.test/emu"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"-public-url", u}, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "-public-url") {
			t.Errorf("run(-public-url %s) = %v, want an error naming the flag", u, err)
		}
	}
}

// TestRunSeedsPopulation: the population flags reach the emulator, and the accounts are found by the
// emails and statuses the flag help names.
func TestRunSeedsPopulation(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-env-file", envFile, "-idle", "2", "-idle-days", "30", "-suspended", "1", "-deactivated", "1", "-never-active", "1", "-guests", "1"}, &stdout, &stderr)
	}()
	var content []byte
	for deadline := time.Now().Add(10 * time.Second); ; {
		var err error
		if content, err = os.ReadFile(envFile); err == nil && strings.Contains(stderr.String(), "listening on") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("env file never written; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	env := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(content)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		env[k] = v
	}
	search := func(body string) string {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
			env["ATLASSIAN_ADMIN_API_URL"]+"/admin/v2/orgs/"+env["ATLASSIAN_ORGANIZATION_ID"]+"/directories/-/users/search", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+env["ATLASSIAN_ADMIN_API_KEY"])
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("search %s: %d %s", body, resp.StatusCode, b.String())
		}
		return b.String()
	}
	if got := search(`{"status":["suspended"]}`); strings.Count(got, `"accountId"`) != 1 || !strings.Contains(got, "suspended-001@example.com") {
		t.Errorf("status suspended: %s", got)
	}
	if got := search(`{"emails":["idle-002@example.com","never-001@example.com","deactivated-001@example.com","guest-001@partner.example"]}`); strings.Count(got, `"accountId"`) != 4 {
		t.Errorf("seeded emails: %s", got)
	}
	if !strings.Contains(stderr.String(), "2 idle (last active 30 days ago)") {
		t.Errorf("stderr does not summarise the seeded accounts: %s", stderr.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}
