package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tunes the emulator's behaviour. The zero value is a fast, fault-free emulator.
type Options struct {
	Latency          time.Duration // added to every API request
	ErrorRate        float64       // 0..1 share of API requests answered 503 (before any state change), in the API's error shape
	LostAnswerRate   float64       // 0..1 share of API writes applied and then answered 503 instead of their success: a lost answer
	RateLimit        float64       // requests/second over all API routes; above it 429 with Retry-After (seconds, >=1) in the API's error shape; 0 = off
	PageSize         int           // when >0, caps every page size the server returns (SCIM count, cursor limits)
	PropagationDelay time.Duration // lag before a SCIM group appears as an externally synced org group, before role-assignment changes are visible, and before accepted (202) space-role updates and deletions apply
	ExtraSpaces      int           // generated extra classic spaces (keys like "GEN0001") for scale runs
	Seed             int64         // for the error-rate randomness (deterministic in tests)
	RoleMode         string        // the site's space role mode: PRE_ROLES | ROLES_TRANSITION | ROLES (any case); "" = ROLES_TRANSITION; New panics on anything else
	Faults           []Fault       // targeted failures of chosen requests (partial-failure tests)
	ExtraDirectories []string      // names of further local directories of the org, beside the local one and the identity provider's
	Guests           []string      // emails of seeded accounts that are guests of the Confluence site (v1 users answer isGuest: true, Admin users/search finds them by roleIds ["atlassian/guest"]); their ids are Credentials.GuestAccountIDs
	Population       Population    // generated accounts in each licence and activity state, for access and licence-usage trials

	// PublicURL is the address clients use (scheme://host[:port]), when it is not the listener's: a
	// reverse proxy, a container port mapping or a TLS terminator. Every URL the emulator returns
	// names it (SCIM meta.location, Confluence _links, Admin workspace hostUrl, Env) and it wins
	// over SetBaseURL, Serve and the request's Host. "" = not set. New panics on a value
	// CheckPublicURL refuses.
	PublicURL string
}

// Population seeds generated accounts for access and licence-usage trials. No API route records product
// activity, so this is how accounts get last-active times. Every account but the guests is a member of
// confluence-users (the default group holding atlassian/user on the Confluence site, read/space on every
// classic space and the Viewer role on DOCS): a licensed account reaching every seeded space through that
// group. Guests are members of confluence-guests, which holds atlassian/guest on the site and no space
// permission. Emails name the state and a 1-based index: idle-001@example.com, never-001@example.com,
// suspended-001@example.com, deactivated-001@example.com, guest-001@partner.example; Credentials.Population
// lists the ids (the guests' follow Options.Guests' in Credentials.GuestAccountIDs).
type Population struct {
	Idle        int // active accounts last active in Confluence IdleDays ago
	IdleDays    int // days since the idle, suspended and deactivated accounts' last activity; 0 = 90
	NeverActive int // active, licensed accounts with no recorded activity
	Suspended   int // accounts whose access an admin suspended (status "suspended"), last active IdleDays ago
	Deactivated int // deactivated accounts (status "deactivated"), last active IdleDays ago
	Guests      int // guest accounts, last active when the emulator started
}

// idleDays is the age of the population's last activity.
func (p Population) idleDays() int {
	if p.IdleDays > 0 {
		return p.IdleDays
	}
	return 90
}

// PopulationIDs are the account ids of Options.Population, by state, in email order.
type PopulationIDs struct {
	Idle, NeverActive, Suspended, Deactivated []string
}

