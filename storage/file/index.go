package file

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/dossierkit/dossier/cases"
	"github.com/dossierkit/dossier/risk"
	"github.com/dossierkit/dossier/storage"
)

// entry is what the index knows of one live case: enough to check versions
// and external ids, resolve entity ids, and answer queries (the summary of
// the queryable fields) without opening files.
type entry struct {
	Version  int64    `json:"version"`
	Status   string   `json:"status,omitempty"`
	External string   `json:"external_id,omitempty"`
	Entities []string `json:"entity_ids,omitempty"`
	// FileGen is the generation written in the header of the case's record
	// file: it ties the entry to one exact file.
	FileGen uint64 `json:"file_gen"`
	// Damaged marks a case whose record file was unreadable when the index
	// was rebuilt; its other fields are then only known when an earlier
	// index had them (Summary says so).
	Damaged bool `json:"damaged,omitempty"`

	// The summary: the fields storage.Query filters and sorts on.
	Summary    bool        `json:"summary,omitempty"`
	Name       string      `json:"name,omitempty"`
	Flags      cases.Flags `json:"flags"`
	Contact    bool        `json:"contact,omitempty"`
	Reviewer   bool        `json:"reviewer,omitempty"`
	Risk       risk.Level  `json:"risk,omitempty"`
	NextReview *cases.Date `json:"next_review,omitempty"`
	Created    time.Time   `json:"created"`
	Updated    time.Time   `json:"updated"`
	Tags       []string    `json:"tags,omitempty"`
	Assignee   string      `json:"assignee,omitempty"`
	// Deleted marks a case deleted without the permanent choice: kept for
	// its undo period, matched by no query.
	Deleted bool `json:"deleted,omitempty"`

	keys *[4]string // sort keys, computed on first use
}

func (e *entry) clone() *entry {
	c := *e
	c.Entities = slices.Clone(e.Entities)
	c.Tags = slices.Clone(e.Tags)
	c.keys = nil
	return &c
}

// stub returns the case the summary describes: every field storage.Query
// reads, so that Query.Matches and Query.SortKey give on it exactly what
// they give on the stored case.
func (e *entry) stub(id string) *cases.Case {
	c := &cases.Case{
		ID: id, ExternalID: e.External, Name: e.Name, Status: cases.Status(e.Status), Flags: e.Flags,
		ContactHasActions: e.Contact, ReviewerHasActions: e.Reviewer, CreatedAt: e.Created, UpdatedAt: e.Updated,
		Tags: e.Tags, AssigneeID: e.Assignee,
	}
	if e.Deleted {
		c.DeletedAt = &e.Updated // any time: Query.Matches only asks whether it is set
	}
	if e.Risk != "" && e.Risk != risk.LevelNotDefined {
		c.Risk = &risk.Risk{Level: e.Risk}
	}
	if e.NextReview != nil {
		d := *e.NextReview
		c.Review = &cases.Review{NextReviewAt: &d}
	}
	return c
}

// sortFields are the sort fields in the order of entry.keys.
var sortFields = [4]storage.SortField{storage.SortCreatedAt, storage.SortUpdatedAt, storage.SortName, storage.SortNextReviewAt}

// sortKey returns storage.Query.SortKey of the case under field f.
func (e *entry) sortKey(id string, f storage.SortField) string {
	if e.keys == nil {
		c := e.stub(id)
		var k [4]string
		for i, sf := range sortFields {
			k[i] = storage.Query{Sort: sf}.SortKey(c)
		}
		e.keys = &k
	}
	for i, sf := range sortFields {
		if sf == f {
			return e.keys[i]
		}
	}
	return e.keys[0]
}

// entryOf returns the index entry of rec stored with version by the commit
// of generation gen.
func entryOf(rec *storage.Record, version int64, gen uint64) *entry {
	c := &rec.Case
	e := &entry{Version: version, Status: string(c.Status), External: c.ExternalID, FileGen: gen,
		Summary: true, Name: c.Name, Flags: c.Flags, Contact: c.ContactHasActions, Reviewer: c.ReviewerHasActions,
		Risk: storage.RiskLevel(c), Created: c.CreatedAt, Updated: c.UpdatedAt,
		Tags: slices.Clone(c.Tags), Assignee: c.AssigneeID, Deleted: c.DeletedAt != nil}
	if d, ok := storage.NextReviewAt(c); ok {
		e.NextReview = &d
	}
	for _, id := range rec.EntityIDs() {
		if id != "" {
			e.Entities = append(e.Entities, id)
		}
	}
	return e
}

