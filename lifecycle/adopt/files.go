package adopt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// writeAtomic replaces path by a file with content and mode perm: a
// temporary file in the same directory (missing directories are created,
// mode 0755), synced, then renamed over path. The temporary file is removed
// on every error.
func writeAtomic(path string, content []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating directory for %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".vserverx-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fillAndRename(tmp, path, content, perm); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func fillAndRename(tmp *os.File, path string, content []byte, perm fs.FileMode) error {
	_, err := tmp.Write(content)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// copyFile copies the regular file or symbolic link from to the path to,
// keeping its mode, owner and modification time; a file is written
// atomically.
func copyFile(from, to string) error {
	fi, err := os.Lstat(from)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return copySymlink(from, to)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", from)
	}
	content, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := writeAtomic(to, content, fi.Mode().Perm()); err != nil {
		return err
	}
	return keepAttrs(to, fi)
}

func copySymlink(from, to string) error {
	target, err := os.Readlink(from)
	if err != nil {
		return err
	}
	if err := os.Remove(to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Symlink(target, to)
}

// keepAttrs gives path the owner and modification time of fi.
func keepAttrs(path string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if err := os.Lchown(path, int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	return os.Chtimes(path, fi.ModTime(), fi.ModTime())
}

// move renames from to to; across file systems it copies the tree and
// removes the original.
func move(from, to string) error {
	err := os.Rename(from, to)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	if err := copyTree(from, to, nil); err != nil {
		_ = os.RemoveAll(to)
		return err
	}
	return os.RemoveAll(from)
}

// copyTree copies the file, link or directory tree from to to, keeping
// modes; entries skip returns true for are left out. Other file types
// (sockets, devices) are left out too.
func copyTree(from, to string, skip func(path string, d fs.DirEntry) bool) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if skip != nil && skip(path, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		r, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, r)
		switch {
		case d.IsDir():
			return copyDir(path, dst)
		case d.Type()&fs.ModeSymlink != 0 || d.Type().IsRegular():
			return copyFile(path, dst)
		}
		return nil
	})
}

func copyDir(from, to string) error {
	fi, err := os.Stat(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	return os.Chmod(to, fi.Mode().Perm())
}
