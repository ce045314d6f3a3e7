// Package gomod finds the module's root folder, so that tools and tests run from any package folder (go test
// runs each in its own) can reach the files beside go.mod and the shared folder next to the repository.
package gomod

import (
	"errors"
	"os"
	"path/filepath"
)

// Root returns the nearest folder at or above the working directory that holds go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}
