// Command gz compresses and unpacks the executables of a GPU-check bundle
// (scripts/gpu-check.sh). It is built static (CGO_ENABLED=0) and shipped
// uncompressed in the bundle, so that the bundle's --run mode needs nothing
// but bash and coreutils on the GPU machine, not even gzip.
//
//	gz -z DIR FILE...     writes DIR/<name of FILE>.gz for every FILE (gzip, best compression)
//	gz -d DIR FILE.gz...  writes DIR/<name of FILE without .gz>, executable (mode 0755)
//
// The files are gzip streams: gzip -d reads them too.
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) < 4 || (os.Args[1] != "-z" && os.Args[1] != "-d") {
		fmt.Fprintln(os.Stderr, "usage: gz -z DIR FILE... | gz -d DIR FILE.gz...")
		os.Exit(2)
	}
	dir := os.Args[2]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	for _, src := range os.Args[3:] {
		var err error
		if os.Args[1] == "-z" {
			err = compress(src, filepath.Join(dir, filepath.Base(src)+".gz"))
		} else {
			if !strings.HasSuffix(src, ".gz") {
				fail(fmt.Errorf("%s: not a .gz file", src))
			}
			err = unpack(src, filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".gz")))
		}
		if err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gz:", err)
	os.Exit(1)
}

// compress writes src gzip-compressed to dst.
func compress(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeAtomically(dst, 0o644, func(w io.Writer) error {
		zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
		if err != nil {
			return err
		}
		zw.Name = filepath.Base(src)
		if _, err := io.Copy(zw, in); err != nil {
			return err
		}
		return zw.Close()
	})
}

// unpack writes the gzip stream src, uncompressed, to dst as an executable.
func unpack(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return writeAtomically(dst, 0o755, func(w io.Writer) error {
		if _, err := io.Copy(w, zr); err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		return zr.Close()
	})
}

// writeAtomically writes dst through a temporary file in the same folder, so
// that an interrupted run never leaves a truncated executable behind.
func writeAtomically(dst string, mode os.FileMode, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