// CheckPublicURL reports why u cannot be Options.PublicURL: it must be an absolute http or https
// URL naming a host (and port), with no path beyond "/", no query, fragment or credentials. The
// emulator serves its routes at the root, so the public address cannot add a path prefix.
func CheckPublicURL(u string) error {
	p, err := url.Parse(u)
	switch {
	case err != nil:
		return fmt.Errorf("public URL %q is not a URL: %w", u, err)
	case p.Scheme != "http" && p.Scheme != "https":
		return fmt.Errorf("public URL %q must be an absolute http:// or https:// URL", u)
	case p.Host == "" || p.Hostname() == "":
		return fmt.Errorf("public URL %q names no host", u)
	case p.User != nil:
		return fmt.Errorf("public URL %q must not carry credentials", u)
	case p.RawQuery != "" || p.ForceQuery || p.Fragment != "":
		return fmt.Errorf("public URL %q must not carry a query string or fragment", u)
	case p.Path != "" && p.Path != "/":
		return fmt.Errorf("public URL %q must not have a path (the emulator serves every API at the root): use scheme://host[:port]", u)
	}
	return nil
}

// Credentials are the secrets and identifiers of one emulator instance. They are random per
// instance, so tests cannot accidentally depend on fixed values.
type Credentials struct {
	OrgID, DirectoryID, CloudID string // DirectoryID is the identity provider's (SCIM) directory
	LocalDirectoryID            string // the org's own directory, where groups made through the Admin API live
	AdminAPIKey, SCIMAPIKey     string
	Email, APIToken             string // the seeded admin account's Confluence credentials (Basic auth)
	AdminAccountID              string
	GuestAccountIDs             []string // the accounts of Options.Guests, in its order, then those of Options.Population.Guests
	Population                  PopulationIDs
}

// Emulator is one in-memory Atlassian Cloud. It is safe for concurrent use.
type Emulator struct {
	opts  Options
	creds Credentials
	mux   *http.ServeMux
	// served marks the mux patterns of served routes (true) among the registered ones, for the
	// 405 rule of unknownRoute.
	served map[string]bool

	// now is the clock of the state model; tests inside the package replace it to step over
	// propagation delays without sleeping.
	now func() time.Time

	mu sync.Mutex // guards st
	st *state

	baseMu  sync.RWMutex
	baseURL string

	faults      *faults
	targeted    *targetedFaults
	stats       *stats
	lostAnswers atomic.Int64 // writes applied whose answer was replaced by a fault

	srvMu sync.Mutex
	srv   *http.Server
}

// New returns a seeded emulator with fresh random credentials.
func New(opts Options) *Emulator {
	if opts.PageSize < 0 {
		opts.PageSize = 0
	}
	if opts.PublicURL != "" {
		if err := CheckPublicURL(opts.PublicURL); err != nil {
			panic("emulator: " + err.Error())
		}
		opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	}
	e := &Emulator{
		opts: opts,
		creds: Credentials{
			OrgID:            newUUID(),
			DirectoryID:      newUUID(),
			LocalDirectoryID: newUUID(),
			CloudID:          newUUID(),
			AdminAPIKey:      "emu-admin-" + randomHex(24),
			SCIMAPIKey:       "emu-scim-" + randomHex(24),
			Email:            seedAdminEmail,
			APIToken:         "emu-token-" + randomHex(24),
			AdminAccountID:   newAccountID(),
		},
		now:      time.Now,
		faults:   newFaults(opts),
		targeted: newTargetedFaults(opts.Faults),
		stats:    newStats(),
	}
	if opts.Population.Idle < 0 || opts.Population.IdleDays < 0 || opts.Population.NeverActive < 0 ||
		opts.Population.Suspended < 0 || opts.Population.Deactivated < 0 || opts.Population.Guests < 0 {
		panic("emulator: Options.Population counts must not be negative")
	}
	for range len(opts.Guests) + opts.Population.Guests {
		e.creds.GuestAccountIDs = append(e.creds.GuestAccountIDs, newAccountID())
	}
	ids := func(n int) []string {
		out := make([]string, 0, n)
		for range n {
			out = append(out, newAccountID())
		}
		return out
	}
	p := opts.Population
	e.creds.Population = PopulationIDs{Idle: ids(p.Idle), NeverActive: ids(p.NeverActive), Suspended: ids(p.Suspended), Deactivated: ids(p.Deactivated)}
	e.st = newState(e.creds, opts, e.now())
	e.mux = e.buildMux()
	return e
}

