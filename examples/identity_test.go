package examples_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/provider"
)

// identitySchemas are the provider's resource identity schemas, as Terraform reads them: attribute → required.
func identitySchemas(t *testing.T) map[string]map[string]bool {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for typ, s := range resp.IdentitySchemas {
		out[typ] = map[string]bool{}
		for _, a := range s.IdentityAttributes {
			out[typ][a.Name] = a.RequiredForImport
		}
	}
	return out
}

// Every resource documents its import by identity (import-by-identity.tf, shown on its page), and each of those
// import blocks names a resource of its example and gives every required identity attribute and no other. The
// import itself runs in TestAccIdentity_importEveryResource.
func TestIdentityImportExamples(t *testing.T) {
	schemas := identitySchemas(t)
	folders, err := filepath.Glob("resources/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) != len(schemas) {
		t.Errorf("%d resource folders, %d resources with an identity", len(folders), len(schemas))
	}
	for _, folder := range folders {
		typ := filepath.Base(folder)
		t.Run(typ, func(t *testing.T) {
			schema, ok := schemas[typ]
			if !ok {
				t.Fatalf("%s has no identity schema", typ)
			}
			src, err := os.ReadFile(filepath.Join(folder, identityImportFile))
			if err != nil {
				t.Fatal(err)
			}
			example, err := os.ReadFile(filepath.Join(folder, "resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			f, diags := hclsyntax.ParseConfig(src, identityImportFile, hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			blocks := f.Body.(*hclsyntax.Body).Blocks
			if len(blocks) == 0 {
				t.Fatalf("%s holds no import block", identityImportFile)
			}
			for _, b := range blocks {
				to, identity := b.Body.Attributes["to"], b.Body.Attributes["identity"]
				if b.Type != "import" || to == nil || identity == nil {
					t.Fatalf("%s: want import blocks with to and identity", identityImportFile)
				}
				addr := string(to.Expr.Range().SliceBytes(src))
				name, found := strings.CutPrefix(addr, typ+".")
				if !found || !regexp.MustCompile(`(?m)^resource "`+typ+`" "`+regexp.QuoteMeta(name)+`"`).Match(example) {
					t.Errorf("%s imports %s, which resource.tf does not declare", identityImportFile, addr)
				}
				obj, ok := identity.Expr.(*hclsyntax.ObjectConsExpr)
				if !ok {
					t.Fatalf("%s: identity of %s is not an object", identityImportFile, addr)
				}
				var given []string
				for _, item := range obj.Items {
					given = append(given, string(item.KeyExpr.Range().SliceBytes(src)))
				}
				for attr, required := range schema {
					if required && !slices.Contains(given, attr) {
						t.Errorf("%s: the identity of %s lacks %s", identityImportFile, addr, attr)
					}
				}
				for _, attr := range given {
					if _, ok := schema[attr]; !ok {
						t.Errorf("%s: the identity of %s has %s, which %s's identity has not", identityImportFile, addr, attr, typ)
					}
				}
			}
		})
	}
}

// Every list resource's example (examples/list-resources, shown on its page) runs with terraform query.
func TestListResourceExamples(t *testing.T) {
	files, err := filepath.Glob("list-resources/*/list-resource.tfquery.hcl")
	if err != nil || len(files) != 5 {
		t.Fatalf("list resource examples: %v %v", files, err)
	}
	tf, env := newQueryRun(t, emulator.Options{})
	// Something for each example to find: a block that finds nothing warns.
	ctx := context.Background()
	if _, err := env.SCIM(t).CreateUser(ctx, scim.User{UserName: "contractor-ann", Emails: []scim.Email{{Value: "ann@example.com", Primary: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.SCIM(t).CreateGroup(ctx, scim.Group{DisplayName: "team-crew"}); err != nil {
		t.Fatal(err)
	}
	env.NewGroup(t, "wiki-editors")
	tf.writeConfig(cliHeader + "\nprovider \"confluence\" {}\n")
	for _, f := range files {
		query, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tf.writeQuery(string(query))
		tf.mustRun("query")
	}
}
