package file

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"sort"

	"github.com/dossierkit/dossier/storage"
)

// entry is what the index knows of one case: enough to check versions and
// external ids, resolve entity ids and filter List without opening files.
type entry struct {
	Version  int64    `json:"version"`
	Status   string   `json:"status,omitempty"`
	External string   `json:"external_id,omitempty"`
	Entities []string `json:"entity_ids,omitempty"`
	// FileGen is the generation written in the header of the case's record
	// file: it ties the entry to one exact file.
	FileGen uint64 `json:"file_gen"`
	// Damaged marks a case whose record file was unreadable when the index
	// was rebuilt; Status, External, Entities and Pending are then only
	// known when an earlier index had them.
	Damaged bool `json:"damaged,omitempty"`
	// Pending lists, ascending, the Seq of the record's events that were
	// not acknowledged when the entry was written: those not acknowledged
	// since are pending. Every other event of the record is acknowledged.
	Pending []uint64 `json:"pending,omitempty"`
}

func (e *entry) clone() *entry {
	c := *e
	c.Entities = slices.Clone(e.Entities)
	c.Pending = slices.Clone(e.Pending)
	return &c
}

// entryOf returns the index entry of rec stored with version by the commit
// of generation gen.
func entryOf(rec *storage.Record, version int64, gen uint64) *entry {
	e := &entry{Version: version, Status: string(rec.Case.Status), External: rec.Case.ExternalID, FileGen: gen}
	for _, id := range rec.EntityIDs() {
		if id != "" {
			e.Entities = append(e.Entities, id)
		}
	}
	return e
}

// index is the in-memory form of the index: one entry per case plus the
// lookup maps derived from the entries, and where each pending event is.
type index struct {
	gen      uint64 // highest generation seen in the snapshot, the log or the files
	cases    map[string]*entry
	ids      []string          // sorted case ids
	external map[string]string // external id -> case id
	entities map[string]string // entity id -> case id
	// damagedFiles are record files whose header is unreadable, so whose case
	// is unknown (sorted names).
	damagedFiles []string

	evSeq uint64 // highest event Seq ever given
	// tombs are the tombstones in the outbox directory, by the generation
	// of the commit that wrote them (their Seqs: the events they hold).
	tombs map[uint64]*tomb
	// badTombs describe tombstone files that cannot be read.
	badTombs []*CorruptError
	// pend says where each event that may be pending is kept; it can also
	// hold events acknowledged since (see Store.pendingAfter).
	pend map[uint64]evLoc
	// order holds the keys of pend, ascending unless unsorted; it may also
	// hold Seqs no longer in pend, and duplicates while unsorted.
	order    []uint64
	unsorted bool
}

// evLoc is where an event is kept: the record file of caseID, or the
// tombstone of generation tomb when tomb is not 0.
type evLoc struct {
	caseID string
	tomb   uint64
}

// tomb is what the index knows of a tombstone file: the events a delete
// (or an update that dropped them from its record) kept pending, written by
// the commit of generation gen.
type tomb struct {
	gen    uint64
	caseID string
	seqs   []uint64
}

func newIndex() *index {
	return &index{
		cases:    make(map[string]*entry),
		external: make(map[string]string),
		entities: make(map[string]string),
		tombs:    make(map[uint64]*tomb),
		pend:     make(map[uint64]evLoc),
	}
}

// addPending records that the events seqs are kept at loc.
func (x *index) addPending(seqs []uint64, loc evLoc) {
	for _, q := range seqs {
		if _, ok := x.pend[q]; !ok {
			if n := len(x.order); n > 0 && x.order[n-1] >= q {
				x.unsorted = true
			}
			x.order = append(x.order, q)
		}
		x.pend[q] = loc
	}
	if len(x.order) > 2*len(x.pend)+1024 {
		// Seqs acknowledged or moved since pile up: start over from pend.
		x.order = x.order[:0]
		for q := range x.pend {
			x.order = append(x.order, q)
		}
		slices.Sort(x.order)
		x.unsorted = false
	}
}

// removePending forgets the events seqs where they are kept at loc.
func (x *index) removePending(seqs []uint64, loc evLoc) {
	for _, q := range seqs {
		if x.pend[q] == loc {
			delete(x.pend, q)
		}
	}
}

