package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// ErrIndexMismatch is matched by the errors Verify returns when the index
// and the record files disagree; Rebuild repairs that.
var ErrIndexMismatch = errors.New("index disagrees with the record files")

// Rebuild rebuilds the index from the record files, under the exclusive
// lock: the repair for an index Verify found wrong, or after restoring
// record files from a backup. It reads every record file.
func (s *Store) Rebuild(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.beginWrite(ctx, "rebuild"); err != nil {
		return err
	}
	defer s.endWrite()
	if err := s.rebuild(true); err != nil {
		return fmt.Errorf("file: rebuild: %w", err)
	}
	return nil
}

// Verify reads every record file under the shared lock (writers wait) and
// checks it against the index. It returns nil when every file decodes and
// the index matches the files exactly; otherwise an error joining one
// *CorruptError per damaged file (errors.Is(err, ErrCorrupt)) and one error
// matching ErrIndexMismatch per disagreement. It changes nothing.
func (s *Store) Verify(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.lk.lockShared(ctx, "verify"); err != nil {
		return err
	}
	defer s.lk.unlockShared()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(false); err != nil {
		return fmt.Errorf("file: verify: %w", err)
	}
	x := s.idx
	des, err := os.ReadDir(s.recDir)
	if err != nil {
		return fmt.Errorf("file: verify: %w", err)
	}
	var problems []error
	mismatch := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("file: verify: %s: %w", fmt.Sprintf(format, args...), ErrIndexMismatch))
	}
	byName := make(map[string]string, len(x.cases))
	for id := range x.cases {
		byName[recordName(id)] = id
	}
	seen := make(map[string]bool, len(x.cases))
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := de.Name()
		if !isRecordName(name) {
			continue
		}
		path := filepath.Join(s.recDir, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("file: verify: %w", err)
		}
		id, indexed := byName[name]
		rec, h, err := decodeRecord(data)
		if err != nil {
			caseID := h.id
			if caseID == "" {
				caseID = id
			}
			problems = append(problems, &CorruptError{CaseID: caseID, Path: path, Reason: err.Error()})
			if !indexed && !slices.Contains(x.damagedFiles, name) {
				mismatch("damaged record file %s is not in the index", name)
			}
			if indexed {
				seen[id] = true
			}
			continue
		}
		if !indexed || rec.Case.ID != id {
			mismatch("record file %s of case %q is not in the index", name, rec.Case.ID)
			continue
		}
		seen[id] = true
		e := x.cases[id]
		want := entryOf(rec, rec.Version, h.gen)
		if e.Damaged || e.FileGen != want.FileGen || e.Version != want.Version || e.Status != want.Status ||
			e.External != want.External || !slices.Equal(e.Entities, want.Entities) {
			mismatch("index entry of case %q does not match its record file", id)
		}
		if want.External != "" && x.external[want.External] != id {
			mismatch("external id %q of case %q resolves to %q", want.External, id, x.external[want.External])
		}
		for _, en := range want.Entities {
			if x.entities[en] != id {
				mismatch("entity %q of case %q resolves to %q", en, id, x.entities[en])
			}
		}
	}
	for _, id := range x.ids {
		if !seen[id] {
			mismatch("case %q is in the index but has no record file", id)
		}
	}
	return errors.Join(problems...)
}
