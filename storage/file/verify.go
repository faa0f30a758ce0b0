package file

import (
	"cmp"
	"context"
	"encoding/json"
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

// Rebuild rebuilds the index from the record files and the audit log,
// under the exclusive lock: the repair for an index Verify found wrong, or
// after restoring files from a backup. It reads every record file and the
// whole audit log.
func (s *Store) Rebuild(ctx context.Context) (err error) {
	defer func() { err = s.public(err) }()
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

// Verify reads every record file and the whole audit log under the shared
// lock (writers wait) and checks them against the index, the summaries and
// the positions of events included. It returns nil when every file decodes
// and the index matches the files exactly; otherwise an error joining one
// *CorruptError per damaged file or audit log frame (errors.Is(err,
// ErrCorrupt); a damaged acknowledgement log not yet rewritten is one too)
// and one error matching ErrIndexMismatch per disagreement. It changes
// nothing.
func (s *Store) Verify(ctx context.Context) (err error) {
	defer func() { err = s.public(err) }()
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
		if e.Damaged || !sameEntry(e, want) {
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
	for id := range x.cases {
		if !seen[id] {
			mismatch("case %q is in the index but has no record file", id)
		}
	}
	problems = append(problems, s.verifyAudit()...)
	if s.acks.lost != "" {
		problems = append(problems, &CorruptError{Path: s.acksPath(), Reason: "acknowledgement log: " + s.acks.lost})
	}
	return s.public(errors.Join(problems...))
}

// sameEntry reports whether two index entries say the same of a case.
func sameEntry(a, b *entry) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// verifyAudit scans the audit log and compares it with the index of its
// frames. The caller holds the shared lock and s.mu.
func (s *Store) verifyAudit() []error {
	x := s.idx
	frames, end, bad, err := s.scanAudit()
	if err != nil {
		return []error{err}
	}
	problems := corruptErrs(bad)
	var refs []frameRef
	for _, f := range frames {
		if f.ref.N > 0 && f.ref.Off < x.auditEnd {
			refs = append(refs, f.ref)
		}
	}
	slices.SortFunc(refs, func(a, b frameRef) int { return cmp.Compare(a.First, b.First) })
	if !slices.Equal(refs, x.frames) {
		problems = append(problems, fmt.Errorf("file: verify: the index of the audit log (%d frames) does not match the log (%d frames): %w", len(x.frames), len(refs), ErrIndexMismatch))
	}
	if end < x.auditEnd {
		problems = append(problems, fmt.Errorf("file: verify: the audit log ends before the index says: %w", ErrIndexMismatch))
	}
	return problems
}