// sortedOrder returns x.order sorted, without duplicates, and without the
// Seqs no longer in pend when they have piled up.
func (x *index) sortedOrder() []uint64 {
	if x.unsorted {
		slices.Sort(x.order)
		x.order = slices.Compact(x.order)
		x.unsorted = false
	}
	if len(x.order) > 64 && len(x.order) > 2*len(x.pend) {
		x.order = slices.DeleteFunc(x.order, func(q uint64) bool { _, ok := x.pend[q]; return !ok })
	}
	return x.order
}

// addTomb adds a tombstone and its events.
func (x *index) addTomb(t *tomb) {
	if old, ok := x.tombs[t.gen]; ok {
		x.removePending(old.seqs, evLoc{caseID: old.caseID, tomb: old.gen})
	}
	x.tombs[t.gen] = t
	x.addPending(t.seqs, evLoc{caseID: t.caseID, tomb: t.gen})
	x.gen = max(x.gen, t.gen)
	if n := len(t.seqs); n > 0 {
		x.evSeq = max(x.evSeq, t.seqs[n-1])
	}
}

// dropTomb forgets the tombstone of generation gen.
func (x *index) dropTomb(gen uint64) {
	t, ok := x.tombs[gen]
	if !ok {
		return
	}
	x.removePending(t.seqs, evLoc{caseID: t.caseID, tomb: gen})
	delete(x.tombs, gen)
}

// put sets the entry of case id.
func (x *index) put(id string, e *entry) {
	if old, ok := x.cases[id]; ok {
		x.unmap(id, old)
		// Events still pending stay where they are; only the others go.
		for _, q := range old.Pending {
			if _, kept := slices.BinarySearch(e.Pending, q); !kept && x.pend[q] == (evLoc{caseID: id}) {
				delete(x.pend, q)
			}
		}
	} else {
		i := sort.SearchStrings(x.ids, id)
		x.ids = slices.Insert(x.ids, i, id)
	}
	x.cases[id] = e
	if e.External != "" {
		x.external[e.External] = id
	}
	for _, en := range e.Entities {
		x.entities[en] = id
	}
	x.addPending(e.Pending, evLoc{caseID: id})
}

// add sets the entry of a case id not in x without keeping x.ids sorted:
// for bulk loads, which call sortIDs at the end.
func (x *index) add(id string, e *entry) {
	x.ids = append(x.ids, id)
	x.cases[id] = e
	if e.External != "" {
		x.external[e.External] = id
	}
	for _, en := range e.Entities {
		x.entities[en] = id
	}
	x.addPending(e.Pending, evLoc{caseID: id})
}

// sortIDs sorts x.ids after bulk adds.
func (x *index) sortIDs() { slices.Sort(x.ids) }

// del removes case id.
func (x *index) del(id string) {
	old, ok := x.cases[id]
	if !ok {
		return
	}
	x.unmap(id, old)
	x.removePending(old.Pending, evLoc{caseID: id})
	delete(x.cases, id)
	if i := sort.SearchStrings(x.ids, id); i < len(x.ids) && x.ids[i] == id {
		x.ids = slices.Delete(x.ids, i, i+1)
	}
}

// unmap removes the lookups pointing from old's ids to case id.
func (x *index) unmap(id string, old *entry) {
	if old.External != "" && x.external[old.External] == id {
		delete(x.external, old.External)
	}
	for _, en := range old.Entities {
		if x.entities[en] == id {
			delete(x.entities, en)
		}
	}
}

// apply applies one log entry.
func (x *index) apply(le *logEntry) {
	switch le.Op {
	case opPut:
		x.put(le.ID, le.Entry.clone())
	case opDelete:
		x.del(le.ID)
	}
	if le.Drop != 0 {
		x.dropTomb(le.Drop)
	}
	if le.Tomb != nil {
		x.addTomb(&tomb{gen: le.Gen, caseID: le.ID, seqs: slices.Clone(le.Tomb)})
	}
	x.gen = max(x.gen, le.Gen)
	x.evSeq = max(x.evSeq, le.EvSeq)
}

// Log entries. Every commit appends one before it touches the record file.
const (
	opPut    = "put"
	opDelete = "delete"
)