// Handler serves every API route and the /_emulator control routes.
func (e *Emulator) Handler() http.Handler { return e.mux }

// SetBaseURL sets the absolute base (scheme://host[:port]) used in response URLs such as SCIM
// meta.location and Confluence _links.base. Without it the request's own host is used;
// Options.PublicURL, when set, wins over it.
func (e *Emulator) SetBaseURL(u string) {
	e.baseMu.Lock()
	e.baseURL = strings.TrimRight(u, "/")
	e.baseMu.Unlock()
}

// Credentials returns the instance's identifiers and secrets.
func (e *Emulator) Credentials() Credentials { return e.creds }

// CommandEnv is the environment of a terraform (or tofu) command run against an emulator: this process's, less
// every Terraform, Confluence and Atlassian setting of the developer's (so that nothing points elsewhere or logs),
// plus automation settings, the CLI configuration file cliConfig and settings (Env's lines, or none).
func CommandEnv(cliConfig string, settings []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "CONFLUENCE_") || strings.HasPrefix(k, "ATLASSIAN_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_CLI_CONFIG_FILE="+cliConfig)
	return append(env, settings...)
}

// Env returns the provider environment ("KEY=value" lines) that points at this emulator. An empty
// baseURL means the public one: Options.PublicURL, else the one set by SetBaseURL or Serve.
func (e *Emulator) Env(baseURL string) []string {
	if baseURL == "" {
		baseURL = e.PublicURL()
	}
	baseURL = strings.TrimRight(baseURL, "/")
	c := e.creds
	return []string{
		"CONFLUENCE_SITE_URL=" + baseURL,
		"CONFLUENCE_EMAIL=" + c.Email,
		"CONFLUENCE_API_TOKEN=" + c.APIToken,
		"ATLASSIAN_ORGANIZATION_ID=" + c.OrgID,
		"ATLASSIAN_ADMIN_API_KEY=" + c.AdminAPIKey,
		"ATLASSIAN_ADMIN_API_URL=" + baseURL,
		"ATLASSIAN_SCIM_DIRECTORY_URL=" + baseURL + "/scim/directory/" + c.DirectoryID,
		"ATLASSIAN_SCIM_API_KEY=" + c.SCIMAPIKey,
	}
}

// Stats returns request counts keyed by "METHOD /route/template" (API routes only).
func (e *Emulator) Stats() map[string]int { return e.stats.snapshot() }

// ResetStats zeroes the request counts.
func (e *Emulator) ResetStats() { e.stats.reset() }

// Serve starts a listener on addr (e.g. "127.0.0.1:0"), sets the base URL and returns the
// listener's address (Options.PublicURL, when set, still names the one in responses).
func (e *Emulator) Serve(addr string) (string, error) {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.srv != nil {
		return "", errors.New("emulator: already serving")
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return "", err
	}
	base := "http://" + ln.Addr().String()
	e.SetBaseURL(base)
	e.srv = &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(e.srv)
	return base, nil
}

// Close stops a listener started by Serve, letting in-flight requests finish for a short while.
func (e *Emulator) Close() error {
	e.srvMu.Lock()
	srv := e.srv
	e.srv = nil
	e.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

// PublicURL returns the address the emulator's responses name: Options.PublicURL, else the one
// set by SetBaseURL or Serve ("" before either).
func (e *Emulator) PublicURL() string {
	if e.opts.PublicURL != "" {
		return e.opts.PublicURL
	}
	e.baseMu.RLock()
	defer e.baseMu.RUnlock()
	return e.baseURL
}

// base returns the absolute base URL for links in responses: the public URL, else the request's
// own scheme and host.
func (e *Emulator) base(r *http.Request) string {
	if b := e.PublicURL(); b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// lock takes the state lock and returns the current model time.
func (e *Emulator) lock() time.Time {
	e.mu.Lock()
	return e.now()
}

func (e *Emulator) unlock() { e.mu.Unlock() }
