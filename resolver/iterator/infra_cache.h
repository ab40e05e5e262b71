// What the iterator has learned about each authoritative server address: round-trip times for
// retransmission timeouts and server selection, whether the server is down, and protocol quirks
// (no EDNS, no 0x20 echo, lame for a zone). Shared by all worker threads.
#ifndef REBOUND_RESOLVER_ITERATOR_INFRA_CACHE_H_
#define REBOUND_RESOLVER_ITERATOR_INFRA_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "resolver/core/clock.h"
#include "resolver/core/endpoint.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct InfraCacheOptions {
  // The timeout for a server never heard from, and its expected RTT when ranking it. Lower than
  // selection_band above the fastest known server, so unknown servers get tried (as unbound's
  // UNKNOWN_SERVER_NICENESS does).
  absl::Duration initial_rto = absl::Milliseconds(376);
  absl::Duration min_rto = absl::Milliseconds(50);
  // Caps each try, backoff included. unbound's infra-cache-max-rtt is 120 s; ours is lower
  // because the client query's total time budget is the iterator's job, not the per-try timeout.
  absl::Duration max_rto = absl::Seconds(3);
  // Servers whose expected RTT is this close to the best one's are equally good and are tried in
  // random order, so every server's estimate stays fresh and the choice is hard to predict.
  absl::Duration selection_band = absl::Milliseconds(400);
  // Consecutive timeouts after which a server is down. A down server is still tried, last, and
  // ranks normally again once down_time has passed: the next query to it is the probe.
  int timeouts_until_down = 3;
  absl::Duration down_time = absl::Seconds(60);
  // An entry is forgotten this long after it was created, whatever happened since, so that
  // learned quirks (no EDNS, lame) are probed again (unbound's infra-host-ttl, 900 s).
  absl::Duration host_ttl = absl::Minutes(15);
  // Bounded memory: beyond this many addresses the oldest entries are dropped.
  size_t max_hosts = 10000;
  // 0x20 is given up for a server only on repeated evidence, as unbound falls back from caps
  // for id only after checking: this many queries whose only replies had the wrong letter
  // case, within case_mismatch_window and with no reply echoing the case between them. One
  // such reply may be a blind forger's (the real one lost or late), and must not switch off the
  // protection for everyone else (issue 15 item 7).
  int case_mismatches_to_disable = 3;
  absl::Duration case_mismatch_window = absl::Minutes(2);
  // How long 0x20 then stays off for the server; the next query after it tries 0x20 again.
  absl::Duration case_off_time = absl::Minutes(5);
  // Zones remembered as lame per address; beyond it the oldest is forgotten.
  size_t max_lame_zones_per_host = 16;
  // Rounded down to a power of two, at most max_hosts; tests use 1 to see exact eviction order.
  size_t shards = 16;
};

// A copy of what is known about one address, for tests and rebound-control.
struct InfraServerInfo {
  std::optional<absl::Duration> srtt;  // none until a reply was timed
  absl::Duration rttvar;
  int consecutive_timeouts = 0;
  bool down = false;
  bool edns_unsupported = false;
  bool case_not_echoed = false;  // 0x20 is off for it now
  int case_mismatches = 0;       // evidence towards turning it off
  size_t lame_zones = 0;
  absl::Time expiry;
};

class InfraCache {
 public:
  // `clock` must outlive the cache.
  InfraCache(InfraCacheOptions options, const Clock* clock);
  InfraCache(const InfraCache&) = delete;
  InfraCache& operator=(const InfraCache&) = delete;

  // The retransmission timeout for the next query to `server` (RFC 6298 2): SRTT + 4 * RTTVAR,
  // or initial_rto for a server never timed, clamped to [min_rto, max_rto], then doubled for
  // each consecutive timeout (RFC 6298 5.5, exponential backoff) and clamped to max_rto again.
  absl::Duration Timeout(const Endpoint& server) const;