// logEntry is one line of the index log.
type logEntry struct {
	Gen   uint64 `json:"gen"`
	Op    string `json:"op"`
	ID    string `json:"id"`
	Entry *entry `json:"entry,omitempty"`
	// EvSeq is the highest event Seq given once the entry is applied.
	EvSeq uint64 `json:"ev_seq,omitempty"`
	// Tomb lists the events of the tombstone this commit wrote
	// (outbox/<Gen>.tomb), when it wrote one.
	Tomb []uint64 `json:"tomb,omitempty"`
	// Drop, on a repair entry, is the generation of a tombstone whose
	// commit did not land: it is forgotten (and its file was removed).
	Drop uint64 `json:"drop,omitempty"`
}

// Index log layout: a 16-byte header, magic "DOSSLOG\n", format version
// (uint32) and the CRC-32C of those 12 bytes, then frames of
// [payload length uint32][payload CRC-32C uint32][payload JSON].
const (
	logMagic     = "DOSSLOG\n"
	logFormat    = 2
	logHeaderLen = 16
	maxFrameLen  = 64 << 20
)

func logHeader() []byte {
	h := make([]byte, logHeaderLen)
	copy(h, logMagic)
	binary.LittleEndian.PutUint32(h[8:], logFormat)
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(h[:12], castagnoli))
	return h
}

func checkLogHeader(data []byte) error {
	if len(data) < logHeaderLen || string(data[:8]) != logMagic {
		return damagef("index log has no valid header")
	}
	if crc32.Checksum(data[:12], castagnoli) != binary.LittleEndian.Uint32(data[12:]) {
		return damagef("index log header checksum mismatch")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != logFormat {
		return damagef("unsupported index log format version %d", v)
	}
	return nil
}

// frameEntry encodes le as one log frame.
func frameEntry(le *logEntry) ([]byte, error) {
	payload, err := json.Marshal(le)
	if err != nil {
		return nil, fmt.Errorf("encode index log entry: %w", err)
	}
	if len(payload) > maxFrameLen {
		return nil, fmt.Errorf("index log entry of case %q is %d bytes, at most %d allowed", le.ID, len(payload), maxFrameLen)
	}
	return frame(payload), nil
}

// frame returns the bytes of payload as one frame: its length and CRC-32C
// (uint32 each), then the payload.
func frame(payload []byte) []byte {
	buf := make([]byte, 8+len(payload))
	binary.LittleEndian.PutUint32(buf, uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[4:], crc32.Checksum(payload, castagnoli))
	copy(buf[8:], payload)
	return buf
}

// nextFrame decodes the frame at the start of data; ok is false when it is
// incomplete or does not check out.
func nextFrame(data []byte) (payload []byte, n int, ok bool) {
	if len(data) < 8 {
		return nil, 0, false
	}
	size := binary.LittleEndian.Uint32(data)
	if size > maxFrameLen || uint64(len(data)-8) < uint64(size) {
		return nil, 0, false
	}
	payload = data[8 : 8+size]
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(data[4:]) {
		return nil, 0, false
	}
	return payload, 8 + int(size), true
}

// parseFrames decodes the frames in data. It stops at the first frame that
// is incomplete or does not check out, reporting how many bytes it used and
// whether bytes were left over (a torn tail).
func parseFrames(data []byte) (entries []*logEntry, used int, torn bool) {
	for used < len(data) {
		payload, n, ok := nextFrame(data[used:])
		if !ok {
			return entries, used, true
		}
		le := new(logEntry)
		if err := json.Unmarshal(payload, le); err != nil || !le.valid() {
			return entries, used, true
		}
		entries = append(entries, le)
		used += n
	}
	return entries, used, false
}

func (le *logEntry) valid() bool {
	if !slices.IsSorted(le.Tomb) || (le.Entry != nil && !slices.IsSorted(le.Entry.Pending)) {
		return false
	}
	switch le.Op {
	case opPut:
		return le.Entry != nil
	case opDelete:
		return true
	}
	return false
}

// Snapshot layout: magic "DOSSIDX\n", format version (uint32), CRC-32C of the
// body (uint32), body length (uint64), then the body: snapshotBody as JSON.
const (
	snapMagic     = "DOSSIDX\n"
	snapFormat    = 2
	snapHeaderLen = 24
)

type snapshotCase struct {
	ID    string `json:"id"`
	Entry *entry `json:"entry"`
}

// snapshotTomb is a tombstone the index knows of: a tombstone file that
// goes missing is reported (see scanTombs) until a rebuild.
type snapshotTomb struct {
	Gen    uint64   `json:"gen"`
	CaseID string   `json:"case_id"`
	Seqs   []uint64 `json:"seqs"`
}

type snapshotBody struct {
	Gen          uint64         `json:"gen"`
	EvSeq        uint64         `json:"ev_seq"`
	Cases        []snapshotCase `json:"cases"`
	DamagedFiles []string       `json:"damaged_files,omitempty"`
	Tombs        []snapshotTomb `json:"tombs,omitempty"`
}

// encodeSnapshot returns the snapshot file of x.
func encodeSnapshot(x *index) ([]byte, error) {
	body := snapshotBody{Gen: x.gen, EvSeq: x.evSeq, Cases: make([]snapshotCase, 0, len(x.ids)), DamagedFiles: x.damagedFiles}
	for _, id := range x.ids {
		body.Cases = append(body.Cases, snapshotCase{ID: id, Entry: x.cases[id]})
	}
	for _, t := range x.tombs {
		body.Tombs = append(body.Tombs, snapshotTomb{Gen: t.gen, CaseID: t.caseID, Seqs: t.seqs})
	}
	slices.SortFunc(body.Tombs, func(a, b snapshotTomb) int { return cmp.Compare(a.Gen, b.Gen) })
	js, err := json.Marshal(&body)
	if err != nil {
		return nil, fmt.Errorf("encode index snapshot: %w", err)
	}
	buf := make([]byte, snapHeaderLen+len(js))
	copy(buf, snapMagic)
	binary.LittleEndian.PutUint32(buf[8:], snapFormat)
	binary.LittleEndian.PutUint32(buf[12:], crc32.Checksum(js, castagnoli))
	binary.LittleEndian.PutUint64(buf[16:], uint64(len(js)))
	copy(buf[snapHeaderLen:], js)
	return buf, nil
}

// errIndexMissing: the snapshot or the log does not exist (a new directory,
// or one whose index was deleted).
var errIndexMissing = errors.New("index files missing")

// readSnapshot reads the snapshot file at path.
func readSnapshot(path string) (*index, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errIndexMissing
	}
	if err != nil {
		return nil, err
	}
	return decodeSnapshot(data)
}

