package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/concord-er/concord/record"
)

// File is an open source: one file, or several read one after another as
// one source (OpenFiles), with the Reader of the file being read.
type File struct {
	*Reader
	ctx   context.Context
	opt   Options
	paths []string // the files, in the order they are read
	names []string // the files as errors and rejects name them
	sizes []int64
	at    int // index of the file being read
	f     *os.File
	count atomic.Pointer[fileReader]
	size  int64        // of all the files
	done  atomic.Int64 // bytes of the files read before the one being read
	// skipped and warned hold what the files read before said: their
	// rows passed over as empty, and their warnings, each naming its file.
	skipped int64
	warned  []string
}

// MaxSourceFiles bounds the files one source reads.
const MaxSourceFiles = 100_000

// OpenFile opens the file at path (plain or gzip) for the source described
// by opt. Close it when done. Reading stops with ctx's error once ctx is
// done. Only regular files are read unless opt.AllowSpecial: a FIFO or a
// device (/dev/zero) could be read forever.
func OpenFile(ctx context.Context, path string, opt Options) (*File, error) {
	name := opt.File
	if name == "" {
		name = path
	}
	return OpenFiles(ctx, []string{path}, []string{name}, opt)
}

// OpenFiles opens the files at paths as one source, read one after another
// in their order, each with a header of its own (as a day's or a month's
// exports are written), named in errors and rejects by names. Every file
// is opened and its mapping checked first, so that one that does not fit
// fails the source before a row is read (a workbook or a gzipped Parquet
// file after the first is read twice so). A record id is the source's,
// across the files: one a file repeats from an earlier one is rejected,
// naming where it was first.
// Close it when done.
func OpenFiles(ctx context.Context, paths, names []string, opt Options) (*File, error) {
	switch {
	case len(paths) == 0:
		return nil, fmt.Errorf("source %s: no file to read", opt.Source)
	case len(paths) > MaxSourceFiles:
		return nil, fmt.Errorf("source %s: %d files, more than the %d one source reads", opt.Source, len(paths), MaxSourceFiles)
	case len(names) != len(paths):
		return nil, fmt.Errorf("source %s: %d names for %d files", opt.Source, len(names), len(paths))
	}
	fl := &File{ctx: ctx, opt: opt, paths: paths, names: names, sizes: make([]int64, len(paths))}
	for i := len(paths) - 1; i >= 0; i-- { // the first one last, and kept open
		if err := fl.open(i); err != nil {
			return nil, err
		}
		fl.size += fl.sizes[i]
		if i > 0 {
			fl.f.Close()
		}
	}
	return fl, nil
}

// open opens file i and reads its header, as the file being read.
func (fl *File) open(i int) error {
	path, opt := fl.paths[i], fl.opt
	opt.File = fl.names[i]
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source %s: %w", opt.Source, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("source %s: %w", opt.Source, err)
	}
	if !st.Mode().IsRegular() && !opt.AllowSpecial {
		f.Close()
		return fmt.Errorf("source %s: %s is not a regular file (%v), which could be read forever: give a file, or allow_special: true in the source", opt.Source, path, st.Mode().Type())
	}
	cr := &fileReader{ctx: fl.ctx, f: f, size: st.Size()}
	var in io.Reader = cr
	if !st.Mode().IsRegular() {
		in = struct{ io.Reader }{cr} // read from its start, at no offset
	}
	rd, err := Open(in, opt)
	if err != nil {
		f.Close()
		return err
	}
	if fl.Reader != nil && i > 0 { // ids are the source's, across its files
		rd.seen = fl.Reader.seen
		for k, part := range rd.parts {
			part.seen = fl.Reader.parts[k].seen
		}
	}
	fl.Reader, fl.f, fl.at, fl.sizes[i] = rd, f, i, st.Size()
	fl.count.Store(cr)
	return nil
}

// Next returns the next record, as Reader.Next, of the file being read
// and then of each file after it.
func (fl *File) Next() (record.Record, error) {
	for {
		rec, err := fl.Reader.Next()
		if !errors.Is(err, io.EOF) || fl.at+1 == len(fl.paths) {
			return rec, err
		}
		fl.skipped += fl.Reader.Skipped()
		fl.warned = append(fl.warned, fl.named(fl.Reader.Warnings())...)
		fl.done.Add(fl.sizes[fl.at])
		if err := fl.f.Close(); err != nil {
			return record.Record{}, fmt.Errorf("source %s: %w", fl.opt.Source, err)
		}
		if err := fl.open(fl.at + 1); err != nil {
			return record.Record{}, err
		}
	}
}

// named returns the warnings of the file being read, each naming it when
// the source reads more than one.
func (fl *File) named(ws []string) []string {
	if len(fl.paths) == 1 {
		return ws
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fl.names[fl.at] + ": " + w
	}
	return out
}

// Names returns the names of the files, in the order they are read.
func (fl *File) Names() []string { return fl.names }

// Name returns the name of the file being read: that of the record Next
// returned last.
func (fl *File) Name() string { return fl.names[fl.at] }

// Warnings returns the warnings of the files read so far (Reader.Warnings),
// each naming its file when the source reads more than one.
func (fl *File) Warnings() []string {
	return append(fl.warned[:len(fl.warned):len(fl.warned)], fl.named(fl.Reader.Warnings())...)
}

// Skipped returns the rows passed over as empty (Reader.Skipped) of the
// files read so far.
func (fl *File) Skipped() int64 { return fl.skipped + fl.Reader.Skipped() }

// Progress returns the bytes of the files read so far and their size.
// Another goroutine may call it while one reads.
func (fl *File) Progress() (read, size int64) {
	return fl.done.Load() + fl.count.Load().n.Load(), fl.size
}

// fileReader reads a source's file, counting the bytes read (Progress),
// and fails with its context's error once that is done; a regular file
// is read at any offset too (a Parquet file in place).
type fileReader struct {
	ctx  context.Context
	f    *os.File
	size int64
	n    atomic.Int64
}

func (r *fileReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.f.Read(p)
	r.n.Add(int64(n))
	return n, err
}

func (r *fileReader) ReadAt(p []byte, off int64) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.f.ReadAt(p, off)
	r.n.Add(int64(n))
	return n, err
}

// Size returns the file's size when it was opened.
func (r *fileReader) Size() int64 { return r.size }

// peeker returns the file to be read at offsets without counting what is
// read: a Parquet file's page headers, checked at open, which its rows
// read again (Progress would pass the file's size).
func (r *fileReader) peeker() io.ReaderAt { return r.f }

// Close closes the file being read.
func (fl *File) Close() error { return fl.f.Close() }
