// The RRset and negative caches as unbound's `unbound-control dump_cache` text, and that text
// read back (`load_cache`), so that a cache moves between rebound and unbound either way and
// survives a restart (cache_file.h).
//
// The text (unbound's daemon/cachedump.c, 1.18 and later; 1.17 reads it too):
//
//   START_RRSET_CACHE
//   ;rrset [nsec_apex] TTL COUNT SIGCOUNT TRUST SECURITY     one per RRset, then COUNT record
//   <record in presentation form>                            lines and SIGCOUNT RRSIG lines,
//   END_RRSET_CACHE                                          each with the TTL it has left
//   START_MSG_CACHE
//   msg QNAME CLASS QTYPE FLAGS QDCOUNT TTL SECURITY AN NS AR [EDE [EDE-TEXT]]
//   <owner> <class> <type> <key flags>                       AN+NS+AR references to RRsets above
//   END_MSG_CACHE
//   EOF
//
// How rebound's caches map onto it:
// - Trust: rebound's four ranks are written as unbound's rrset_trust values (UnboundTrust) and
//   unbound's thirteen read back as the rank of the same meaning (TrustFromUnbound). SECURITY is
//   written 0 (unchecked: rebound does not validate); an RRset or message unbound found bogus (1)
//   is not loaded.
// - rebound keeps an RRset's signatures as an entry of their own; here they follow the RRset
//   they cover, as unbound keeps them.
// - unbound answers a question from its message cache, rebound from its RRsets. So each RRset a
//   client may be answered from (kClientAnswerTrust and above) is written with a "msg" entry
//   for its own name and type, which lets unbound answer it; reading one back needs nothing
//   beyond its RRsets, which are loaded already.
// - A negative answer is a "msg" entry with no answer RRset and the zone's SOA in the authority
//   section: NXDOMAIN (RCODE 3 in FLAGS) for types A and AAAA (rebound's covers every type;
//   unbound's message cache is keyed by type), NODATA (RCODE 0) for its type. The SOA RRset is
//   written among the RRsets with the TTL the negative answer has left, unless the RRset cache
//   has it for longer already. Read back, a negative message becomes a negative-cache entry
//   for the end of its CNAME chain, through CacheWriter::StoreNegative. (unbound refers to its
//   negative SOA with key flag 4, which its own ;rrset lines cannot carry, so unbound's
//   load_cache drops its own negative messages; rebound reads them.)
#ifndef REBOUND_RESOLVER_CACHE_CACHE_DUMP_H_
#define REBOUND_RESOLVER_CACHE_CACHE_DUMP_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"

namespace rebound {

// unbound's rrset_trust value for a rebound rank, and back. `type` decides what unbound's
// rrset_trust_auth_noAA (a non-authoritative authority section) was: a referral's NS RRset, or
// the other records beside it.
int UnboundTrust(Trust trust);
Trust TrustFromUnbound(int unbound_trust, uint16_t type);

// Receives the dump: whole lines (each ending in "\n"), at most kDumpChunkBytes at a time (a
// line longer than that alone). Returns false to stop the dump (the client went away).
using DumpWriter = absl::FunctionRef<bool(absl::string_view text)>;

// The most text the dump holds before handing it to the writer, so that dumping a cache of any
// size costs this much memory beyond one shard's copied entries (dump_cache writes each piece to
// the control connection as it comes).
inline constexpr size_t kDumpChunkBytes = 16 * 1024;

struct DumpedCache {
  size_t rrsets = 0;     // ";rrset" entries written
  size_t messages = 0;   // "msg" entries written
  bool complete = true;  // false when the writer stopped it
};

// Writes both caches as unbound's dump_cache does, with the TTLs they have left, up to and
// including the "EOF" line. Reads the caches without changing their LRU order, one shard at a
// time: the whole text is never held here.
DumpedCache DumpCache(const RrsetCache& rrsets, const NegativeCache& negatives, DumpWriter write);
// The same text in one string (tests, the cache file).
std::string DumpCacheToString(const RrsetCache& rrsets, const NegativeCache& negatives);

// Gives the next line of load_cache's input, without its line end, in `*line`; false when the
// input has ended. LoadCache stops reading at the "EOF" line.
using LineReader = absl::FunctionRef<bool(std::string* line)>;

// Longest line LoadCache takes (unbound's own limit for a record line is near this).
inline constexpr size_t kMaxCacheDumpLine = 65535 * 4 + 2048;

struct LoadedCache {
  size_t lines = 0;      // read, up to and including "EOF" (and lines_before)
  size_t rrsets = 0;     // RRsets handed to the writer
  size_t negatives = 0;  // negative answers handed to the writer
  size_t answers = 0;    // positive messages: answered by their RRsets, nothing more to load
  size_t expired = 0;    // RRsets and messages whose TTL ran out (`age` included): skipped
  size_t skipped = 0;    // marked BADRR/BADREF, bogus, an unresolved reference, another RCODE
};

// Reads unbound's dump text from `read_line`, through "EOF", into the caches behind `writer`
// (the only writer, docs/architecture.md), each RRset at the rank its trust maps to. `age` is
// how long ago the dump was taken: it comes off every TTL, and what it uses up is skipped. A
// line that is not what the format has at that point stops the load with an
// InvalidArgumentError naming its line number and what is wrong; what came before it stays
// loaded, as with unbound. With a null `writer` the text is only checked.
absl::StatusOr<LoadedCache> LoadCache(LineReader read_line, absl::Duration age,
                                      CacheWriter* writer);
// The same from text in memory, split at "\n" (a "\r" before it is dropped). Line numbers
// count `lines_before` first (the lines of a file before the dump).
absl::StatusOr<LoadedCache> LoadCacheFromString(absl::string_view text, absl::Duration age,
                                                CacheWriter* writer, size_t lines_before = 0);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_DUMP_H_
