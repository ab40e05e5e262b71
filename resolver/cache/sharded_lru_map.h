// A byte-capped, expiring, least-recently-used map split into independently locked shards: the
// storage under both the RrsetCache and the NegativeCache, which differ only in what they keep.
#ifndef REBOUND_RESOLVER_CACHE_SHARDED_LRU_MAP_H_
#define REBOUND_RESOLVER_CACHE_SHARDED_LRU_MAP_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rebound {

// Keys are byte strings (a name in lowercased wire form plus type and class); `V` is copied out
// on a hit, so it should be cheap to copy (a few hundred bytes of wire data at most). Every
// worker thread shares one map; a call locks one shard, and only for the map operation itself:
// callers convert to and from ldns outside.
template <typename V>
class ShardedLruMap {
 public:
  struct Hit {
    V value;
    absl::Time expiry;
    // This lookup asked to claim the entry's refresh (Want::claim_refresh), the entry has reached
    // its refresh point, and no lookup claimed it before: the caller starts the one refresh.
    bool refresh_claimed = false;
  };
  // What a lookup accepts beyond an unexpired entry.
  struct Want {
    // An entry past its expiry but within keep_expired: serve-expired (RFC 8767) only.
    bool expired = false;
    // Claim the refresh of an entry past its refresh point (prefetch), once per stored entry.
    bool claim_refresh = false;
    // An expired entry found (with `expired`) starts its keep_expired over from now
    // (serve-expired-ttl-reset).
    bool reset_expired = false;
  };

  // `max_bytes` is split evenly over `shards` (rounded up to a power of two), and each shard
  // keeps its share by evicting its least recently used entries: no global lock, at the price of
  // a cap that is only exact per shard. An entry is kept `keep_expired` past its expiry (0: it
  // goes at expiry; absl::InfiniteDuration(): until the LRU pushes it out), for lookups that
  // ask for expired data (Want::expired); any other lookup treats it as gone.
  ShardedLruMap(size_t max_bytes, size_t shards, absl::Duration keep_expired = absl::ZeroDuration())
      : keep_expired_(keep_expired),
        shard_mask_(std::bit_ceil(std::max<size_t>(shards, 1)) - 1),
        shards_(std::make_unique<Shard[]>(shard_mask_ + 1)) {
    for (size_t i = 0; i <= shard_mask_; ++i) shards_[i].max_bytes = max_bytes / (shard_mask_ + 1);
  }
  ShardedLruMap(const ShardedLruMap&) = delete;
  ShardedLruMap& operator=(const ShardedLruMap&) = delete;

  // Stores `value` until `expiry`. `payload_bytes` is the heap memory `value` holds; the key and
  // the bookkeeping are added here. An unexpired entry already under `key` is replaced only if
  // `replace(old_value)` says so; an expired one always is. Returns whether `value` was stored.
  // An entry larger than a whole shard's share is not stored: it would evict everything else and
  // then itself. From `refresh_at` on, one lookup may claim its refresh (Want::claim_refresh).
  template <typename ReplacePredicate>
  bool Insert(std::string key, V value, absl::Time expiry, absl::Time now, size_t payload_bytes,
              ReplacePredicate replace, absl::Time refresh_at = absl::InfiniteFuture()) {
    const size_t charge = payload_bytes + key.size() + kEntryOverhead;
    const size_t hash = NodeHash()(std::string_view(key));
    Shard& shard = ShardFor(hash);
    absl::MutexLock lock(&shard.mu);
    if (charge > shard.max_bytes) return false;
    auto found = shard.index.find(std::string_view(key), hash);
    if (found != shard.index.end()) {
      const Node& old = **found;
      if (old.expiry > now && !replace(old.value)) return false;
      shard.Erase(found);
    }
    shard.lru.push_front(Node{std::move(key), std::move(value), expiry, charge, refresh_at});
    shard.index.insert(shard.lru.begin());
    shard.bytes += charge;
    while (shard.bytes > shard.max_bytes) shard.Erase(shard.index.find(shard.lru.back().key));
    return true;
  }