// decodeSnapshot decodes the bytes of a snapshot file; every error is a
// *damage.
func decodeSnapshot(data []byte) (*index, error) {
	if len(data) < snapHeaderLen || string(data[:8]) != snapMagic {
		return nil, damagef("index snapshot has no valid header")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != snapFormat {
		return nil, damagef("unsupported index snapshot format version %d", v)
	}
	js := data[snapHeaderLen:]
	if uint64(len(js)) != binary.LittleEndian.Uint64(data[16:]) {
		return nil, damagef("index snapshot truncated")
	}
	if crc32.Checksum(js, castagnoli) != binary.LittleEndian.Uint32(data[12:]) {
		return nil, damagef("index snapshot checksum mismatch")
	}
	var body snapshotBody
	if err := json.Unmarshal(js, &body); err != nil {
		return nil, damagef("index snapshot does not decode: %v", err)
	}
	x := newIndex()
	x.gen = body.Gen
	for _, c := range body.Cases {
		if c.Entry == nil || !slices.IsSorted(c.Entry.Pending) {
			return nil, damagef("index snapshot: case %q has no valid entry", c.ID)
		}
		if _, dup := x.cases[c.ID]; dup {
			return nil, damagef("index snapshot: case %q twice", c.ID)
		}
		x.add(c.ID, c.Entry)
	}
	x.sortIDs()
	x.evSeq = body.EvSeq
	x.damagedFiles = body.DamagedFiles
	for _, t := range body.Tombs {
		if t.Gen == 0 || !slices.IsSorted(t.Seqs) {
			return nil, damagef("index snapshot: invalid tombstone %d", t.Gen)
		}
		if _, dup := x.tombs[t.Gen]; dup {
			return nil, damagef("index snapshot: tombstone %d twice", t.Gen)
		}
		x.addTomb(&tomb{gen: t.Gen, caseID: t.CaseID, seqs: t.Seqs})
	}
	return x, nil
}