// frameRef is where one commit's events are in the audit log: the frame at
// Off of Size bytes holds N events numbered First to First+N-1, of case
// Case.
type frameRef struct {
	Off   int64  `json:"o"`
	Size  uint32 `json:"s"`
	First uint64 `json:"f"`
	N     uint32 `json:"n"`
	Case  string `json:"c"`
}

func (f *frameRef) last() uint64 { return f.First + uint64(f.N) - 1 }

// deletion records that a case was deleted at a time, after its events up
// to a Seq: PurgeEvents removes those events once the time is old enough,
// never those of a case created again later with the same id.
type deletion struct {
	At   time.Time `json:"at"`
	UpTo uint64    `json:"up_to"`
}

// index is the in-memory form of the index: one entry per live case plus
// the lookup maps derived from the entries, and the index of the audit log.
type index struct {
	gen      uint64 // highest generation seen in the snapshot, the log or the files
	cases    map[string]*entry
	external map[string]string // external id -> case id
	entities map[string]string // entity id -> case id
	// damagedFiles are record files whose header is unreadable, so whose case
	// is unknown (sorted names).
	damagedFiles []string

	evSeq uint64 // highest event Seq ever given
	// auditEnd is the end of the committed part of the audit log; bytes
	// after it belong to a commit that did not land.
	auditEnd int64
	// auditEpoch is the epoch in the audit log's header: PurgeEvents
	// rewrites the log with a new one.
	auditEpoch uint64
	// frames are the committed frames holding events, in ascending Seq.
	frames []frameRef
	// byCase lists the positions in frames of each case's frames.
	byCase map[string][]int32
	// deletions lists the deletions of each case id, oldest first.
	deletions map[string][]deletion
	// badFrames describes frames a rebuild found unreadable.
	badFrames []*CorruptError
}

func newIndex() *index {
	return &index{
		cases:     make(map[string]*entry),
		external:  make(map[string]string),
		entities:  make(map[string]string),
		byCase:    make(map[string][]int32),
		deletions: make(map[string][]deletion),
	}
}

// addFrame adds a committed frame holding events.
func (x *index) addFrame(f frameRef) {
	if f.N == 0 {
		return
	}
	if n := len(x.frames); n > 0 && x.frames[n-1].First >= f.First {
		// Out of order (a migrated log): insert in place and renumber.
		x.frames = append(x.frames, f)
		slices.SortFunc(x.frames, func(a, b frameRef) int { return cmp.Compare(a.First, b.First) })
		x.reindexFrames()
	} else {
		x.frames = append(x.frames, f)
		x.byCase[f.Case] = append(x.byCase[f.Case], int32(len(x.frames)-1))
	}
	x.evSeq = max(x.evSeq, f.last())
}

// reindexFrames rebuilds byCase from frames.
func (x *index) reindexFrames() {
	x.byCase = make(map[string][]int32)
	for i, f := range x.frames {
		x.byCase[f.Case] = append(x.byCase[f.Case], int32(i))
	}
}

// frameAt returns the position in frames of the frame holding seq, or of
// the first frame after it.
func (x *index) frameAt(seq uint64) int {
	return sort.Search(len(x.frames), func(i int) bool { return x.frames[i].last() >= seq })
}

// put sets the entry of case id.
func (x *index) put(id string, e *entry) {
	if old, ok := x.cases[id]; ok {
		x.unmap(id, old)
	}
	x.cases[id] = e
	if e.External != "" {
		x.external[e.External] = id
	}
	for _, en := range e.Entities {
		x.entities[en] = id
	}
}

