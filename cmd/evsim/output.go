package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/evsim/evsim/scenarios"
)

// lockName is the file that marks an output folder as being written.
const lockName = ".evsim.lock"

// tmpPrefix starts the name of every file written but not yet renamed
// into place; a reader ignores such files.
const tmpPrefix = ".tmp-"

// errNoOut refuses an empty --out to a command whose files need a
// folder.
var errNoOut = errors.New(`no output folder (--out ""): name the folder the files go to, as --out evsim-out`)

// outLock is a held lock on an output folder.
type outLock struct {
	path string
}

// lockOut checks that dir can be written (creating it if needed) and
// locks it for this process: it creates dir/.evsim.lock exclusively,
// naming the holder's pid and command. A lock held by another run is an
// error that names it; a lock whose holder is gone is reported with how
// to remove it, never taken over.
func lockOut(dir string) (*outLock, error) {
	if dir == "" {
		return nil, errNoOut
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s cannot be created: %w (choose another with --out)", dir, err)
	}
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		_, werr := fmt.Fprintf(f, "pid %d\ncommand %s\n", os.Getpid(), strings.Join(os.Args, " "))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, fmt.Errorf("output folder %s is not writable: %w (choose another with --out)", dir, werr)
		}
		return &outLock{path: path}, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("output folder %s is not writable: %w (choose another with --out)", dir, err)
	}
	pid, cmd := readLock(path)
	if pid > 0 && !alive(pid) {
		return nil, fmt.Errorf("output folder %s has a stale lock: pid %d (%s) is no longer running; if no evsim is writing there, remove it with: rm %s", dir, pid, cmd, path)
	}
	return nil, fmt.Errorf("output folder %s is in use by another run (pid %d: %s); wait for it to finish or choose another with --out (a lock left behind: rm %s)", dir, pid, cmd, path)
}

// unlock releases the lock.
func (l *outLock) unlock() {
	if l != nil {
		os.Remove(l.path)
	}
}

// readLock returns the pid and command a lock file names (0 and "?" when
// it cannot be read).
func readLock(path string) (int, string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "?"
	}
	pid, cmd := 0, "?"
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "pid "); ok {
			pid, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(line, "command "); ok {
			cmd = v
		}
	}
	return pid, cmd
}

// alive says whether a process with that pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// writeAtomic writes path whole or not at all: write fills a temporary
// file in the same folder, named like path (same extension, for writers
// that pick a format from it), which is then renamed over path.
func writeAtomic(path string, write func(tmp string) error) error {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, tmpPrefix+"*-"+base)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeFileAtomic writes b to path whole or not at all.
func writeFileAtomic(path string, b []byte) error {
	return writeAtomic(path, func(tmp string) error {
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// writeStreamAtomic writes to path, whole or not at all, what fill writes.
func writeStreamAtomic(path string, fill func(io.Writer) error) error {
	return writeAtomic(path, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := fill(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// checkFolders checks that each scenario's outputs can go to a folder
// of its own inside the output folder: its name, the folder's name, must
// be one plain path element. "." or ".." would put a run's history,
// charts and report into the output folder itself or beside it,
// overwriting what is there.
func checkFolders(list []*scenarios.Scenario) error {
	for _, s := range list {
		if s.Name == "" || s.Name == "." || s.Name == ".." || strings.ContainsAny(s.Name, `/\`) || strings.HasPrefix(s.Name, tmpPrefix) {
			return fmt.Errorf("%s: scenario name %q cannot name its output folder: use letters, digits and dashes", s.File, s.Name)
		}
	}
	return nil
}
