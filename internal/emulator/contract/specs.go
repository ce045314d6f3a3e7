// Package contract checks HTTP exchanges with the Atlassian APIs against Atlassian's published
// OpenAPI documents. Tests of the emulator, of the API clients and the acceptance harness use it
// to keep the emulator and the clients honest: a request or response that does not fit the spec
// fails the test.
//
// The documents are not part of the repository. They are read from the directory named by the
// ATLASSIAN_SPECS_DIR environment variable, by default <repository root>/../shared/specs. When the
// folder is absent the checks are skipped with a message; CI checks the folder itself.
package contract

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/accessplane/terraform-provider-confluence/internal/gomod"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// EnvSpecsDir names the environment variable holding the specs directory.
const EnvSpecsDir = "ATLASSIAN_SPECS_DIR"

const (
	specSCIM         = "scim"
	specAdmin        = "admin"
	specConfluenceV1 = "confluence-v1"
	specConfluenceV2 = "confluence-v2"
)

// specDoc binds an OpenAPI document to the request paths it describes.
type specDoc struct {
	name   string
	file   string
	prefix string // request path prefix served by this document
	server string // path the document's paths are relative to; host-independent on purpose
}

var specDocs = []specDoc{
	{specSCIM, "atlassian-user-provisioning-scim.swagger.v3.2023-08.json", "/scim/", "/"},
	{specAdmin, "atlassian-admin-organization.swagger.v3.2026.json", "/admin/", "/admin"},
	{specConfluenceV1, "confluence-cloud-rest-v1.swagger.v3.json", "/wiki/rest/api/", "/"},
	{specConfluenceV2, "confluence-cloud-rest-v2.openapi-v2.v3.json", "/wiki/api/v2/", "/wiki/api/v2"},
}

func specByName(name string) specDoc {
	for _, s := range specDocs {
		if s.name == name {
			return s
		}
	}
	panic("contract: unknown spec " + name)
}

func specForPath(path string) (specDoc, bool) {
	for _, s := range specDocs {
		if strings.HasPrefix(path, s.prefix) {
			return s, true
		}
	}
	return specDoc{}, false
}

// SpecsDir returns the specs directory and whether it came from ATLASSIAN_SPECS_DIR.
func SpecsDir() (dir string, explicit bool, err error) {
	if d := os.Getenv(EnvSpecsDir); d != "" {
		return d, true, nil
	}
	root, err := gomod.Root()
	if err != nil {
		return "", false, err
	}
	return filepath.Join(filepath.Dir(root), "shared", "specs"), false, nil
}

// loaded is one patched document and its router, shared by every test of the process.
type loaded struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*specCache{}
)

type specCache struct {
	once sync.Once
	l    *loaded
	err  error
}

// load reads, patches (knownSpecDefects), validates and routes one document, once per process.
func load(dir string, s specDoc) (*loaded, error) {
	key := dir + "\x00" + s.name
	cacheMu.Lock()
	c := cache[key]
	if c == nil {
		c = &specCache{}
		cache[key] = c
	}
	cacheMu.Unlock()
	c.once.Do(func() { c.l, c.err = loadUncached(filepath.Join(dir, s.file), s.name) })
	return c.l, c.err
}

func loadUncached(path, name string) (*loaded, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: load %s: %w", path, err)
	}
	if err := applyOverlay(name, doc); err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("contract: %s does not validate after the overlay (add the defect to knownSpecDefects): %w", path, err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: route %s: %w", path, err)
	}
	return &loaded{doc: doc, router: r}, nil
}
