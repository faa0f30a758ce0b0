package file

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// The audit log, audit.log in the store directory: every commit appends one
// frame to it, numbered events and all, before its record file changes.
//
// Layout, integers little-endian: a 24-byte header, the magic "DOSSAUD\n",
// the format version (uint32, 1), the epoch (uint64: 0, then the generation
// of the PurgeEvents that last rewrote the log) and the CRC-32C of those 20
// bytes (uint32); then frames of [payload length uint32][payload CRC-32C
// uint32][payload], each payload an auditFrame as JSON.
const (
	auditName      = "audit.log"
	auditMagic     = "DOSSAUD\n"
	auditFormat    = 1
	auditHeaderLen = 24
)

// Frame operations. opMigrate frames hold events moved from the records of
// a format-2 directory; opPurge ends a log rewritten by PurgeEvents.
const (
	opQuarantine = "quarantine"
	opMigrate    = "migrate"
	opPurge      = "purge"
)

// auditFrame is one commit in the audit log.
type auditFrame struct {
	Gen  uint64 `json:"gen"`
	Op   string `json:"op"`
	Case string `json:"case,omitempty"`
	// EvSeq is the highest event Seq given once the frame is in.
	EvSeq uint64 `json:"ev_seq"`
	// At is the deletion time given to Delete.
	At     *time.Time    `json:"at,omitempty"`
	Events []event.Event `json:"events,omitempty"`
}

func auditHeader(epoch uint64) []byte {
	h := make([]byte, auditHeaderLen)
	copy(h, auditMagic)
	binary.LittleEndian.PutUint32(h[8:], auditFormat)
	binary.LittleEndian.PutUint64(h[12:], epoch)
	binary.LittleEndian.PutUint32(h[20:], crc32.Checksum(h[:20], castagnoli))
	return h
}

// parseAuditHeader returns the epoch of an audit log header; every error is
// a *damage.
func parseAuditHeader(data []byte) (uint64, error) {
	if len(data) < auditHeaderLen || string(data[:8]) != auditMagic {
		return 0, damagef("audit log has no valid header")
	}
	if crc32.Checksum(data[:20], castagnoli) != binary.LittleEndian.Uint32(data[20:]) {
		return 0, damagef("audit log header checksum mismatch")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != auditFormat {
		return 0, damagef("unsupported audit log format version %d", v)
	}
	return binary.LittleEndian.Uint64(data[12:]), nil
}

// encodeAuditFrame returns af as one frame.
func encodeAuditFrame(af *auditFrame) ([]byte, error) {
	payload, err := json.Marshal(af)
	if err != nil {
		return nil, fmt.Errorf("encode audit log frame: %w", err)
	}
	if len(payload) > maxFrameLen {
		return nil, fmt.Errorf("audit log frame of %d bytes, at most %d allowed", len(payload), maxFrameLen)
	}
	return frame(payload), nil
}

// decodeAuditFrame decodes one whole frame (as read at a frameRef).
func decodeAuditFrame(data []byte) (*auditFrame, error) {
	payload, n, ok := nextFrame(data)
	if !ok || n != len(data) {
		return nil, damagef("audit log frame does not check out")
	}
	af := new(auditFrame)
	if err := json.Unmarshal(payload, af); err != nil {
		return nil, damagef("audit log frame is intact but does not decode: %v", err)
	}
	return af, nil
}

func (s *Store) auditPath() string { return filepath.Join(s.dir, auditName) }

// openAudit opens the audit log, creating an empty one when it does not
// exist, and returns its epoch and size.
func (s *Store) openAudit() (*os.File, uint64, int64, error) {
	f, err := os.OpenFile(s.auditPath(), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if err := s.writeFileAtomic(s.dir, s.topD, auditName, auditHeader(0)); err != nil {
			return nil, 0, 0, fmt.Errorf("create audit log: %w", err)
		}
		f, err = os.OpenFile(s.auditPath(), os.O_RDWR, 0)
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("open audit log: %w", err)
	}
	var h [auditHeaderLen]byte
	n, err := f.ReadAt(h[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, 0, 0, fmt.Errorf("read audit log: %w", err)
	}
	epoch, err := parseAuditHeader(h[:n])
	if err != nil {
		f.Close()
		return nil, 0, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, 0, fmt.Errorf("read audit log: %w", err)
	}
	return f, epoch, fi.Size(), nil
}

// readFrame reads and decodes the frame at ref; a frame that does not check
// out is a *CorruptError listing its events' Seqs.
//
// The last frames read are kept decoded (see frameCache): paging through a
// large frame decodes it once. Callers clone the events they return.
func (s *Store) readFrame(ref *frameRef) (*auditFrame, error) {
	if af := s.frames.get(ref); af != nil {
		return af, nil
	}
	buf := make([]byte, ref.Size)
	if _, err := s.auditf.ReadAt(buf, ref.Off); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("file: read audit log: %w", err)
	}
	af, err := decodeAuditFrame(buf)
	if err == nil && (len(af.Events) != int(ref.N) || af.Case != ref.Case || af.Events[0].Seq != ref.First) {
		err = damagef("audit log frame at offset %d does not hold the events the index lists", ref.Off)
	}
	if err != nil {
		seqs := make([]uint64, ref.N)
		for i := range seqs {
			seqs[i] = ref.First + uint64(i)
		}
		return nil, &CorruptError{CaseID: ref.Case, Path: s.auditPath(), Reason: err.Error(), Seqs: seqs}
	}
	s.frames.put(ref, af)
	return af, nil
}

// frameCache keeps the last frames read from the audit log, decoded, up to
// frameCacheBytes of frame bytes. Committed frames never change while the
// audit log file stays the same (only a purge replaces it, and setAudit
// then empties the cache). It is guarded by Store.mu.
type frameCache struct {
	order []int64 // offsets, oldest first
	byOff map[int64]*auditFrame
	size  map[int64]uint32
	bytes int64
}

const frameCacheBytes = 4 << 20

func (c *frameCache) get(ref *frameRef) *auditFrame {
	af := c.byOff[ref.Off]
	if af == nil || c.size[ref.Off] != ref.Size {
		return nil
	}
	return af
}

func (c *frameCache) put(ref *frameRef, af *auditFrame) {
	if int64(ref.Size) > frameCacheBytes/2 {
		return
	}
	if c.byOff == nil {
		c.byOff, c.size = make(map[int64]*auditFrame), make(map[int64]uint32)
	}
	if _, ok := c.byOff[ref.Off]; ok {
		return
	}
	for c.bytes+int64(ref.Size) > frameCacheBytes && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.bytes -= int64(c.size[old])
		delete(c.byOff, old)
		delete(c.size, old)
	}
	c.order = append(c.order, ref.Off)
	c.byOff[ref.Off], c.size[ref.Off] = af, ref.Size
	c.bytes += int64(ref.Size)
}

