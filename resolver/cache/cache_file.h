// cache-file: rebound's own option (unbound has none like it; Knot Resolver keeps its cache in
// a file across restarts): the RRset and negative caches are written to a file on a clean stop
// and read back at the next start, so a restart or reboot does not start cold.
//
// The file is one header line, "; rebound cache-file written UNIXTIME", then unbound's
// dump_cache text (cache_dump.h): `tail -n +2 FILE | unbound-control load_cache` loads it into
// unbound. A file that is an unbound dump alone (`unbound-control dump_cache > FILE`) is read
// too, taken as written when it was last modified.
#ifndef REBOUND_RESOLVER_CACHE_CACHE_FILE_H_
#define REBOUND_RESOLVER_CACHE_CACHE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "resolver/cache/cache_dump.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"

namespace rebound {

// Replaces `path` with the caches as they are, stamped `now`, mode 0600 (WriteOwnedFileAtomically:
// a reader sees the old file or the new one whole). Written as the user rebound runs as, so its
// directory must be writable to that user (MakeDirectoryWritableFor, at start).
absl::StatusOr<DumpedCache> WriteCacheFile(const std::string& path, const RrsetCache& rrsets,
                                           const NegativeCache& negatives, absl::Time now);

// Loads `path` through `writer`, every TTL reduced by the time since it was written (`now`
// minus its stamp); what expired meanwhile is skipped. The whole file is checked before
// anything is stored: a file with an error loads nothing (InvalidArgumentError with the line).
// NotFoundError when there is no file. Only a file of rebound's own user, in a directory
// nobody else may change, is read (OpenOwnedFileForReading): its records become answers.
absl::StatusOr<LoadedCache> ReadCacheFile(const std::string& path, absl::Time now,
                                          CacheWriter* writer);

// The two calls main.cc makes, which log what happened and never stop the daemon: at start,
// after the caches are built and root is dropped, before the workers answer (a missing file is
// a cold start; a bad one is logged with its line and ignored), and at a clean stop, after the
// workers have stopped.
void LoadCacheFileAtStart(const std::string& path, CacheWriter* writer);
void SaveCacheFileAtStop(const std::string& path, const RrsetCache& rrsets,
                         const NegativeCache& negatives);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_FILE_H_
