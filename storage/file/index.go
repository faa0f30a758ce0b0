package file

import (
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
	// was rebuilt; Status, External and Entities are then only known when an
	// earlier index had them.
	Damaged bool `json:"damaged,omitempty"`
}

func (e *entry) clone() *entry {
	c := *e
	c.Entities = slices.Clone(e.Entities)
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
// lookup maps derived from the entries.
type index struct {
	gen      uint64 // highest generation seen in the snapshot, the log or the files
	cases    map[string]*entry
	ids      []string          // sorted case ids
	external map[string]string // external id -> case id
	entities map[string]string // entity id -> case id
	// damagedFiles are record files whose header is unreadable, so whose case
	// is unknown (sorted names).
	damagedFiles []string
}

func newIndex() *index {
	return &index{
		cases:    make(map[string]*entry),
		external: make(map[string]string),
		entities: make(map[string]string),
	}
}

// put sets the entry of case id.
func (x *index) put(id string, e *entry) {
	if old, ok := x.cases[id]; ok {
		x.unmap(id, old)
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
	x.gen = max(x.gen, le.Gen)
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
}

// Index log layout: a 16-byte header, magic "DOSSLOG\n", format version
// (uint32) and the CRC-32C of those 12 bytes, then frames of
// [payload length uint32][payload CRC-32C uint32][payload JSON].
const (
	logMagic     = "DOSSLOG\n"
	logFormat    = 1
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
	buf := make([]byte, 8+len(payload))
	binary.LittleEndian.PutUint32(buf, uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[4:], crc32.Checksum(payload, castagnoli))
	copy(buf[8:], payload)
	return buf, nil
}

// parseFrames decodes the frames in data. It stops at the first frame that
// is incomplete or does not check out, reporting how many bytes it used and
// whether bytes were left over (a torn tail).
func parseFrames(data []byte) (entries []*logEntry, used int, torn bool) {
	for used < len(data) {
		rest := data[used:]
		if len(rest) < 8 {
			return entries, used, true
		}
		n := binary.LittleEndian.Uint32(rest)
		if n > maxFrameLen || uint64(len(rest)-8) < uint64(n) {
			return entries, used, true
		}
		payload := rest[8 : 8+n]
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(rest[4:]) {
			return entries, used, true
		}
		le := new(logEntry)
		if err := json.Unmarshal(payload, le); err != nil || !le.valid() {
			return entries, used, true
		}
		entries = append(entries, le)
		used += 8 + int(n)
	}
	return entries, used, false
}

func (le *logEntry) valid() bool {
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
	snapFormat    = 1
	snapHeaderLen = 24
)

type snapshotCase struct {
	ID    string `json:"id"`
	Entry *entry `json:"entry"`
}

type snapshotBody struct {
	Gen          uint64         `json:"gen"`
	Cases        []snapshotCase `json:"cases"`
	DamagedFiles []string       `json:"damaged_files,omitempty"`
}

// encodeSnapshot returns the snapshot file of x.
func encodeSnapshot(x *index) ([]byte, error) {
	body := snapshotBody{Gen: x.gen, Cases: make([]snapshotCase, 0, len(x.ids)), DamagedFiles: x.damagedFiles}
	for _, id := range x.ids {
		body.Cases = append(body.Cases, snapshotCase{ID: id, Entry: x.cases[id]})
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
			return nil, damagef("index snapshot: case %q has no entry", c.ID)
		}
		x.put(c.ID, c.Entry)
	}
	x.damagedFiles = body.DamagedFiles
	return x, nil
}