func (c *frameCache) reset() { *c = frameCache{} }

// scannedFrame is one frame found by scanAudit.
type scannedFrame struct {
	ref frameRef
	af  *auditFrame
}

// scanAudit reads every frame of the audit log after its header, for a
// rebuild. It returns the frames that check out, in log order, where the
// last whole frame ends, and the frames that do not check out. A frame that
// does not check out at the very end (a torn append, never acknowledged)
// ends the scan; one in the middle is skipped by its length when the frame
// after it checks out, otherwise the scan stops there and end is the file
// size, so that no writer truncates bytes that may hold committed frames.
func (s *Store) scanAudit() (frames []scannedFrame, end int64, bad []*CorruptError, err error) {
	data, err := os.ReadFile(s.auditPath())
	if err != nil {
		return nil, 0, nil, fmt.Errorf("read audit log: %w", err)
	}
	if _, err := parseAuditHeader(data); err != nil {
		return nil, 0, []*CorruptError{{Path: s.auditPath(), Reason: err.Error()}}, nil
	}
	off := auditHeaderLen
	for off < len(data) {
		rest := data[off:]
		payload, n, ok := nextFrame(rest)
		var af auditFrame
		if ok {
			ok = json.Unmarshal(payload, &af) == nil
		}
		if ok {
			ref := frameRef{Off: int64(off), Size: uint32(n), Case: af.Case, N: uint32(len(af.Events))}
			if ref.N > 0 {
				ref.First = af.Events[0].Seq
			}
			frames = append(frames, scannedFrame{ref: ref, af: &af})
			off += n
			continue
		}
		if tornTail(rest) {
			return frames, int64(off), bad, nil
		}
		bad = append(bad, &CorruptError{Path: s.auditPath(), Reason: fmt.Sprintf("audit log frame at offset %d does not check out", off)})
		if len(rest) >= 8 {
			skip := 8 + int(binary.LittleEndian.Uint32(rest))
			if skip < len(rest) {
				if _, _, next := nextFrame(rest[skip:]); next {
					off += skip
					continue
				}
			}
		}
		return frames, int64(len(data)), bad, nil
	}
	return frames, int64(off), bad, nil
}

// Events implements storage.Store. It reads only the frames of the case
// (the index keeps their positions), under the shared lock. A frame that
// cannot be read ends the page: the events before it are returned with a
// *CorruptError.
func (s *Store) Events(ctx context.Context, caseID string, after uint64, limit int) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit, err := storage.PageSize(limit)
	if err != nil {
		return nil, fmt.Errorf("file: events: %w", err)
	}
	var out []event.Event
	err = s.withIndex(ctx, "events", func(x *index) error {
		pos := x.byCase[caseID]
		i := sort.Search(len(pos), func(i int) bool { return x.frames[pos[i]].last() > after })
		out = make([]event.Event, 0, min(limit, 16))
		for ; i < len(pos) && len(out) < limit; i++ {
			af, err := s.readFrame(&x.frames[pos[i]])
			if err != nil {
				return err
			}
			for _, e := range af.Events {
				if e.Seq > after && len(out) < limit {
					out = append(out, e.Clone())
				}
			}
		}
		return nil
	})
	return out, s.public(err)
}

