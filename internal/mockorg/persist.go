package mockorg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stateFile is the on-disk form: the org in the seed's shape plus the live tokens, so that a client
// holding a token keeps working across a restart, as with a real org.
type stateFile struct {
	FormatVersion int        `json:"formatVersion"`
	Org           *Seed      `json:"org"`
	Tokens        tokenTable `json:"tokens"`
}

const stateFormatVersion = 1

// removeTempFiles deletes what a write interrupted by a crash left beside the state file: the
// rename never happened, so the temporary file holds nothing the state file needs.
func (s *Server) removeTempFiles() {
	dir, prefix := filepath.Dir(s.cfg.StateFile), tempPrefix(s.cfg.StateFile)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // the state file's own read reports an unreadable directory
	}
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, prefix) && strings.HasSuffix(name, ".tmp") && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				s.log.Warn("removing a temporary state file failed", "path", filepath.Join(dir, name), "error", err)
				continue
			}
			s.log.Info("removed the temporary file of an interrupted state file write", "path", filepath.Join(dir, name))
		}
	}
}

// loadStateFile replaces the seeded org with the state file's, if the file exists. A file that
// exists but cannot be used is an error naming the file; the file is left untouched.
func (s *Server) loadStateFile() (bool, error) {
	data, err := os.ReadFile(s.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading state file %s: %w", s.cfg.StateFile, err)
	}
	var sf stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(&sf)
	if err == nil && len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		// Anything after the document (garbage, a second document) means the file is not what
		// mockorg wrote; loading the first part would drop the rest at the next save.
		err = errors.New("unexpected data after the state document")
	}
	if err != nil {
		return false, fmt.Errorf("state file %s is corrupt (%w); it was left untouched: move it away or fix it to start", s.cfg.StateFile, err)
	}
	if sf.FormatVersion != stateFormatVersion || sf.Org == nil {
		return false, fmt.Errorf("state file %s is not a mockorg state file of format version %d; it was left untouched", s.cfg.StateFile, stateFormatVersion)
	}
	st, err := newState(sf.Org)
	if err != nil {
		return false, fmt.Errorf("state file %s holds an invalid org (%w); it was left untouched", s.cfg.StateFile, err)
	}
	s.st = st
	if sf.Tokens.Access != nil {
		s.tokens.Access = sf.Tokens.Access
	}
	if sf.Tokens.Refresh != nil {
		s.tokens.Refresh = sf.Tokens.Refresh
	}
	for _, g := range s.tokens.Refresh {
		if g.IssuedAt == 0 {
			g.IssuedAt = s.now().UnixMilli()
		}
	}
	s.pruneLocked()
	s.apiUsed.Store(int64(sf.Org.Organization.APIRequestsUsed))
	s.log.Info("org loaded from state file", "path", s.cfg.StateFile)
	return true, nil
}

// saveLocked writes the state file; the caller holds s.mu.
func (s *Server) saveLocked() error {
	if s.cfg.StateFile == "" || s.closed {
		return nil
	}
	data, err := json.MarshalIndent(stateFile{
		FormatVersion: stateFormatVersion,
		Org:           s.st.toSeed(int(s.apiUsed.Load())),
		Tokens:        s.tokens,
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	if err := s.writeFile(s.cfg.StateFile, append(data, '\n')); err != nil {
		s.saveErr = err
		return err
	}
	s.unsaved, s.saveErr = false, nil
	return nil
}

// writeFileAtomic writes a temporary file in the same directory, fsyncs it and renames it over
// path, so that a crash leaves either the old or the new content, never a mix.
func writeFileAtomic(path string, data []byte) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("writing state file %s: %w", path, err)
		}
	}()
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// tempPrefix is how the temporary files of writeFileAtomic begin: ".NAME.", so that they sort
// beside the state file and can be recognised after a crash.
func tempPrefix(path string) string { return "." + filepath.Base(path) + "." }
