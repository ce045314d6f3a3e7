package transport

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestServerWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		wantOK bool
	}{
		{"none", http.Header{}, 0, false},
		{"retry-after seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		{"retry-after zero", http.Header{"Retry-After": {"0"}}, 0, true},
		{"retry-after fractional", http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond, true},
		{"retry-after http date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second, true},
		{"retry-after date in the past", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0, true},
		{"retry-after negative ignored", http.Header{"Retry-After": {"-5"}}, 0, false},
		{"retry-after garbage ignored", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"retry-after wins over reset", http.Header{
			"Retry-After":       {"2"},
			"X-Ratelimit-Reset": {now.Add(time.Minute).Format(time.RFC3339)},
		}, 2 * time.Second, true},
		{"garbage retry-after falls back to reset", http.Header{
			"Retry-After":       {"soon"},
			"X-Ratelimit-Reset": {now.Add(time.Minute).Format(time.RFC3339)},
		}, time.Minute, true},
		{"reset RFC 3339", http.Header{"X-Ratelimit-Reset": {"2026-03-02T10:00:45Z"}}, 45 * time.Second, true},
		{"reset RFC 3339 with millis", http.Header{"X-Ratelimit-Reset": {"2026-03-02T10:00:01.250Z"}}, 1250 * time.Millisecond, true},
		{"reset with offset", http.Header{"X-Ratelimit-Reset": {"2026-03-02T11:00:10+01:00"}}, 10 * time.Second, true},
		{"reset offset without colon", http.Header{"X-Ratelimit-Reset": {"2026-03-02T10:00:10+0000"}}, 10 * time.Second, true},
		{"reset without zone is UTC", http.Header{"X-Ratelimit-Reset": {"2026-03-02T10:00:10"}}, 10 * time.Second, true},
		{"reset epoch seconds", http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(now.Add(20*time.Second).Unix(), 10)}}, 20 * time.Second, true},
		{"reset epoch millis", http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(now.Add(2500*time.Millisecond).UnixMilli(), 10)}}, 2500 * time.Millisecond, true},
		{"reset seconds from now", http.Header{"X-Ratelimit-Reset": {"30"}}, 30 * time.Second, true},
		{"reset in the past ignored", http.Header{"X-Ratelimit-Reset": {"2026-03-02T09:59:00Z"}}, 0, false},
		{"reset now ignored", http.Header{"X-Ratelimit-Reset": {"2026-03-02T10:00:00Z"}}, 0, false},
		{"reset garbage ignored", http.Header{"X-Ratelimit-Reset": {"tomorrow"}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := serverWait(tt.header, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("serverWait = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestBackoffBoundsAndCap(t *testing.T) {
	t.Parallel()
	minD, maxD := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 70; attempt++ {
		base := maxD
		if attempt < 5 {
			base = minD << attempt // 100ms..1.6s, under the cap
		}
		seen := map[time.Duration]bool{}
		for i := 0; i < 200; i++ {
			d := backoff(minD, maxD, attempt)
			if d < base/2 || d > base {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, base/2, base)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Fatalf("attempt %d: no jitter, always %v", attempt, seen)
		}
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	err := sleep(ctx, time.Minute)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("sleep error = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("sleep returned after %v", el)
	}
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("sleep: %v", err)
	}
}

func TestGateHoldsAndExtends(t *testing.T) {
	t.Parallel()
	g := &gate{}
	if err := g.wait(context.Background(), func(time.Duration) { t.Error("open gate made us wait") }); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	g.hold(start.Add(100 * time.Millisecond))
	g.hold(start.Add(10 * time.Millisecond)) // an earlier time never shortens a hold
	if err := g.wait(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 90*time.Millisecond {
		t.Fatalf("gate opened after %v, want >= 100ms", el)
	}

	g.hold(time.Now().Add(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.wait(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait on held gate with short context = %v", err)
	}
}

func TestCredentialSecretsAndRedact(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("me@example.com:s3cret-token"))
	got := credentialSecrets(basic)
	for _, want := range []string{basic, "me@example.com:s3cret-token", "s3cret-token"} {
		if !slices.Contains(got, want) {
			t.Errorf("credentialSecrets(basic) = %q, missing %q", got, want)
		}
	}
	if slices.Contains(got, "me@example.com") {
		t.Errorf("the user name alone is not a secret: %q", got)
	}
	if got := credentialSecrets("Bearer abc123"); !slices.Contains(got, "abc123") {
		t.Errorf("credentialSecrets(bearer) = %q", got)
	}
	if got := credentialSecrets(""); got != nil {
		t.Errorf("credentialSecrets(\"\") = %q", got)
	}

	msg := "echo: Bearer abc123 and abc123 and abc"
	if got, want := redact(msg, []string{"abc", "", "Bearer abc123", "abc123"}), "echo: *** and *** and ***"; got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
	if got := redact("nothing here", nil); got != "nothing here" {
		t.Errorf("redact without secrets = %q", got)
	}
}

func FuzzServerWait(f *testing.F) {
	for _, s := range []string{"1", "1.5", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "2026-03-02T10:00:45Z", "1e300", "NaN", "Inf"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, retryAfter, reset string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Reset", reset)
		if d, _ := serverWait(h, time.Now()); d < 0 {
			t.Fatalf("negative wait %v for %q / %q", d, retryAfter, reset)
		}
	})
}
