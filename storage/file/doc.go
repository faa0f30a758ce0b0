// Package file is a storage.Store that keeps each case in its own file
// under a directory: crash-safe, safe for many goroutines and many
// processes, with indexes for external ids and entity ids, a durable
// outbox of change events, and checksums that catch damaged files. It
// passes storage/storetest.
//
//	store, err := file.Open("/var/lib/kyc", file.Options{})
//	if err != nil { ... }
//	defer store.Close()
//	ws, err := dossier.New(store, dossier.Settings{})
//
// # What a write guarantees
//
// Create, Update and Delete are atomic and durable. Under the directory
// lock, a writer checks the version (and the external id's uniqueness)
// against the index, appends an entry describing the change to the index
// log and fsyncs it, writes the record to a new temporary file in the
// records directory and fsyncs it (both fsyncs run concurrently), renames
// it over the case's file and fsyncs the directory. When the call returns
// nil, the change survives a crash of the process, of the operating system
// or of the power (given a disk that honours flushes). A crash at any point
// leaves the old record or the new one, never a mix: the rename is the
// commit point, and the only change a crash can lose is the one whose call
// had not returned. A stale version is storage.ErrConflict, from any
// process: no lost update.
//
// If the final directory fsync fails, the call returns an error although
// the new record is already visible and may or may not survive a system
// crash; the versions make that safe to handle as any other failure:
// reload and retry.
//
// The events saved with a record (storage.Record.Events) are part of its
// file, so they are exactly as atomic and durable as the record: see The
// outbox below.
//
// Reads never see a half-written record. Get reads the case's file
// directly, without a lock, and always sees the latest committed record
// of any process; it can also see one a few hundred microseconds before
// its writer returns (after the rename, before the directory fsync).
//
// # Processes and the lock
//
// Any number of Stores, in one process or several, may be open on one
// directory. They coordinate through an advisory flock(2) on the file LOCK,
// which is created once and never deleted: writers (AckEvents too) hold it
// exclusively for the duration of one write; GetByExternalID,
// CaseOfEntity, List, PendingEvents and Verify hold it shared while they
// consult the index; Get takes no lock. The lock
// is held for single operations only, never between them; a process that
// dies releases it. It is not fair: a process writing without pause can
// delay another's writes, up to Options.LockTimeout (default 10 s), after
// which the waiting call fails with a *LockTimeoutError (ErrLockTimeout),
// as Open does when the lock stays held. A call's context ends the wait
// earlier. Within a process, a read-write mutex with writer preference sits
// in front of the file lock.
//
// Each change (and acknowledgement) also bumps a sequence number kept in
// the lock file, so a Store notices another's writes with one small read
// and re-reads only the index log entries (and acknowledgements) appended
// since.
//
// # Indexes
//
// External id -> case and entity id -> case (storage.Record.EntityIDs)
// are answered from an in-memory index, so no lookup scans the records. On
// disk the index is a snapshot (index.snap) plus the log (index.log) of the
// changes since; the log is folded into a new snapshot once it has as many
// entries as there are cases (at least 1024), so a write costs O(1)
// amortized. Because every log entry is durable before its record file is
// renamed, the index is never behind the records; only the last entry can
// be ahead (its writer died before the rename). Each record file carries
// the generation of the commit that wrote it, so a Store checks that last
// entry against its file, ignores it when it did not land, and the next
// writer appends a repair entry.
//
// Open rebuilds the index from the record files (and the tombstones) when
// the index files are missing, damaged (checksums), of another format
// version or stale: listing other files than the
// records directory holds, or older than the generation the lock file says
// is durable (index files restored from a backup). Before overwriting a
// record, a writer also checks that the file's generation is the one the
// index expects, and rebuilds when it is not. Verify compares every record
// file with the index; Rebuild rebuilds on demand (after restoring record
// files from a backup, for instance).
//
// # The outbox
//
// Every event saved in a record is pending until it is acknowledged
// (storage.Outbox), across all cases, including deleted ones; a host
// application drains them with PendingEvents and AckEvents, or with
// dossier's Workspace.Drain.
//
// Numbering. Create, Update and Delete give each event with Seq 0 the next
// number of one sequence shared by every Store and process on the
// directory, under the directory lock, so Seq follows commit order. The
// numbers are in the record file, so the events of an acknowledged write
// are pending after any crash, and those of a refused or failed write never
// are. Numbers are never given twice, even after a crash: the index log and
// snapshot carry the highest number given, and a rebuild starts above every
// number found in the records, the tombstones and the acknowledgement log.
// An event given with a number the store never gave is a *validation.Error.
//
// The pending index. The index entry of a case lists the numbers of its
// record's events that were not acknowledged when the record was written;
// with the acknowledgements, that is the in-memory pending index, loaded at
// Open and refreshed like the other lookups (another process's writes and
// acknowledgements cost one small read of what they appended).
// PendingEvents answers from it and reads only the files holding the
// events of the page, decoding only their events: it never scans the
// records.
//
// Tombstones. Delete writes the case's pending events, followed by the
// events given to it (Case.Deleted), to outbox/<generation>.tomb, and so
// does an Update for pending events its record no longer holds. The
// tombstone is written like a record (temporary file, fsync, rename,
// directory fsync) after the commit's index log entry is durable and
// before the record file is removed or replaced: a crash leaves either no
// tombstone, or one whose commit did not land (the case's record file is
// still older than the tombstone), which is never read and which the next
// writer removes before anything else touches the case, or a complete
// commit. A tombstone is removed once all its events are acknowledged.
//
// Acknowledgements. AckEvents appends the numbers it is given (any set,
// not only a prefix; unknown and already acknowledged ones are ignored) to
// outbox/acks.log and fsyncs it before returning: an acknowledgement
// survives a crash, and AckEvents is idempotent. After compactMin appends
// (1024) the log is rewritten as one frame: every number below the lowest
// pending one becomes a watermark, and the numbers acknowledged above it
// are listed. Acknowledged events stay in the records: the audit trail is
// never trimmed by draining.
//
// Damage never loses a pending event silently:
//
//   - acks.log: a torn tail (an append cut by a crash, which never
//     returned) is ignored and the log rewritten. Any other damage loses
//     the acknowledgements from the damaged frame on (all of them when the
//     header is damaged, or when the log is missing): those events are
//     delivered again (at-least-once; receivers de-duplicate by event id),
//     never lost. Verify reports the damage until the next writer rewrites
//     the log. (Events whose acknowledgement the index already reflects,
//     because their record was written or the index compacted since, stay
//     acknowledged; after a Rebuild every lost one is pending again.)
//   - A damaged or missing tombstone stops PendingEvents with a
//     *CorruptError (its events cannot be placed in order) and Verify
//     reports it. Removing the file and calling Rebuild gives its events
//     up: an explicit decision, never a default.
//   - A damaged record file holding pending events: PendingEvents returns
//     the events before the first of them with a *CorruptError whose Seqs
//     lists them, and Delete of that case (or an Update that drops them)
//     fails the same way; AckEvents on those Seqs gives them up.
//
// Limits: AckEvents costs one fsync per call, so acknowledging a page at
// once is cheaper than event by event (as Workspace.Drain does). While an
// old event stays pending, every number acknowledged after it is kept in
// memory and in the acknowledgement log (a few bytes each): deliver it, or
// give it up, to let the watermark move. PendingEvents reads the files of
// a page under the shared lock, so writers wait for it.
//
// A tombstone is, integers little-endian: the magic "DOSSTMB\n", the
// format version (uint32, 1), the CRC-32C of the body (uint32), the body's
// length (uint64), then the body: JSON {"gen", "case_id", "events"}. The
// acknowledgement log has the index log's framing with the magic
// "DOSSACK\n"; each frame is JSON {"below", "seqs"}.
//
// # Damaged files
//
// Every record file starts with a format version, the generation, the
// record version, the case id and CRC-32C checksums of the header and of
// the JSON body. A file that does not check out gives a *CorruptError
// (ErrCorrupt) naming the case and the file; every other case stays
// readable. List does not stop at a damaged case: it returns the page of
// every readable record together with an error joining one *CorruptError
// per damaged case met, and its cursor goes on past them. A corrupt file is
// never returned as data. Update at the indexed version overwrites a
// damaged file, and Delete removes it. A record whose bytes are intact but
// that its own JSON decoding refuses (a domain type stricter when decoding
// than when encoding) is also reported as a *CorruptError, whose Reason
// says that the checksums match.
//
// A record file is, integers little-endian: the magic "DOSSREC\n", the
// format version (uint16, 1), 2 zero bytes, the case id's length n
// (uint32), the generation (uint64), the record version (int64), the
// body's length (uint32) and CRC-32C (uint32), the case id (n bytes), the
// CRC-32C of everything before it (uint32), then the body: the JSON of the
// storage.Record.
//
// # File names
//
// No byte of a case id, external id or entity id ever reaches a path: a
// case's file is records/<hex SHA-256 of the case id>.rec, and the other
// ids are data inside the index files. An external id like
// "../../etc/passwd", one with NUL bytes or a Windows device name (CON,
// NUL.txt) is stored like any other. Ids must be valid UTF-8 (JSON cannot
// carry other bytes losslessly) and case ids at most 64 KiB; other input is
// a *validation.Error.
//
// The directory belongs to the store: LOCK, index.snap, index.log,
// records/ and outbox/. Temporary files (names containing ".tmp-") are
// never read, and Open removes those a crashed writer left; files and
// directories are created with permissions 0600 and 0700.
//
// # Order
//
// List returns records in ascending byte order of case id, with the cursor
// of storage.Filter. Candidates are chosen from the index under the lock,
// then each record is read from its file, so a page reflects writes made
// while it is read.
//
// # Limits
//
//   - Network file systems (NFS, SMB, cloud-synced folders) are not
//     supported: flock(2) there is emulated or local to one client, and
//     rename, fsync and cache coherence across clients do not give the
//     guarantees above. Use a local file system.
//   - Durability depends on fsync: on Linux it flushes the file and the
//     directory; on macOS Go's Sync uses F_FULLFSYNC. A disk or virtual
//     disk that acknowledges flushes it has not done can lose acknowledged
//     writes on power loss; the checksums then report damage rather than
//     return bad data. Options.NoSync turns fsync off (see there).
//   - Windows and other systems without flock(2) in the standard library:
//     the lock excludes the Stores of one process only, so at most one
//     process may open a directory, and directories are not fsynced. On
//     Windows a write can also fail while another goroutine reads the same
//     file. The package is developed and tested on Linux (ext4).
//   - Open reads the snapshot, the log and the acknowledgement log, lists
//     the records and outbox directories and reads the tombstones: about
//     60-90 ms for 10,000 cases on the machine below; a rebuild
//     reads every record: about 0.55-0.65 s for 10,000 cases.
//   - Back up by copying the directory while no Store writes to it (or
//     open with Options.Rebuild after restoring a copy taken live).
//
// # Performance
//
// Measured with
//
//	go test -run '^$' -bench 'Save|Get' -benchtime 2000x ./storage/file/
//
// on a shared 2-core virtual machine (ext4 on a virtio disk). Each
// benchmark interleaves the store's operation with its baseline in one
// loop and reports the ratio (x-baseline):
//
//	BenchmarkSave             1.20x - 1.26x  Update (about 2 KB of JSON, fsync on) vs writing the
//	                                         same file bytes by hand: temporary file, write, fsync,
//	                                         rename, directory fsync (0.5-1 ms per save here)
//	BenchmarkSaveEvent        1.19x - 1.30x  the same Update carrying one new event, numbered under
//	                                         the lock and indexed as pending (what every Workspace
//	                                         change does)
//	BenchmarkGet              0.92x - 1.02x  Get vs os.ReadFile and json.Unmarshal of the same file
//	BenchmarkGetByExternalID  1.08x - 1.12x  GetByExternalID vs Get by case id, random cases of a
//	                                         10,000-case store
//
// and, with -bench Drain -benchtime 200x:
//
//	BenchmarkDrain            0.35x - 0.36x  PendingEvents of a page of 100 events of 100 cases vs
//	                                         Get of those 100 cases (it decodes only the events)
//
// The 10,000-case fixture is built once per run with NoSync (creating it
// with fsync on would take minutes and measures nothing, since lookups
// never write) and then opened with fsync on for the measurement.
// BenchmarkOpen gives the Open figures above (-bench Open -benchtime 10x).
package file
