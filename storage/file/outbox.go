package file

import (
	"context"
	"encoding/binary"
	"encoding/hex"
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

	"github.com/dossierkit/dossier/event"
	"github.com/dossierkit/dossier/storage"
	"github.com/dossierkit/dossier/validation"
)

// The outbox directory holds the acknowledgement log and the tombstones:
// files keeping the pending events of deleted cases (and of events an
// update dropped from its record), named by the generation of the commit
// that wrote them.
const (
	outDirName = "outbox"
	acksName   = "acks.log"
	tombExt    = ".tomb"
)

func tombName(gen uint64) string { return fmt.Sprintf("%016x%s", gen, tombExt) }

func (s *Store) tombPath(gen uint64) string { return filepath.Join(s.outDir, tombName(gen)) }

// parseTombName returns the generation in a tombstone file name.
func parseTombName(name string) (uint64, bool) {
	if len(name) != 16+len(tombExt) || name[16:] != tombExt {
		return 0, false
	}
	b, err := hex.DecodeString(name[:16])
	if err != nil || name[:16] != hex.EncodeToString(b) {
		return 0, false // upper-case digits: not a name this package writes
	}
	gen := binary.BigEndian.Uint64(b)
	return gen, gen != 0
}

// Tombstone layout: magic "DOSSTMB\n", format version (uint32, 1), CRC-32C
// of the body (uint32), body length (uint64), then the body: tombBody as
// JSON.
const (
	tombMagic     = "DOSSTMB\n"
	tombFormat    = 1
	tombHeaderLen = 24
)

type tombBody struct {
	Gen    uint64        `json:"gen"`
	CaseID string        `json:"case_id"`
	Events []event.Event `json:"events"`
}

func encodeTomb(gen uint64, caseID string, events []event.Event) ([]byte, error) {
	js, err := json.Marshal(&tombBody{Gen: gen, CaseID: caseID, Events: events})
	if err != nil {
		return nil, fmt.Errorf("encode event tombstone: %w", err)
	}
	buf := make([]byte, tombHeaderLen+len(js))
	copy(buf, tombMagic)
	binary.LittleEndian.PutUint32(buf[8:], tombFormat)
	binary.LittleEndian.PutUint32(buf[12:], crc32.Checksum(js, castagnoli))
	binary.LittleEndian.PutUint64(buf[16:], uint64(len(js)))
	copy(buf[tombHeaderLen:], js)
	return buf, nil
}

