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

// Rebuild rebuilds the index from the record files and the event
// tombstones, under the exclusive lock: the repair for an index Verify found
// wrong, or after restoring record files from a backup. It reads every
// record file. A tombstone removed by hand is forgotten then: its events
// are given up (see the package doc).
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

// Verify reads every record file and every event tombstone under the shared
// lock (writers wait) and checks them against the index, pending events
// included. It returns nil when every file decodes and the index matches the
// files exactly; otherwise an error joining one *CorruptError per damaged
// file (errors.Is(err, ErrCorrupt); a damaged acknowledgement log not yet
// rewritten is one too) and one error matching ErrIndexMismatch per
// disagreement. It changes nothing.
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
		if !slices.Equal(s.unackedSeqs(e.Pending), s.unacked(rec.Events)) {
			mismatch("pending events of case %q in the index do not match its record file", id)
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
	outbox, err := s.verifyOutbox(ctx)
	if err != nil {
		return err
	}
	return errors.Join(append(problems, outbox...)...)
}

// verifyOutbox checks the tombstone files against the index and reports a
// damaged acknowledgement log. The caller holds the shared lock and s.mu.
func (s *Store) verifyOutbox(ctx context.Context) ([]error, error) {
	x := s.idx
	var problems []error
	if s.acks.lost != "" {
		problems = append(problems, &CorruptError{Path: s.acksPath(), Reason: "acknowledgement log: " + s.acks.lost})
	}
	des, err := os.ReadDir(s.outDir)
	if err != nil {
		return nil, fmt.Errorf("file: verify: %w", err)
	}
	seen := make(map[uint64]bool)
	for _, de := range des {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		gen, ok := parseTombName(de.Name())
		if !ok {
			continue
		}
		path := filepath.Join(s.outDir, de.Name())
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("file: verify: %w", err)
		}
		tb, err := decodeTomb(data)
		if err != nil {
			problems = append(problems, &CorruptError{Path: path, Reason: err.Error()})
			seen[gen] = true
			continue
		}
		void, err := s.tombVoid(tb.CaseID, gen)
		if err != nil {
			return nil, fmt.Errorf("file: verify: %w", err)
		}
		left := s.unacked(tb.Events)
		if void || len(left) == 0 {
			continue // left for the next writer to remove
		}
		seen[gen] = true
		if t, ok := x.tombs[gen]; !ok || t.caseID != tb.CaseID || !slices.Equal(s.unackedSeqs(t.seqs), left) {
			problems = append(problems, fmt.Errorf("file: verify: event tombstone %s does not match the index: %w", path, ErrIndexMismatch))
		}
	}
	for _, ce := range x.badTombs {
		if gen, ok := parseTombName(filepath.Base(ce.Path)); ok && !seen[gen] {
			c := *ce
			problems = append(problems, &c) // missing since the index was loaded
		}
	}
	for gen, t := range x.tombs {
		if !seen[gen] {
			problems = append(problems, fmt.Errorf("file: verify: event tombstone %s of case %q is in the index but not on disk: %w", s.tombPath(gen), t.caseID, ErrIndexMismatch))
		}
	}
	return problems, nil
}
