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

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
)

// The outbox directory holds the acknowledgement log: every event in the
// audit log is pending until its Seq is in it.
const (
	outDirName = "outbox"
	acksName   = "acks.log"
)

// Acknowledgement log layout: the layout of the index log with the magic
// "DOSSACK\n"; each frame's payload is an ackFrame as JSON. The first frame
// of a rewritten log carries Below.
const (
	ackMagic  = "DOSSACK\n"
	ackFormat = 1
)

type ackFrame struct {
	// Below: every Seq up to Below is acknowledged.
	Below uint64 `json:"below,omitempty"`
	// Seqs are acknowledged, ascending.
	Seqs []uint64 `json:"seqs,omitempty"`
}

func ackHeader() []byte {
	h := logHeader()
	copy(h, ackMagic)
	binary.LittleEndian.PutUint32(h[8:], ackFormat)
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(h[:12], castagnoli))
	return h
}

// acks is what a Store knows of the acknowledgement log.
type acks struct {
	below uint64              // every Seq up to below is acknowledged
	set   map[uint64]struct{} // acknowledged Seqs above below
	f     *os.File            // the log, open; nil when it does not exist
	off   int64               // bytes of the log consumed
	// frames appended since the log was written whole.
	frames int
	// repair says why the log must be rewritten before the next append:
	// missing, torn tail, damage ("" when sound).
	repair string
	// lost describes damage that cost acknowledgements (their events are
	// pending again); Verify reports it until a writer rewrites the log.
	lost string
}

func newAcks() *acks { return &acks{set: make(map[uint64]struct{})} }

// has reports whether q is acknowledged.
func (a *acks) has(q uint64) bool {
	if q <= a.below {
		return true
	}
	_, ok := a.set[q]
	return ok
}

// highest returns the highest Seq the log mentions.
func (a *acks) highest() uint64 {
	h := a.below
	for q := range a.set {
		h = max(h, q)
	}
	return h
}

// add applies one frame and returns the Seqs it acknowledged.
func (a *acks) add(fr *ackFrame) []uint64 {
	if fr.Below > a.below {
		a.below = fr.Below
		for q := range a.set {
			if q <= a.below {
				delete(a.set, q)
			}
		}
	}
	for _, q := range fr.Seqs {
		if q > a.below {
			a.set[q] = struct{}{}
		}
	}
	return fr.Seqs
}

// parse applies the frames in data and returns the bytes used and the Seqs
// acknowledged. A frame that does not check out ends the parse: when it is
// the file's last bytes (an append cut by a crash: never acknowledged to
// its caller) only a rewrite is due; otherwise what follows is lost.
func (a *acks) parse(data []byte, base int64) (used int, acked []uint64, raised bool) {
	for used < len(data) {
		rest := data[used:]
		payload, n, ok := nextFrame(rest)
		var fr ackFrame
		if ok {
			ok = json.Unmarshal(payload, &fr) == nil && slices.IsSorted(fr.Seqs)
		}
		if !ok {
			if tornTail(rest) {
				a.repair = "torn tail"
			} else {
				a.repair = "damaged frame"
				a.lost = fmt.Sprintf("frame at offset %d does not check out: the acknowledgements after it are lost (their events are delivered again)", base+int64(used))
			}
			return used, acked, raised
		}
		raised = raised || fr.Below > a.below
		acked = append(acked, a.add(&fr)...)
		used += n
	}
	return used, acked, raised
}

// tornTail reports whether rest, bytes from a frame that does not check
// out to the end of the file, look like an append cut short: the frame
// runs to (or past) the end, or all is zeros.
func tornTail(rest []byte) bool {
	if len(rest) < 8 || 8+uint64(binary.LittleEndian.Uint32(rest)) >= uint64(len(rest)) {
		return true
	}
	for _, b := range rest {
		if b != 0 {
			return false
		}
	}
	return true
}

func (s *Store) acksPath() string { return filepath.Join(s.outDir, acksName) }

