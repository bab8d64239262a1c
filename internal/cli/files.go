package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Files Concord creates hold personal data (records, their clusters, the
// pairs to review, rejected rows): they are readable by their owner alone.
const (
	privateFile fs.FileMode = 0o600
	privateDir  fs.FileMode = 0o700
)

// createPrivate creates or truncates the file at path, readable by its
// owner alone, even when it existed with wider permissions.
func createPrivate(path string) (*os.File, error) {
	return openPrivate(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY)
}

// openPrivate opens the file at path with flag, creating it private, and
// narrows the permissions of a file that existed.
func openPrivate(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag, privateFile)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(privateFile); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// writePrivate writes data to a private file at path.
func writePrivate(path string, data []byte) error {
	f, err := createPrivate(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// outputSet writes a command's output files into a private temporary
// directory inside the output directory, and moves them into place only
// when every one was written: a run that fails leaves the files of the
// previous run, not half of a new one.
type outputSet struct {
	dir, tmp string
	done     bool
}

func newOutputSet(dir string) (*outputSet, error) {
	if err := os.MkdirAll(dir, privateDir); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".concord-*")
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	return &outputSet{dir: dir, tmp: tmp}, nil
}

// path returns where to write the output file name.
func (o *outputSet) path(name string) string { return filepath.Join(o.tmp, name) }

// commit moves every file written into the output directory.
func (o *outputSet) commit() error {
	entries, err := os.ReadDir(o.tmp)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if err := os.Rename(filepath.Join(o.tmp, e.Name()), filepath.Join(o.dir, e.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	o.done = true
	return os.Remove(o.tmp)
}

// abort removes what was written unless commit succeeded.
func (o *outputSet) abort() {
	if !o.done {
		os.RemoveAll(o.tmp)
	}
}