  // A reply arrived `rtt` after the query was sent. Updates SRTT and RTTVAR (RFC 6298 2.2-2.3)
  // and ends any run of timeouts: the server is up. The caller must time each try on its own
  // (Karn's rule, RFC 6298 3): a retry carries a fresh ID, so the reply says which try it answers.
  void RecordReply(const Endpoint& server, absl::Duration rtt);
  // A try went unanswered: the next timeout doubles, and after timeouts_until_down in a row the
  // server is down for down_time.
  void RecordTimeout(const Endpoint& server);
  // The address cannot be reached at all (ICMP unreachable, connection refused, no route): down
  // for down_time at once, without waiting for timeouts.
  void RecordUnreachable(const Endpoint& server);
  bool IsDown(const Endpoint& server) const;

  // Orders candidate addresses for the next query, as indexes into `candidates`. Servers that are
  // not down come first: those whose expected RTT (SRTT, or initial_rto when unknown, doubled per
  // consecutive timeout) is within selection_band of the best are shuffled, the rest follow by
  // expected RTT. Down servers come last, the one down longest first, so that they are still
  // tried when nothing else is left.
  std::vector<size_t> Order(absl::Span<const Endpoint> candidates) const;

  // The server answered FORMERR to a query with an OPT record: query it without EDNS
  // (RFC 6891 7).
  bool EdnsUnsupported(const Endpoint& server) const;
  void SetEdnsUnsupported(const Endpoint& server);
  // The server does not echo the question name's letter case, so 0x20 randomization cannot be
  // checked against it (draft-vixie-dnsext-dns0x20): on for case_off_time once
  // RecordCaseMismatch has seen enough evidence.
  bool CaseNotEchoed(const Endpoint& server) const;
  // A query with 0x20 got replies from the server, none of them with the case it was sent in.
  void RecordCaseMismatch(const Endpoint& server);
  // A reply to a query with 0x20 echoed the case: whatever mismatches came before were not
  // the server's doing.
  void RecordCaseEchoed(const Endpoint& server);
  // The server answered for `zone` without authority (a lame delegation, RFC 8499 7): not
  // asked about that zone again while the entry lives. Names compare case-insensitively.
  void SetLame(const Endpoint& server, const ldns_rdf* zone);
  bool IsLame(const Endpoint& server, const ldns_rdf* zone) const;

  std::optional<InfraServerInfo> Lookup(const Endpoint& server) const;
  // Entries held, expired ones not yet dropped included.
  size_t size() const;
  // rebound-control's flush_infra: forgets `server` (every server when null), so its RTT, EDNS,
  // lameness and down state are learned again; returns how many entries went.
  size_t Flush(const Endpoint* server);

 private:
  // Family, port, address and IPv6 scope: a fixed-size key, cheaper to hash than ToString().
  using HostKey = std::array<uint8_t, 23>;

  struct HostEntry {
    absl::Time expiry;
    bool has_rtt = false;
    absl::Duration srtt;
    absl::Duration rttvar;
    int consecutive_timeouts = 0;
    absl::Time down_until = absl::InfinitePast();
    bool edns_unsupported = false;
    absl::Time case_off_until = absl::InfinitePast();
    int case_mismatches = 0;  // in the window that started at the first of them
    absl::Time first_case_mismatch;
    std::vector<std::string> lame_zones;  // lowercased wire names, oldest first
  };

  // Every entry lives host_ttl from its creation, so creation order is expiry order: one FIFO
  // serves both for dropping expired entries and for evicting the oldest when full.
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<HostKey, HostEntry> hosts ABSL_GUARDED_BY(mu);
    std::deque<HostKey> order ABSL_GUARDED_BY(mu);  // creation order, one key per entry
    size_t max_hosts = 0;                           // set once before the cache is shared
  };

  static HostKey KeyOf(const Endpoint& server);
  Shard& ShardFor(const HostKey& key) const;
  // The live entry for `key`, or null.
  const HostEntry* Find(const Shard& shard, const HostKey& key, absl::Time now) const
      ABSL_SHARED_LOCKS_REQUIRED(shard.mu);
  // The entry for `key`, created if missing; drops expired entries and evicts to make room.
  HostEntry& FindOrCreate(Shard& shard, const HostKey& key, absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Expected RTT for ranking; `entry` may be null (unknown server).
  absl::Duration ExpectedRtt(const HostEntry* entry) const;

  const InfraCacheOptions options_;
  const Clock* const clock_;
  const size_t shard_mask_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_INFRA_CACHE_H_