  // The entry under `key`, or nothing when there is none or it has expired (with Want::expired:
  // when it is past keep_expired as well). An entry past keep_expired is removed here: expiry is
  // lazy, as no timer walks the map. A hit becomes most recently used.
  std::optional<Hit> Lookup(std::string_view key, absl::Time now, Want want = {}) {
    const size_t hash = NodeHash()(key);
    Shard& shard = ShardFor(hash);
    absl::MutexLock lock(&shard.mu);
    auto found = shard.index.find(key, hash);
    if (found == shard.index.end()) return std::nullopt;
    const NodeIt node = *found;
    if (node->expiry <= now) {
      if (!Kept(*node, now)) {
        shard.Erase(found);
        return std::nullopt;
      }
      if (!want.expired) return std::nullopt;
      if (want.reset_expired) node->expiry = now;
    }
    shard.lru.splice(shard.lru.begin(), shard.lru, node);
    Hit hit{node->value, node->expiry};
    if (want.claim_refresh && !node->refresh_claimed && node->refresh_at <= now &&
        node->expiry > now) {
      node->refresh_claimed = true;
      hit.refresh_claimed = true;
    }
    return hit;
  }

  // As Lookup, but instead of copying the value out, calls `read(const V&)` on it while the
  // shard is locked and returns what `read` returns (false when there is no unexpired entry).
  // For the packet cache's hit path, which copies a few hundred bytes straight into a send
  // buffer and must not allocate. `read` must be short and must not call back into the map.
  template <typename Reader>
  bool Read(std::string_view key, absl::Time now, Reader read) {
    const size_t hash = NodeHash()(key);
    Shard& shard = ShardFor(hash);
    absl::MutexLock lock(&shard.mu);
    auto found = shard.index.find(key, hash);
    if (found == shard.index.end()) return false;
    const NodeIt node = *found;
    if (node->expiry <= now) {
      if (!Kept(*node, now)) shard.Erase(found);
      return false;
    }
    shard.lru.splice(shard.lru.begin(), shard.lru, node);
    return read(static_cast<const V&>(node->value));
  }

  // Removes every entry whose key `matches(std::string_view)`, shard by shard (each locked in
  // turn, so lookups go on in the others); returns how many. For rebound-control's flush
  // commands, which are rare: it walks the whole map.
  template <typename Predicate>
  size_t EraseIf(Predicate matches) {
    size_t erased = 0;
    for (size_t i = 0; i <= shard_mask_; ++i) {
      Shard& shard = shards_[i];
      absl::MutexLock lock(&shard.mu);
      for (auto node = shard.lru.begin(); node != shard.lru.end();) {
        const NodeIt current = node++;
        if (!matches(std::string_view(current->key))) continue;
        shard.Erase(shard.index.find(std::string_view(current->key)));
        ++erased;
      }
    }
    return erased;
  }

  // Calls `visit(std::string_view key, const V& value, absl::Time expiry)` on every unexpired
  // entry of one shard (0 <= shard < shard_count()), under that shard's lock, most recently used
  // first. The LRU order is left as it is and expired entries are skipped, not removed: a dump
  // (cache_dump.h) reads the cache without changing what it would evict next. `visit` must not
  // call back into the map; the other shards are not locked meanwhile.
  template <typename Visitor>
  void ForEachInShard(size_t shard, absl::Time now, Visitor visit) const {
    const Shard& s = shards_[shard];
    absl::ReaderMutexLock lock(&s.mu);
    for (const Node& node : s.lru) {
      if (node.expiry > now) visit(std::string_view(node.key), node.value, node.expiry);
    }
  }
  size_t shard_count() const { return shard_mask_ + 1; }

