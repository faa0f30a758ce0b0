package file

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/dossierkit/dossier/storage"
)

// Record file layout, format 1 (integers little-endian):
//
//	offset  size  field
//	0       8     magic "DOSSREC\n"
//	8       2     format version (1)
//	10      2     reserved, zero
//	12      4     length n of the case id
//	16      8     generation of the commit that wrote the file
//	24      8     record version
//	32      4     body length
//	36      4     CRC-32C of the body
//	40      n     case id
//	40+n    4     CRC-32C of bytes [0, 40+n)
//	44+n    ...   body: the JSON of the storage.Record
//
// The header has its own checksum so that the case id stays known when only
// the body is damaged.
const (
	recMagic    = "DOSSREC\n"
	recFormat   = 1
	recFixedLen = 40
	recExt      = ".rec"
	// maxIDLen caps the case id, which is kept whole in the record header.
	maxIDLen = 1 << 16
	// maxBodyLen caps the JSON of one record.
	maxBodyLen = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordName is the file name of a case: the hex SHA-256 of its id, so no
// byte of the id ever reaches a path.
func recordName(caseID string) string {
	sum := sha256.Sum256([]byte(caseID))
	return hex.EncodeToString(sum[:]) + recExt
}

// isRecordName reports whether name has the shape recordName produces.
func isRecordName(name string) bool {
	if len(name) != 64+len(recExt) || name[64:] != recExt {
		return false
	}
	for i := 0; i < 64; i++ {
		c := name[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// recHeader is the decoded header of a record file.
type recHeader struct {
	id      string
	gen     uint64
	version int64
	bodyLen uint32
	bodyCRC uint32
	size    int // bytes of the header, including the case id and its CRC
}

// damage describes why a record file cannot be decoded; callers turn it into
// a *CorruptError.
type damage struct{ reason string }

func (d *damage) Error() string { return d.reason }

func damagef(format string, args ...any) error {
	return &damage{reason: fmt.Sprintf(format, args...)}
}

// encodeRecord returns the bytes of the record file holding rec stored with
// the given version by the commit of generation gen.
func encodeRecord(rec *storage.Record, version int64, gen uint64) ([]byte, error) {
	shallow := *rec
	shallow.Version = version
	body, err := json.Marshal(&shallow)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	if len(body) > maxBodyLen {
		return nil, fmt.Errorf("encode record: %d bytes of JSON, at most %d allowed", len(body), maxBodyLen)
	}
	id := rec.Case.ID
	hlen := recFixedLen + len(id) + 4
	buf := make([]byte, hlen+len(body))
	copy(buf, recMagic)
	binary.LittleEndian.PutUint16(buf[8:], recFormat)
	binary.LittleEndian.PutUint32(buf[12:], uint32(len(id)))
	binary.LittleEndian.PutUint64(buf[16:], gen)
	binary.LittleEndian.PutUint64(buf[24:], uint64(version))
	binary.LittleEndian.PutUint32(buf[32:], uint32(len(body)))
	binary.LittleEndian.PutUint32(buf[36:], crc32.Checksum(body, castagnoli))
	copy(buf[recFixedLen:], id)
	binary.LittleEndian.PutUint32(buf[hlen-4:], crc32.Checksum(buf[:hlen-4], castagnoli))
	copy(buf[hlen:], body)
	return buf, nil
}

// parseHeader decodes the header at the start of data. It returns a *damage
// when the bytes are not a valid header, and io.ErrUnexpectedEOF when data
// is a valid prefix too short to hold the case id (readHeader then reads
// more).
func parseHeader(data []byte) (recHeader, error) {
	if len(data) < recFixedLen+4 {
		return recHeader{}, damagef("file is %d bytes long, shorter than a record header", len(data))
	}
	if string(data[:8]) != recMagic {
		return recHeader{}, damagef("not a dossier record file (bad magic)")
	}
	if v := binary.LittleEndian.Uint16(data[8:]); v != recFormat {
		return recHeader{}, damagef("unsupported record format version %d (this build reads version %d)", v, recFormat)
	}
	n := binary.LittleEndian.Uint32(data[12:])
	if n == 0 || n > maxIDLen {
		return recHeader{}, damagef("case id length %d out of range", n)
	}
	hlen := recFixedLen + int(n) + 4
	if len(data) < hlen {
		return recHeader{}, io.ErrUnexpectedEOF
	}
	if got, want := crc32.Checksum(data[:hlen-4], castagnoli), binary.LittleEndian.Uint32(data[hlen-4:]); got != want {
		return recHeader{}, damagef("header checksum mismatch (stored %08x, computed %08x)", want, got)
	}
	return recHeader{
		id:      string(data[recFixedLen : recFixedLen+int(n)]),
		gen:     binary.LittleEndian.Uint64(data[16:]),
		version: int64(binary.LittleEndian.Uint64(data[24:])),
		bodyLen: binary.LittleEndian.Uint32(data[32:]),
		bodyCRC: binary.LittleEndian.Uint32(data[36:]),
		size:    hlen,
	}, nil
}

// checkRecord checks the header and the body checksum of a whole record
// file and returns the body. Every error is a *damage.
func checkRecord(data []byte) (recHeader, []byte, error) {
	h, err := parseHeader(data)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return h, nil, damagef("file truncated inside the header")
	}
	if err != nil {
		return h, nil, err
	}
	body := data[h.size:]
	switch {
	case uint64(len(body)) < uint64(h.bodyLen):
		return h, nil, damagef("file truncated: body has %d of %d bytes", len(body), h.bodyLen)
	case uint64(len(body)) > uint64(h.bodyLen):
		return h, nil, damagef("%d unexpected bytes after the body", uint64(len(body))-uint64(h.bodyLen))
	}
	if got := crc32.Checksum(body, castagnoli); got != h.bodyCRC {
		return h, nil, damagef("body checksum mismatch (stored %08x, computed %08x)", h.bodyCRC, got)
	}
	return h, body, nil
}

// decodeRecord decodes a whole record file. Every error is a *damage.
func decodeRecord(data []byte) (*storage.Record, recHeader, error) {
	h, body, err := checkRecord(data)
	if err != nil {
		return nil, h, err
	}
	var rec storage.Record
	if err := json.Unmarshal(body, &rec); err != nil {
		// The checksums match, so the bytes are those written: the record
		// was accepted by encoding/json but its own decoder refuses it.
		return nil, h, damagef("body is intact (checksums match) but does not decode as a storage.Record: %v", err)
	}
	if rec.Case.ID != h.id {
		return nil, h, damagef("body holds case %q, header names %q", rec.Case.ID, h.id)
	}
	if rec.Version != h.version {
		return nil, h, damagef("body has version %d, header %d", rec.Version, h.version)
	}
	return &rec, h, nil
}

// readHeader reads and decodes only the header of the record file at path.
// A missing file is an error matching fs.ErrNotExist; undecodable bytes are a
// *damage.
func readHeader(path string) (recHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return recHeader{}, err
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return recHeader{}, err
	}
	h, err := parseHeader(buf[:n])
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		return h, err
	}
	if n < len(buf) {
		return recHeader{}, damagef("file truncated inside the header")
	}
	// The case id is longer than what was read: read the whole header.
	need := recFixedLen + int(binary.LittleEndian.Uint32(buf[12:])) + 4
	whole := make([]byte, need)
	copy(whole, buf)
	if _, err := io.ReadFull(f, whole[len(buf):]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return recHeader{}, damagef("file truncated inside the header")
		}
		return recHeader{}, err
	}
	return parseHeader(whole)
}