// loadAcks reads the whole acknowledgement log. A missing or damaged log is
// not an error: what it still says is true, and the next writer rewrites
// it.
func (s *Store) loadAcks() error {
	if s.acks != nil && s.acks.f != nil {
		s.acks.f.Close()
	}
	a := newAcks()
	s.acks = a
	f, err := os.OpenFile(s.acksPath(), os.O_RDWR|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		a.repair = "missing"
		return nil
	}
	if err != nil {
		return fmt.Errorf("open acknowledgement log: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("read acknowledgement log: %w", err)
	}
	a.f = f
	want := ackHeader()
	if len(data) < len(want) || string(data[:len(want)]) != string(want) {
		a.repair = "damaged header"
		a.lost = "the header does not check out: every acknowledgement is lost (events not acknowledged since their record was written are delivered again)"
		a.off = int64(len(data))
		return nil
	}
	used, _, _ := a.parse(data[len(want):], int64(len(want)))
	a.off = int64(len(want) + used)
	return nil
}

// catchUpAcks reads the acknowledgements appended since the last call, or
// the whole log when it was replaced.
func (s *Store) catchUpAcks() error {
	a := s.acks
	if a == nil || a.f == nil {
		return s.loadAcks()
	}
	fi, err := os.Stat(s.acksPath())
	if err != nil {
		return s.loadAcks()
	}
	cur, err := a.f.Stat()
	if err != nil || !os.SameFile(fi, cur) || cur.Size() < a.off {
		return s.loadAcks()
	}
	if cur.Size() == a.off {
		return nil
	}
	buf := make([]byte, cur.Size()-a.off)
	if _, err := a.f.ReadAt(buf, a.off); err != nil {
		return fmt.Errorf("read acknowledgement log: %w", err)
	}
	used, _, _ := a.parse(buf, a.off)
	a.off += int64(used)
	return nil
}

// appendAcks makes the acknowledgement of seqs durable, under the exclusive
// lock.
func (s *Store) appendAcks(seqs []uint64) error {
	a := s.acks
	if a.repair != "" {
		if err := s.rewriteAcks(); err != nil {
			return err
		}
	}
	payload, err := json.Marshal(&ackFrame{Seqs: seqs})
	if err != nil {
		return fmt.Errorf("encode acknowledgements: %w", err)
	}
	if err := s.bumpSeq(); err != nil {
		return err
	}
	fr := frame(payload)
	if _, err := a.f.Write(fr); err != nil {
		a.repair = "failed append"
		return fmt.Errorf("append acknowledgement log: %w", err)
	}
	if err := s.sync(a.f); err != nil {
		a.repair = "failed sync"
		return fmt.Errorf("sync acknowledgement log: %w", err)
	}
	a.off += int64(len(fr))
	a.frames++
	a.add(&ackFrame{Seqs: seqs})
	return nil
}

// rewriteAcks replaces the acknowledgement log by one frame saying the same,
// under the exclusive lock with a current index: every Seq below the lowest
// pending one is acknowledged (or was never given to a committed event), so
// it folds them into Below. While a rebuild found audit log frames it could
// not read, whose events are unknown, Below does not move.
func (s *Store) rewriteAcks() error {
	a, x := s.acks, s.idx
	below := a.below
	if len(x.badFrames) == 0 {
		below = max(below, s.lowestPending()-1)
	}
	var seqs []uint64
	for q := range a.set {
		if q > below {
			seqs = append(seqs, q)
		}
	}
	slices.Sort(seqs)
	payload, err := json.Marshal(&ackFrame{Below: below, Seqs: seqs})
	if err != nil {
		return fmt.Errorf("encode acknowledgements: %w", err)
	}
	if err := s.bumpSeq(); err != nil {
		return err
	}
	data := append(ackHeader(), frame(payload)...)
	if err := s.writeFileAtomic(s.outDir, s.outD, acksName, data); err != nil {
		return fmt.Errorf("write acknowledgement log: %w", err)
	}
	f, err := os.OpenFile(s.acksPath(), os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open acknowledgement log: %w", err)
	}
	if a.f != nil {
		a.f.Close()
	}
	a.add(&ackFrame{Below: below})
	a.f, a.off, a.frames, a.repair, a.lost = f, int64(len(data)), 0, "", ""
	return nil
}

// lowestPending returns the lowest Seq in the audit log that is not
// acknowledged, or x.evSeq+1 when there is none. The caller holds s.mu.
func (s *Store) lowestPending() uint64 {
	x, a := s.idx, s.acks
	for i := x.frameAt(a.below + 1); i < len(x.frames); i++ {
		f := &x.frames[i]
		for q := max(f.First, a.below+1); q <= f.last(); q++ {
			if !a.has(q) {
				return q
			}
		}
	}
	return x.evSeq + 1
}

// committed reports whether q is the Seq of an event in the audit log. The
// caller holds s.mu.
func (x *index) committed(q uint64) bool {
	i := x.frameAt(q)
	return i < len(x.frames) && x.frames[i].First <= q
}

// PendingEvents implements storage.Outbox. It answers from the index of the
// audit log and the acknowledgements, refreshed like every other index
// under the shared lock, and reads only the frames holding the events of the
// page.
//
// A frame that cannot be read (a damaged audit log) does not stop the
// drain: PendingEvents returns the readable events of the page together
// with an error joining one *storage.DamagedError per damaged frame, whose
// Err is a *CorruptError listing the unreadable Seqs. Acknowledging those
// Seqs (AckEvents) gives them up explicitly; until then they stay pending.
func (s *Store) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit, err := storage.PageSize(limit)
	if err != nil {
		return nil, fmt.Errorf("file: pending events: %w", err)
	}
	var out []event.Event
	var damaged []error
	err = s.withIndex(ctx, "pending events", func(x *index) error {
		a := s.acks
		out = make([]event.Event, 0, min(limit, 64))
		for i := x.frameAt(max(after, a.below) + 1); i < len(x.frames) && len(out) < limit; i++ {
			f := &x.frames[i]
			want := false
			for q := max(f.First, after+1); q <= f.last(); q++ {
				if !a.has(q) {
					want = true
					break
				}
			}
			if !want {
				continue
			}
			af, err := s.readFrame(f)
			var ce *CorruptError
			if errors.As(err, &ce) {
				ce.Seqs = slices.DeleteFunc(ce.Seqs, func(q uint64) bool { return q <= after || a.has(q) })
				damaged = append(damaged, &storage.DamagedError{CaseID: f.Case, Err: ce})
				continue
			}
			if err != nil {
				return err
			}
			for _, e := range af.Events {
				if e.Seq > after && !a.has(e.Seq) && len(out) < limit {
					out = append(out, e.Clone())
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.public(err)
	}
	return out, s.public(errors.Join(damaged...))
}

// AckEvents implements storage.Outbox. Under the exclusive lock it appends
// the Seqs that are pending to the acknowledgement log and fsyncs it: when
// it returns nil the acknowledgement survives a crash. Unknown and already
// acknowledged Seqs are ignored (and not written).
func (s *Store) AckEvents(ctx context.Context, seqs ...uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	if len(seqs) == 0 {
		return nil
	}
	if err := s.beginWrite(ctx, "ack events"); err != nil {
		return s.public(err)
	}
	defer s.endWrite()
	fresh := make([]uint64, 0, len(seqs))
	for _, q := range seqs {
		if s.idx.committed(q) && !s.acks.has(q) {
			fresh = append(fresh, q)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	slices.Sort(fresh)
	fresh = slices.Compact(fresh)
	if err := s.appendAcks(fresh); err != nil {
		return s.public(fmt.Errorf("file: ack events: %w", err))
	}
	if s.acks.frames >= compactMin {
		// The acknowledgements are durable already; a failed rewrite is
		// retried by the next writer.
		if err := s.rewriteAcks(); err != nil {
			s.acks.repair = "failed rewrite"
		}
	}
	return nil
}