// del removes case id.
func (x *index) del(id string) {
	old, ok := x.cases[id]
	if !ok {
		return
	}
	x.unmap(id, old)
	delete(x.cases, id)
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
		if le.Quarantine {
			x.damagedFiles = slices.DeleteFunc(x.damagedFiles, func(n string) bool { return n == recordName(le.ID) })
		}
	}
	if le.Frame != nil {
		x.addFrame(*le.Frame)
	}
	x.gen = max(x.gen, le.Gen)
	x.evSeq = max(x.evSeq, le.EvSeq)
	x.auditEnd = max(x.auditEnd, le.AuditEnd)
	if le.DeletedAt != nil {
		x.deletions[le.ID] = append(x.deletions[le.ID], deletion{At: *le.DeletedAt, UpTo: x.evSeq})
	}
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
	// Frame is the audit log frame of this commit, when it holds events.
	Frame *frameRef `json:"frame,omitempty"`
	// AuditEnd is the end of the audit log once this commit's frame is in.
	AuditEnd int64 `json:"audit_end,omitempty"`
	// DeletedAt is the time given to Delete (not set by Quarantine).
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	// Quarantine marks the removal of a case by Quarantine: its record
	// file moved to the quarantine directory.
	Quarantine bool `json:"quarantine,omitempty"`
}

// Index log layout: a 16-byte header, magic "DOSSLOG\n", format version
// (uint32) and the CRC-32C of those 12 bytes, then frames of
// [payload length uint32][payload CRC-32C uint32][payload JSON].
const (
	logMagic     = "DOSSLOG\n"
	logFormat    = 3
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
	if le.Frame != nil && (le.Frame.N == 0 || le.Frame.First == 0 || le.Frame.Off+int64(le.Frame.Size) > le.AuditEnd) {
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
	snapFormat    = 3
	snapHeaderLen = 24
)

type snapshotCase struct {
	ID    string `json:"id"`
	Entry *entry `json:"entry"`
}

type snapshotDeletions struct {
	Case      string     `json:"case"`
	Deletions []deletion `json:"deletions"`
}

type snapshotBody struct {
	Gen          uint64              `json:"gen"`
	EvSeq        uint64              `json:"ev_seq"`
	Cases        []snapshotCase      `json:"cases"`
	DamagedFiles []string            `json:"damaged_files,omitempty"`
	AuditEnd     int64               `json:"audit_end"`
	AuditEpoch   uint64              `json:"audit_epoch,omitempty"`
	Frames       []frameRef          `json:"frames,omitempty"`
	Deletions    []snapshotDeletions `json:"deletions,omitempty"`
}

// encodeSnapshot returns the snapshot file of x.
func encodeSnapshot(x *index) ([]byte, error) {
	body := snapshotBody{Gen: x.gen, EvSeq: x.evSeq, Cases: make([]snapshotCase, 0, len(x.cases)), DamagedFiles: x.damagedFiles,
		AuditEnd: x.auditEnd, AuditEpoch: x.auditEpoch, Frames: x.frames}
	for _, id := range slices.Sorted(maps.Keys(x.cases)) {
		body.Cases = append(body.Cases, snapshotCase{ID: id, Entry: x.cases[id]})
	}
	for _, id := range slices.Sorted(maps.Keys(x.deletions)) {
		body.Deletions = append(body.Deletions, snapshotDeletions{Case: id, Deletions: x.deletions[id]})
	}
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
		if c.Entry == nil {
			return nil, damagef("index snapshot: case %q has no valid entry", c.ID)
		}
		if _, dup := x.cases[c.ID]; dup {
			return nil, damagef("index snapshot: case %q twice", c.ID)
		}
		x.put(c.ID, c.Entry)
	}
	x.evSeq = body.EvSeq
	x.damagedFiles = body.DamagedFiles
	x.auditEnd, x.auditEpoch = body.AuditEnd, body.AuditEpoch
	for i, f := range body.Frames {
		if f.N == 0 || f.First == 0 || (i > 0 && f.First <= body.Frames[i-1].last()) || f.Off+int64(f.Size) > body.AuditEnd {
			return nil, damagef("index snapshot: invalid audit frame %d", i)
		}
	}
	x.frames = body.Frames
	x.reindexFrames()
	for _, d := range body.Deletions {
		x.deletions[d.Case] = d.Deletions
	}
	return x, nil
}