// decodeTomb decodes a tombstone file; every error is a *damage.
func decodeTomb(data []byte) (*tombBody, error) {
	if len(data) < tombHeaderLen || string(data[:8]) != tombMagic {
		return nil, damagef("not an event tombstone (bad magic or too short)")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != tombFormat {
		return nil, damagef("unsupported event tombstone format version %d", v)
	}
	js := data[tombHeaderLen:]
	if uint64(len(js)) != binary.LittleEndian.Uint64(data[16:]) {
		return nil, damagef("event tombstone truncated or extended")
	}
	if got, want := crc32.Checksum(js, castagnoli), binary.LittleEndian.Uint32(data[12:]); got != want {
		return nil, damagef("event tombstone checksum mismatch (stored %08x, computed %08x)", want, got)
	}
	var b tombBody
	if err := json.Unmarshal(js, &b); err != nil {
		return nil, damagef("event tombstone does not decode: %v", err)
	}
	for i, e := range b.Events {
		if e.Seq == 0 || (i > 0 && e.Seq <= b.Events[i-1].Seq) {
			return nil, damagef("event tombstone: events not in ascending Seq order")
		}
	}
	return &b, nil
}

func seqsOf(events []event.Event) []uint64 {
	out := make([]uint64, len(events))
	for i, e := range events {
		out[i] = e.Seq
	}
	return out
}

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
func (s *Store) loadAcks() (acked []uint64, raised bool, err error) {
	if s.acks != nil && s.acks.f != nil {
		s.acks.f.Close()
	}
	a := newAcks()
	s.acks = a
	f, err := os.OpenFile(s.acksPath(), os.O_RDWR|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		a.repair = "missing"
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("open acknowledgement log: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("read acknowledgement log: %w", err)
	}
	a.f = f
	want := ackHeader()
	if len(data) < len(want) || string(data[:len(want)]) != string(want) {
		a.repair = "damaged header"
		a.lost = "the header does not check out: every acknowledgement is lost (events not acknowledged since their record was written are delivered again)"
		a.off = int64(len(data))
		return nil, true, nil
	}
	used, acked, _ := a.parse(data[len(want):], int64(len(want)))
	a.off = int64(len(want) + used)
	return acked, true, nil
}

// catchUpAcks reads the acknowledgements appended since the last call, or
// the whole log when it was replaced. full says that pending events must
// be checked against all acknowledgements, not only the ones returned.
func (s *Store) catchUpAcks() (acked []uint64, full bool, err error) {
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
		return nil, false, nil
	}
	buf := make([]byte, cur.Size()-a.off)
	if _, err := a.f.ReadAt(buf, a.off); err != nil {
		return nil, false, fmt.Errorf("read acknowledgement log: %w", err)
	}
	used, acked, raised := a.parse(buf, a.off)
	a.off += int64(used)
	return acked, raised, nil
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
// pending one is acknowledged (or was never given to a visible event), so
// it folds them into Below. While the index knows damaged records or
// tombstones, whose events may be unknown, Below does not move.
func (s *Store) rewriteAcks() error {
	a, x := s.acks, s.idx
	below := a.below
	if len(x.badTombs) == 0 && len(x.damagedFiles) == 0 && !x.anyDamaged() {
		lowest := x.evSeq
		for q := range x.pend {
			if !a.has(q) {
				lowest = min(lowest, q-1)
			}
		}
		below = max(below, lowest)
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

func (x *index) anyDamaged() bool {
	for _, e := range x.cases {
		if e.Damaged {
			return true
		}
	}
	return false
}

// unacked returns the Seqs of events that are numbered and not
// acknowledged, ascending.
func (s *Store) unacked(events []event.Event) []uint64 {
	var out []uint64
	for _, e := range events {
		if e.Seq != 0 && !s.acks.has(e.Seq) {
			out = append(out, e.Seq)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *Store) unackedSeqs(seqs []uint64) []uint64 {
	var out []uint64
	for _, q := range seqs {
		if !s.acks.has(q) {
			out = append(out, q)
		}
	}
	return out
}

// prunePending removes acknowledged Seqs from the pending index and forgets
// the tombstones whose events are now all acknowledged; it returns their
// generations (their files can go).
func (s *Store) prunePending(seqs []uint64) (done []uint64) {
	x := s.idx
	touched := map[uint64]bool{}
	for _, q := range seqs {
		if loc, ok := x.pend[q]; ok && s.acks.has(q) {
			if loc.tomb != 0 {
				touched[loc.tomb] = true
			}
			delete(x.pend, q)
		}
	}
	for g := range touched {
		if t, ok := x.tombs[g]; ok && len(s.unackedSeqs(t.seqs)) == 0 {
			x.dropTomb(g)
			done = append(done, g)
		}
	}
	return done
}

// pruneAll checks every pending event against the acknowledgements.
func (s *Store) pruneAll() {
	x := s.idx
	for q := range x.pend {
		if s.acks.has(q) {
			delete(x.pend, q)
		}
	}
	for g, t := range x.tombs {
		if len(s.unackedSeqs(t.seqs)) == 0 {
			x.dropTomb(g)
		}
	}
}

// tombVoid reports whether the tombstone of generation gen for caseID
// belongs to a commit that did not land: the case's record file is still
// one written before it. (A commit's tombstone is durable before its record
// file changes, and a writer removes the tombstone of a commit that did not
// land before anything else touches the case.) A record file whose header
// is unreadable cannot tell: the tombstone is kept.
func (s *Store) tombVoid(caseID string, gen uint64) (bool, error) {
	h, err := readHeader(s.recPath(caseID))
	var d *damage
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.As(err, &d):
		return false, nil
	case err != nil:
		return false, err
	}
	return h.gen < gen, nil
}

// scanTombs reads the tombstone files into x, replacing what x knew of
// them. Under the exclusive lock it also removes the tombstones of commits
// that did not land (durably) and those whose events are all acknowledged.
func (s *Store) scanTombs(x *index, exclusive bool) error {
	des, err := os.ReadDir(s.outDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read outbox directory: %w", err)
	}
	found := make(map[uint64]bool)
	var bad []*CorruptError
	var void []string
	for _, de := range des {
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
			return fmt.Errorf("read event tombstone: %w", err)
		}
		x.gen = max(x.gen, gen)
		tb, err := decodeTomb(data)
		if err == nil && tb.Gen != gen {
			err = damagef("holds generation %d", tb.Gen)
		}
		if err != nil {
			ce := &CorruptError{Path: path, Reason: err.Error()}
			if old, ok := x.tombs[gen]; ok {
				ce.CaseID, ce.Seqs = old.caseID, s.unackedSeqs(old.seqs)
			}
			bad = append(bad, ce)
			found[gen] = true
			x.dropTomb(gen)
			continue
		}
		if isVoid, err := s.tombVoid(tb.CaseID, gen); err != nil {
			return err
		} else if isVoid {
			void = append(void, path)
			x.dropTomb(gen)
			continue
		}
		found[gen] = true
		seqs := seqsOf(tb.Events)
		if len(s.unackedSeqs(seqs)) == 0 {
			if exclusive {
				_ = os.Remove(path) // if it stays, it is only removed again
			}
			x.dropTomb(gen)
			continue
		}
		x.addTomb(&tomb{gen: gen, caseID: tb.CaseID, seqs: seqs})
	}
	for gen, t := range x.tombs {
		if found[gen] {
			continue
		}
		if left := s.unackedSeqs(t.seqs); len(left) > 0 {
			bad = append(bad, &CorruptError{CaseID: t.caseID, Path: s.tombPath(gen), Reason: "event tombstone is missing", Seqs: left})
		}
		x.dropTomb(gen)
	}
	x.badTombs = bad
	if exclusive && len(void) > 0 {
		for _, p := range void {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if err := s.syncD(s.outD); err != nil {
			return fmt.Errorf("sync outbox directory: %w", err)
		}
	}
	return nil
}

// readRecordEvents reads the events of the record file of caseID: errNoFile
// when it does not exist, a *CorruptError when it does not decode.
func (s *Store) readRecordEvents(caseID string) ([]event.Event, error) {
	data, path, err := s.readRecordFile(caseID)
	if err != nil {
		return nil, err
	}
	evs, h, err := decodeRecordEvents(data)
	if err != nil {
		return nil, &CorruptError{CaseID: caseID, Path: path, Reason: err.Error()}
	}
	if h.id != caseID {
		return nil, &CorruptError{CaseID: caseID, Path: path, Reason: fmt.Sprintf("file holds case %q", h.id)}
	}
	return evs, nil
}

// readTombEvents reads the events of the tombstone of generation gen.
func (s *Store) readTombEvents(gen uint64, caseID string) ([]event.Event, error) {
	path := s.tombPath(gen)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &CorruptError{CaseID: caseID, Path: path, Reason: "event tombstone is missing"}
	}
	if err != nil {
		return nil, fmt.Errorf("file: read event tombstone: %w", err)
	}
	tb, err := decodeTomb(data)
	if err != nil {
		return nil, &CorruptError{CaseID: caseID, Path: path, Reason: err.Error()}
	}
	return tb.Events, nil
}

// pick returns the events of evs with the given Seqs, in the order of seqs,
// or errStaleIndex when one is missing.
func pick(evs []event.Event, seqs []uint64) ([]event.Event, error) {
	by := make(map[uint64]event.Event, len(evs))
	for _, e := range evs {
		by[e.Seq] = e
	}
	out := make([]event.Event, 0, len(seqs))
	for _, q := range seqs {
		e, ok := by[q]
		if !ok {
			return nil, errStaleIndex
		}
		out = append(out, e)
	}
	return out, nil
}

// freshEvents returns the positions of the events the store must number.
func freshEvents(events []event.Event) []int {
	var out []int
	for i, e := range events {
		if e.Seq == 0 {
			out = append(out, i)
		}
	}
	return out
}

// number gives the events at the positions fresh the next Seqs of the
// store-wide sequence, under the exclusive lock, and returns the highest
// Seq then given. An event with a Seq this store never gave is refused.
func (s *Store) number(events []event.Event, fresh []int) (uint64, error) {
	for _, i := range fresh {
		events[i].Seq = 0 // a retry after a rebuild numbers again
	}
	var l validation.List
	for i, e := range events {
		if e.Seq > s.idx.evSeq {
			l.Addf(fmt.Sprintf("events[%d].seq", i), validation.CodeInvalidValue,
				"event seq %d was never given by this store (the highest is %d): new events must have seq 0", e.Seq, s.idx.evSeq)
		}
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	next := s.idx.evSeq
	for _, i := range fresh {
		next++
		events[i].Seq = next
	}
	return next, nil
}

// PendingEvents implements storage.Outbox. It answers from the in-memory
// pending index, refreshed like every other index under the shared lock, and
// reads only the files holding the events of the page.
//
// A damaged or missing tombstone fails every call with a *CorruptError
// (errors.Is(err, ErrCorrupt)): its events cannot be placed in order. A
// damaged record file holding a pending event returns the events before it
// and a *CorruptError listing the unreadable Seqs; acknowledging them
// (AckEvents) gives them up explicitly.
func (s *Store) PendingEvents(ctx context.Context, after uint64, limit int) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit, err := storage.Filter{Limit: limit}.PageSize()
	if err != nil {
		return nil, fmt.Errorf("file: pending events: %w", err)
	}
	if s.closed.Load() {
		return nil, ErrClosed
	}
	// The files are read under the shared lock, so no writer changes them
	// meanwhile, but without s.mu, so the Store's other readers go on.
	if err := s.lk.lockShared(ctx, "pending events"); err != nil {
		return nil, err
	}
	defer s.lk.unlockShared()
	s.mu.Lock()
	if err := s.refresh(false); err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("file: pending events: %w", err)
	}
	if bad := s.idx.badTombs; len(bad) > 0 {
		errs := make([]error, len(bad))
		for i, ce := range bad {
			c := *ce
			errs[i] = &c
		}
		s.mu.Unlock()
		return nil, errors.Join(errs...)
	}
	seqs, locs := s.pendingAfter(after, limit)
	s.mu.Unlock()
	return s.readEvents(seqs, locs)
}

// pendingAfter returns up to limit pending Seqs above after, ascending, and
// where their events are. The caller holds s.mu.
func (s *Store) pendingAfter(after uint64, limit int) ([]uint64, []evLoc) {
	x := s.idx
	order := x.sortedOrder()
	var seqs []uint64
	var locs []evLoc
	for i := sort.Search(len(order), func(i int) bool { return order[i] > after }); i < len(order) && len(seqs) < limit; i++ {
		q := order[i]
		loc, ok := x.pend[q]
		if !ok || s.acks.has(q) {
			continue
		}
		seqs = append(seqs, q)
		locs = append(locs, loc)
	}
	return seqs, locs
}

// readEvents reads the events seqs from the files locs, each file once. It
// stops at the first event it cannot read and returns those before it.
func (s *Store) readEvents(seqs []uint64, locs []evLoc) ([]event.Event, error) {
	files := make(map[evLoc]map[uint64]event.Event)
	out := make([]event.Event, 0, len(seqs))
	for i, q := range seqs {
		loc := locs[i]
		evs, ok := files[loc]
		if !ok {
			var list []event.Event
			var err error
			if loc.tomb != 0 {
				list, err = s.readTombEvents(loc.tomb, loc.caseID)
			} else {
				list, err = s.readRecordEvents(loc.caseID)
			}
			if errors.Is(err, errNoFile) {
				err = fmt.Errorf("file: pending event %d: case %s has no record file: %w", q, loc.caseID, ErrIndexMismatch)
			}
			var ce *CorruptError
			if errors.As(err, &ce) {
				for j := i; j < len(seqs); j++ {
					if locs[j] == loc {
						ce.Seqs = append(ce.Seqs, seqs[j])
					}
				}
			}
			if err != nil {
				return out, err
			}
			evs = make(map[uint64]event.Event, len(list))
			for _, e := range list {
				evs[e.Seq] = e
			}
			files[loc] = evs
		}
		e, ok := evs[q]
		if !ok {
			return out, fmt.Errorf("file: pending event %d is not in the file of case %s: %w", q, loc.caseID, ErrIndexMismatch)
		}
		out = append(out, e)
	}
	return out, nil
}

// AckEvents implements storage.Outbox. Under the exclusive lock it appends
// the Seqs that are pending to the acknowledgement log and fsyncs it: when
// it returns nil the acknowledgement survives a crash. Unknown and already
// acknowledged Seqs are ignored (and not written). Tombstones whose events
// are all acknowledged are removed.
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
		return err
	}
	defer s.endWrite()
	fresh := make([]uint64, 0, len(seqs))
	for _, q := range seqs {
		if _, ok := s.idx.pend[q]; ok && !s.acks.has(q) {
			fresh = append(fresh, q)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	slices.Sort(fresh)
	fresh = slices.Compact(fresh)
	if err := s.appendAcks(fresh); err != nil {
		return fmt.Errorf("file: ack events: %w", err)
	}
	for _, g := range s.prunePending(fresh) {
		// A tombstone left behind by a failed removal holds acknowledged
		// events only: harmless, and removed by the next Open.
		_ = os.Remove(s.tombPath(g))
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
