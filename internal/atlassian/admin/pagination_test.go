package admin

import (
	"context"
	"strings"
	"testing"
)

func TestCursorOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                          "",
		"  kloHX1ZQVasDAkx_P48NYQ ": "kloHX1ZQVasDAkx_P48NYQ",
		"eyJxIjp7fX0=":              "eyJxIjp7fX0=",
		"https://api.atlassian.com/admin/v2/orgs/o/workspaces?cursor=abc%3D&limit=5": "abc=",
		"/admin/v2/orgs/o/workspaces?cursor=xyz":                                     "xyz",
	} {
		if got := cursorOf(in); got != want {
			t.Errorf("cursorOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCollectStopsOnARepeatedCursor(t *testing.T) {
	t.Parallel()
	pages := 0
	_, err := collect(t.Context(), "things", func(_ context.Context, cursor string) (*page[int], error) {
		pages++
		p := &page[int]{Data: []int{pages}}
		p.Links.Next = "same"
		return p, nil
	})
	if err == nil || !strings.Contains(err.Error(), "did not advance") || pages != 2 {
		t.Errorf("repeated cursor: %v after %d pages", err, pages)
	}
	got, err := collect(t.Context(), "things", func(_ context.Context, cursor string) (*page[int], error) {
		p := &page[int]{Data: []int{len(cursor)}}
		if cursor == "" {
			p.Links.Next = "c1"
		}
		return p, nil
	})
	if err != nil || len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Errorf("two pages: %v, %v", got, err)
	}
}

func TestSiteKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, host, cloud string }{
		{"https://Acme.Atlassian.net", "acme.atlassian.net", ""},
		{"https://acme.atlassian.net:443/wiki/", "acme.atlassian.net", ""},
		{"acme.atlassian.net", "acme.atlassian.net", ""},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", ""},
		{"https://api.atlassian.com/ex/confluence/1234-abcd/wiki", "", "1234-abcd"},
	} {
		host, cloud, err := siteKey(c.in)
		if err != nil || host != c.host || cloud != c.cloud {
			t.Errorf("siteKey(%q) = %q, %q, %v; want %q, %q", c.in, host, cloud, err, c.host, c.cloud)
		}
	}
	if _, _, err := siteKey("https://"); err == nil {
		t.Error("a URL without a host was accepted")
	}
}
