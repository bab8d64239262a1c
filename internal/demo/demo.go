// Package demo holds the bundled example: three small synthetic sources and
// the concord.yaml that maps them. `concord demo` runs it end to end.
package demo

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed data
var files embed.FS

// ConfigName is the config file's name inside the written directory.
const ConfigName = "concord.yaml"

// WriteTo writes the example files into dir, creating it.
func WriteTo(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return fs.WalkDir(files, "data", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o600)
	})
}
