// Package file is a storage.Store that keeps each case in its own file
// under a directory, with an append-only audit log beside them: crash-safe,
// safe for many goroutines and many processes, with indexes for external
// ids, entity ids, the queryable fields of every case and the position of
// every event, a durable outbox, and checksums that catch damaged files. It
// passes storage/storetest and implements storage.Quarantiner.
//
//	store, err := file.Open("/var/lib/kyc", file.Options{})
//	if err != nil { ... }
//	defer store.Close()
//	ws, err := dossier.New(store, dossier.Settings{})
//
// # The model
//
// A record file holds a case's current state only (storage.Record). Every
// change also appends one frame to the audit log, audit.log: the events of
// that change, numbered by the store-wide sequence, with the generation of
// the commit. The audit log is never rewritten, except by PurgeEvents. So a
// change costs time in the size of the record and of its events, never in
// the case's age: reading or saving a case touches its record file, and an
// index entry, not its history.
//
// # What a write guarantees
//
// Create, Update and Delete (and Quarantine) are atomic and durable. Under
// the directory lock, a writer checks the version (and the external id's
// uniqueness) against the index, numbers the events, writes the commit's
// frame to the audit log and an entry describing the change to the index
// log, and fsyncs both while it writes and fsyncs the record's temporary
// file (the three fsyncs run concurrently); then it renames the temporary
// file over the case's file (a delete removes it, a quarantine moves it)
// and fsyncs the records directory. The rename is the commit point: when
// it happened, the frame and the index entry are durable before it; when it
// did not (the writer died, or failed), the commit never happened, and its
// frame and entry are ignored by every reader and cut off or repaired by
// the next writer. So a record never exists without the events of the
// change that wrote it, and events never without their record. When the
// call returns nil, the change survives a crash of the process, of the
// operating system or of the power (given a disk that honours flushes). A
// stale version is storage.ErrConflict, from any process: no lost update.
//
// If the final directory fsync fails, the call returns an error although
// the new record is already visible and may or may not survive a system
// crash; the versions make that safe to handle as any other failure: reload
// and retry.
//
// Reads never see a half-written record. Get reads the case's file
// directly, without a lock, and always sees the latest committed record of
// any process; it can also see one a few hundred microseconds before its
// writer returns (after the rename, before the directory fsync).
//
// # The audit log
//
// Events reads one case's events in pages, in Seq order, whether the case
// still exists or not: the index keeps the position of every frame of
// every case, so a page reads only that case's frames. Deleting a case
// keeps its events; PurgeEvents removes those of the cases deleted before a
// given time (Delete records the time it is given), by rewriting the log
// without them: a new file, fsynced and renamed over the old one, then a new
// index. It reads the whole log, so run it rarely; it refuses to run while
// the log has frames that do not check out. A case removed by Quarantine is
// not deleted: its events are never purged.
//
// The audit log is, integers little-endian: a 24-byte header (the magic
// "DOSSAUD\n", the format version (uint32, 1), the epoch (uint64: the
// generation of the purge that wrote the file, 0 before any) and the
// CRC-32C of those 20 bytes), then frames of [payload length uint32]
// [payload CRC-32C uint32][payload]; each payload is JSON {"gen", "op",
// "case", "ev_seq", "at", "events"}. op is "put", "delete", "quarantine",
// "migrate" (events moved from a format-2 record) or "purge" (the last
// frame of a purged log, carrying the highest number given).
//
// # The outbox
//
// Every event in the audit log is pending until it is acknowledged
// (storage.Outbox), across all cases, including deleted ones; a host
// application drains them with PendingEvents and AckEvents, or with
// dossier's Workspace.Drain. Numbers are given under the exclusive lock in
// commit order, so a drainer that resumes after the last Seq it saw never
// skips an event. Numbers are never given twice, even after a crash or a
// purge: the index and every frame carry the highest number given, and a
// rebuild starts above every number in the audit log and the
// acknowledgements.
//
// AckEvents appends the numbers it is given (any set, not only a prefix;
// unknown and already acknowledged ones are ignored) to outbox/acks.log and
// fsyncs it before returning: an acknowledgement survives a crash, and
// AckEvents is idempotent. After compactMin appends (1024) the log is
// rewritten as one frame: every number below the lowest pending one becomes
// a watermark, and the numbers acknowledged above it are listed. Draining
// never trims the audit log. PendingEvents answers from the index of the
// audit log and the acknowledgements, reading only the frames of the page.
//
// The acknowledgement log has the index log's framing with the magic
// "DOSSACK\n"; each frame is JSON {"below", "seqs"}. Damage to it never
// loses a pending event: a torn tail (an append cut by a crash, which never
// returned) is ignored and the log rewritten; any other damage loses the
// acknowledgements from the damaged frame on (all of them when the header
// is damaged, or the log missing): those events are delivered again
// (at-least-once; receivers de-duplicate by event id). Verify reports the
// damage until the next writer rewrites the log.
//
// # Processes and the lock
//
// Any number of Stores, in one process or several, may be open on one
// directory. They coordinate through an advisory flock(2) on the file
// LOCK, which is created once and never deleted: writers (AckEvents,
// PurgeEvents and Quarantine too) hold it exclusively for the duration of
// one write; GetByExternalID, CaseOfEntity, Query, Events, PendingEvents
// and Verify hold it shared while they consult the index and read the
// files of their page; Get takes no lock. The lock is held for single
// operations only, never between them; a process that dies releases it.
//
// Within a process, callers are served in arrival order: a writer waits
// for every caller that arrived before it, a reader only for the writers
// that arrived before it (readers arriving together share the lock), so a
// stream of writers never starves a reader and a stream of readers never
// starves a writer. Every wait, for the goroutines of this process and for
// the file lock, counts against one deadline, Options.LockTimeout (default
// 10 s), after which the call fails with a *LockTimeoutError
// (ErrLockTimeout) whose Waited is the whole time it waited; a call's
// context ends the wait earlier. Across processes flock(2) is not fair: a
// process writing without pause can delay another's writes up to that
// timeout.
//
// Each change (and acknowledgement) also bumps a sequence number kept in
// the lock file, so a Store notices another's writes with one small read
// and re-reads only the index log entries (and acknowledgements) appended
// since.
//
// # Indexes
//
// The index holds, for every live case, its version, external id, entity
// ids (storage.Record.EntityIDs) and a summary of the fields storage.Query
// filters and sorts on (status, flags, contact and reviewer actions, risk
// level, next review date, created and updated times, name), and, for the
// audit log, the position of every frame, the deletions and the committed
// end of the log. On disk it is a snapshot (index.snap) plus the log
// (index.log) of the changes since; the log is folded into a new snapshot
// once it has as many entries as there are cases (at least 1024), so a
// write costs O(1) amortized (the snapshot lists every frame position: 40
// to 60 bytes per change, rewritten at each fold).
//
// Because every log entry and frame is durable before its record file is
// renamed, the index is never behind the records; only the last entry can
// be ahead (its writer died before the rename). Each record file carries
// the generation of the commit that wrote it, so a Store checks that last
// entry against its file, ignores it when it did not land, and the next
// writer appends a repair entry and cuts the audit log back to its
// committed end.
//
// Open rebuilds the index from the record files and the audit log when the
// index files are missing, damaged (checksums), of another format version
// or stale: listing other files than the records directory holds, older
// than the generation the lock file says is durable (index files restored
// from a backup), or describing another audit log (an epoch or a size that
// does not match). A rebuild checks the last frame of the audit log against
// its record file as it checks the last index entry. Before overwriting a
// record, a writer also checks that the file's generation is the one the
// index expects, and rebuilds when it is not. Verify compares every record
// file and the audit log with the index; Rebuild rebuilds on demand (after
// restoring files from a backup, for instance).
//
// # Queries
//
// Query evaluates storage.Query.Matches and storage.Query.SortKey on the
// case each index summary describes (the same fields the stored case
// has), keeps the page's cases in a bounded heap, and reads only the record
// files of the page, under the shared lock: one consistent view, at the
// cost of writers waiting for it. Count and Offset are answered from the
// index. A query matching 1 % of 20,000 cases reads 1 % of the record
// files over all its pages (TestQueryReadsOnlyMatches).
//
// # Damaged files
//
// Every record file starts with a format version, the generation, the
// record version, the case id and CRC-32C checksums of the header and of
// the JSON body. A file that does not check out gives a *CorruptError
// (ErrCorrupt) naming the case; every other case stays readable. Query does
// not stop at a damaged case: it reports it in Page.Damaged (a
// *storage.DamagedError wrapping the *CorruptError) at its place in the
// order, and its cursor goes on past it. A corrupt file is never returned
// as data. Update at the indexed version overwrites a damaged file, Delete
// removes it, and Quarantine moves it, whatever its version, to the
// quarantine directory, named <hex SHA-256 of the case id>-<generation, 16
// hex digits>.rec, for an operator to inspect; the case leaves every read
// and index, and its audit log stays. A record whose bytes are intact but
// that its own JSON decoding refuses (a domain type stricter when decoding
// than when encoding) is also reported as a *CorruptError, whose Reason
// says that the checksums match.
//
// A damaged audit log frame does not stop the outbox either: PendingEvents
// returns the readable events of the page and an error joining one
// *storage.DamagedError per damaged frame, whose *CorruptError lists the
// unreadable Seqs; acknowledging them gives them up explicitly. Events
// returns a case's events up to the damaged frame with its *CorruptError.
// An audit log whose header does not check out is not guessed at: Open
// fails with a *CorruptError until the file is restored.
//
// A record file is, integers little-endian: the magic "DOSSREC\n", the
// format version (uint16, 1), 2 zero bytes, the case id's length n
// (uint32), the generation (uint64), the record version (int64), the
// body's length (uint32) and CRC-32C (uint32), the case id (n bytes), the
// CRC-32C of everything before it (uint32), then the body: the JSON of the
// storage.Record.
//
// # Errors
//
// The text of every error this package returns is safe to show a client
// of the host: it never holds a file path (errors from the operating
// system are rewritten with "<store>" for the directory), and a duplicate
// external id does not name the case that has it. The paths stay in the
// error chain for logs: CorruptError.Path, LockTimeoutError.Path, and the
// operating system's own errors through errors.As.
//
// # Directories of earlier versions
//
// Format 2 (this package before the audit log) kept each case's events in
// its record file and the pending events of deleted cases in tombstone
// files (outbox/*.tomb). Open migrates such a directory, under the
// exclusive lock, in steps a crash can cut and that run again at the next
// Open: every event found in a record or a tombstone and not yet in the
// audit log is appended to it, numbered as it was, and fsynced; the records
// are rewritten without their events (same version and generation); the
// tombstones are removed; a new index is written. Acknowledgements are
// kept, so pending events stay pending. A deleted case is known from its
// tombstone only (format 2 forgot a deleted case once its events were all
// acknowledged); its deletion time is that of its latest event.
//
// # File names
//
// No byte of a case id, external id or entity id ever reaches a path: a
// case's file is records/<hex SHA-256 of the case id>.rec, and the other
// ids are data inside the index and the audit log. An external id like
// "../../etc/passwd", one with NUL bytes or a Windows device name (CON,
// NUL.txt) is stored like any other. Ids must be valid UTF-8 (JSON cannot
// carry other bytes losslessly) and case ids at most 64 KiB; other input is
// a *validation.Error.
//
// The directory belongs to the store: LOCK, index.snap, index.log,
// audit.log, records/, outbox/ and quarantine/. Temporary files (names
// containing ".tmp-") are never read, and Open removes those a crashed
// writer left; files and directories are created with permissions 0600
// and 0700.
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
//   - Memory: the index keeps every live case's entry (a few hundred bytes
//     with its summary) and every audit log frame's position (about 50
//     bytes per change ever made, until purged) in memory, in every Store.
//   - A commit costs three fsyncs (audit log, index log, record file, run
//     concurrently) and a directory fsync, one commit at a time under the
//     lock: saves do not share fsyncs.
//   - A query sorts its matches in memory from the index: its cost grows
//     with the number of cases (a scan of the index entries), not with the
//     number of record files read.
//   - Open reads the snapshot and the index log entries since it, and lists
//     the records directory: for 10,000 cases, about 0.2 s of CPU (0.5 to
//     1.3 s of wall time on the loaded machine below); a rebuild reads
//     every record file and the whole audit log (16 s for 10,000 cases
//     there, under heavy load). BenchmarkOpen measures both (-bench Open
//     -benchtime 10x).
//   - Back up by copying the directory while no Store writes to it (or
//     open with Options.Rebuild after restoring a copy taken live).
//
// # Performance
//
// Measured on a shared 2-core virtual machine (ext4 on a virtio disk,
// loaded by other work while these ran: the ranges are wide). Each
// benchmark interleaves the store's operation with its baseline in one
// loop and reports the ratio (x-baseline), so the ratio is measured in one
// run, under the same noise.
//
//	go test -run '^$' -bench 'History' -benchtime 400x ./storage/file/
//
//	BenchmarkHistory/Update   0.77x - 1.11x  Update with two events of a case with 10,000 earlier
//	                                         changes vs the same of a case with 100 (fsync on)
//	BenchmarkHistory/Get      0.58x - 1.15x  Get of those two cases
//
//	go test -run '^$' -bench 'Query' -benchtime 5x ./storage/file/
//
//	BenchmarkQuery            0.020x         a query matching 1 % of 20,000 cases, all its pages,
//	                                         vs reading and decoding every record and applying
//	                                         storage.Query.Matches (the scan it replaces)
//
//	go test -run '^$' -bench 'DueForReview' -benchtime 5x ./storage/file/
//
//	BenchmarkDueForReview     0.012x         Workspace.DueForReview on 20,000 cases, 200 of them due,
//	                                         vs reading every record and testing cases.Due; and
//	                                         TestRecordReviewsDueReadsOnlyDue: RecordReviewsDue
//	                                         reads 400 record files (2 %) for those 200
//
//	go test -run '^$' -bench 'Save|Get$|GetByExternalID|Drain' -benchtime 2000x ./storage/file/
//
//	BenchmarkSave             1.45x          Update (about 2 KB of JSON, no event, fsync on) vs
//	                                         writing the same file bytes by hand: temporary file,
//	                                         write, fsync, rename, directory fsync (the audit log
//	                                         and index log fsyncs run beside the file's)
//	BenchmarkSaveEvent        1.16x          the same Update carrying two events (what every
//	                                         Workspace change does)
//	BenchmarkGet              0.63x          Get vs os.ReadFile and json.Unmarshal of the same
//	                                         file (the baseline runs second: below 1x is noise and
//	                                         cache order, Get does that work and checksums)
//	BenchmarkGetByExternalID  1.22x          GetByExternalID vs Get by case id, random cases of a
//	                                         10,000-case store
//	BenchmarkDrain            0.014x         PendingEvents of a page of 100 events of 100 cases vs
//	                                         Get of those 100 cases
//
// The fixtures (10,000 changes, 10,000 and 20,000 cases) are built once per
// run with NoSync (building them with fsync on would take minutes and
// measures nothing, since the measured operations run with fsync on) and
// flushed with sync(2) before the measurement.
package file