// PurgeEvents implements storage.Store. It rewrites the audit log without
// the events (and deletion marks) of the cases deleted before deletedBefore,
// under the exclusive lock: a new file, fsynced, renamed over the old one,
// then a new index. It reads the whole log, so it costs time in the size of
// the log; run it rarely (a nightly or monthly job). A crash leaves the old
// log or the new one. It refuses to run while the log has frames that do
// not check out (Verify reports them), since it could not copy them.
func (s *Store) PurgeEvents(ctx context.Context, deletedBefore time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := s.beginWrite(ctx, "purge events"); err != nil {
		return 0, s.public(err)
	}
	defer s.endWrite()
	n, err := s.purge(deletedBefore)
	if err != nil {
		return 0, s.public(fmt.Errorf("file: purge events: %w", err))
	}
	return n, nil
}

func (s *Store) purge(deletedBefore time.Time) (int, error) {
	x := s.idx
	upTo := map[string]uint64{}
	for id, ds := range x.deletions {
		for _, d := range ds {
			if d.At.Before(deletedBefore) {
				upTo[id] = max(upTo[id], d.UpTo)
			}
		}
	}
	if len(upTo) == 0 {
		return 0, nil
	}
	if len(x.badFrames) > 0 {
		return 0, errors.Join(append([]error{errors.New("the audit log has damaged frames")}, corruptErrs(x.badFrames)...)...)
	}
	data, err := os.ReadFile(s.auditPath())
	if err != nil {
		return 0, fmt.Errorf("read audit log: %w", err)
	}
	data = data[:min(int64(len(data)), x.auditEnd)]
	frames, end, bad, err := s.scanAudit()
	if err != nil {
		return 0, err
	}
	if len(bad) > 0 || end < x.auditEnd {
		return 0, errors.Join(append([]error{errors.New("the audit log has damaged frames")}, corruptErrs(bad)...)...)
	}
	gen := x.gen + 1
	out := auditHeader(gen)
	removed := 0
	for _, f := range frames {
		if f.ref.Off >= x.auditEnd {
			break // a commit that did not land
		}
		if lim, ok := upTo[f.af.Case]; ok && f.af.EvSeq <= lim && (len(f.af.Events) > 0 || f.af.Op == opDelete) {
			removed += len(f.af.Events)
			continue
		}
		out = append(out, data[f.ref.Off:f.ref.Off+int64(f.ref.Size)]...)
	}
	fr, err := encodeAuditFrame(&auditFrame{Gen: gen, Op: opPurge, EvSeq: x.evSeq})
	if err != nil {
		return 0, err
	}
	out = append(out, fr...)
	if err := s.bumpSeq(); err != nil {
		return 0, err
	}
	if err := s.writeFileAtomic(s.dir, s.topD, auditName, out); err != nil {
		return 0, fmt.Errorf("write audit log: %w", err)
	}
	// The new log is in place: index it and write the index, which says
	// which log it describes (its epoch).
	x.gen = gen
	if err := s.rebuildAudit(x); err != nil {
		s.loaded = false
		return 0, err
	}
	if err := s.writeIndex(); err != nil {
		s.loaded = false
		return 0, err
	}
	return removed, nil
}

func corruptErrs(ces []*CorruptError) []error {
	out := make([]error, len(ces))
	for i, ce := range ces {
		c := *ce
		out[i] = &c
	}
	return out
}

// The quarantine directory holds the record files Quarantine set aside,
// named <hex SHA-256 of the case id>-<generation, 16 hex digits>.rec.
const quarantineDirName = "quarantine"

func (s *Store) quarantineDir() string { return filepath.Join(s.dir, quarantineDirName) }

func (s *Store) quarantinePath(caseID string, gen uint64) string {
	name := recordName(caseID)
	return filepath.Join(s.quarantineDir(), fmt.Sprintf("%s-%016x%s", name[:len(name)-len(recExt)], gen, recExt))
}

// Quarantine implements storage.Quarantiner: it moves the record file of
// caseID, whatever its version and whether or not it can be read, to the
// quarantine directory (see the package doc) in one commit, so the case
// leaves every read, query and index. The case's audit log is kept (it is
// not a deletion: PurgeEvents never removes it). It returns
// storage.ErrNotFound when the store has no record file for caseID.
func (s *Store) Quarantine(ctx context.Context, caseID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.withWrite(ctx, "quarantine", func() error {
		_, ok := s.idx.cases[caseID]
		if !ok && !slices.Contains(s.idx.damagedFiles, recordName(caseID)) {
			return fmt.Errorf("file: quarantine case %s: %w", caseID, storage.ErrNotFound)
		}
		if err := os.Mkdir(s.quarantineDir(), 0o700); err == nil {
			if err := s.syncD(s.topD); err != nil {
				return fmt.Errorf("file: quarantine case %s: sync store directory: %w", caseID, err)
			}
		} else if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("file: quarantine case %s: %w", caseID, err)
		}
		le := &logEntry{Gen: s.idx.gen + 1, Op: opDelete, ID: caseID, EvSeq: s.idx.evSeq, Quarantine: true}
		return s.commit("quarantine", le, &auditFrame{Op: opQuarantine}, nil)
	})
	return s.public(err)
}