  // Calls `visit(std::string_view key, const V& value, absl::Time expiry, absl::Time now)` on
  // every unexpired entry, shard by shard: a shard's entries are copied under its lock (at
  // `now()`) and visited once it is released, so `visit` may take its time or look the map up,
  // and a large map is never copied whole. The LRU order is left as it is.
  template <typename Now, typename Visitor>
  void ForEachCopied(Now now, Visitor visit) const {
    struct Copied {
      std::string key;
      V value;
      absl::Time expiry;
    };
    std::vector<Copied> batch;
    for (size_t shard = 0; shard < shard_count(); ++shard) {
      const absl::Time at = now();
      batch.clear();
      ForEachInShard(shard, at, [&](std::string_view key, const V& value, absl::Time expiry) {
        batch.push_back(Copied{std::string(key), value, expiry});
      });
      for (const Copied& copied : batch) visit(copied.key, copied.value, copied.expiry, at);
    }
  }

  // As Lookup, but the entry keeps its place in the LRU order and an expired one stays (for
  // readers that must not change the cache, as ForEachInShard).
  std::optional<Hit> Peek(std::string_view key, absl::Time now) const {
    const size_t hash = NodeHash()(key);
    const Shard& shard = ShardFor(hash);
    absl::ReaderMutexLock lock(&shard.mu);
    auto found = shard.index.find(key, hash);
    if (found == shard.index.end() || (*found)->expiry <= now) return std::nullopt;
    return Hit{(*found)->value, (*found)->expiry};
  }

  // Bytes charged and entries held, over all shards (expired entries not yet removed included).
  size_t bytes() const {
    size_t total = 0;
    for (size_t i = 0; i <= shard_mask_; ++i) {
      absl::ReaderMutexLock lock(&shards_[i].mu);
      total += shards_[i].bytes;
    }
    return total;
  }
  size_t entries() const {
    size_t total = 0;
    for (size_t i = 0; i <= shard_mask_; ++i) {
      absl::ReaderMutexLock lock(&shards_[i].mu);
      total += shards_[i].lru.size();
    }
    return total;
  }

 private:
  struct Node {
    std::string key;
    V value;
    absl::Time expiry;
    size_t charge;
    absl::Time refresh_at;
    bool refresh_claimed = false;
  };

  // Whether an expired node is still within keep_expired.
  bool Kept(const Node& node, absl::Time now) const { return node.expiry + keep_expired_ > now; }
  using List = std::list<Node>;
  using NodeIt = typename List::iterator;

  // The index holds list iterators and looks them up by key, so each key is stored once (in the
  // list node) rather than once in the list and again in the hash table.
  struct NodeHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return absl::Hash<std::string_view>()(key); }
    size_t operator()(NodeIt it) const { return (*this)(std::string_view(it->key)); }
  };
  struct NodeEq {
    using is_transparent = void;
    static std::string_view View(std::string_view key) { return key; }
    static std::string_view View(NodeIt it) { return it->key; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) == View(b);
    }
  };
  using Index = absl::flat_hash_set<NodeIt, NodeHash, NodeEq>;

  // Memory an entry costs besides its key and payload: the list node (two links and the Node),
  // the index slot with its control byte, and an allocator header for the node.
  static constexpr size_t kEntryOverhead =
      sizeof(Node) + 2 * sizeof(void*) + sizeof(NodeIt) + 1 + 16;

  struct Shard {
    void Erase(typename Index::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      const NodeIt node = *it;
      index.erase(it);
      bytes -= node->charge;
      lru.erase(node);
    }

    mutable absl::Mutex mu;
    size_t max_bytes = 0;          // set once before the map is shared
    List lru ABSL_GUARDED_BY(mu);  // most recently used first
    Index index ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };

  // `hash` is NodeHash of the key, computed once per call and handed to the index's find as
  // well, so a lookup hashes its key once.
  Shard& ShardFor(uint64_t hash) const {
    // The index takes its bucket from the same hash's bits, so the shard comes from a
    // multiplicative remix: otherwise every key in a shard would share bits the index relies on
    // to spread them.
    return shards_[((hash * 0x9E3779B97F4A7C15ull) >> 32) & shard_mask_];
  }

  const absl::Duration keep_expired_;
  const size_t shard_mask_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_SHARDED_LRU_MAP_H_
