#include "resolver/control/stats_text.h"

#include <ldns/ldns.h>

#include <array>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rebound {
namespace {

void Line(std::string* out, absl::string_view name, uint64_t value) {
  absl::StrAppend(out, name, "=", value, "\n");
}

// unbound's seconds.microseconds, as in time.now and the histogram's bounds.
std::string Seconds(absl::Duration d) {
  const int64_t micros = absl::ToInt64Microseconds(d);
  return absl::StrFormat("%d.%06d", micros / 1'000'000, micros % 1'000'000);
}

std::string HistogramBound(uint64_t micros) {
  return absl::StrFormat("%06d.%06d", micros / 1'000'000, micros % 1'000'000);
}

// The figures unbound prints for each thread and for the total, under `prefix`.
void ThreadLines(std::string* out, absl::string_view prefix, const StatsTotals& t) {
  auto line = [&](absl::string_view name, uint64_t value) {
    Line(out, absl::StrCat(prefix, ".", name), value);
  };
  line("num.queries", t.queries);
  line("num.cachehits", t.cache_hits);
  line("num.cachemiss", t.cache_misses);
  line("num.prefetch", t.prefetches);
  line("num.expired", t.expired);
  line("num.recursivereplies", t.recursion_count);
  const double average_list =
      t.requestlist_samples == 0
          ? 0
          : static_cast<double>(t.requestlist_sum) / static_cast<double>(t.requestlist_samples);
  absl::StrAppendFormat(out, "%s.requestlist.avg=%g\n", prefix, average_list);
  line("requestlist.max", t.requestlist_max);
  line("requestlist.overwritten", t.requestlist_overwritten);
  line("requestlist.exceeded", t.requestlist_exceeded);
  line("requestlist.current.all", t.requestlist_current);
  // Every request in the list is a client's or a child of one: none is rebound's alone.
  line("requestlist.current.user", t.requestlist_current);
  const double average_time =
      t.recursion_count == 0
          ? 0
          : static_cast<double>(t.recursion_micros) / 1e6 / static_cast<double>(t.recursion_count);
  absl::StrAppendFormat(out, "%s.recursion.time.avg=%.6f\n", prefix, average_time);
  std::array<uint64_t, kTimeHistogramBuckets> buckets;
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] = t.recursion_histogram[i];
  absl::StrAppendFormat(out, "%s.recursion.time.median=%g\n", prefix,
                        absl::ToDoubleSeconds(TimeHistogramMedian(buckets)));
}

std::string TypeName(size_t type) {
  char* text = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  std::string name = text == nullptr ? absl::StrCat("TYPE", type) : text;
  free(text);
  return name;
}

std::string ClassName(size_t rr_class) {
  char* text = ldns_rr_class2str(static_cast<ldns_rr_class>(rr_class));
  std::string name = text == nullptr ? absl::StrCat("CLASS", rr_class) : text;
  free(text);
  return name;
}

constexpr std::array<absl::string_view, 6> kOpcodeNames = {"QUERY",   "IQUERY", "STATUS",
                                                           "OPCODE3", "NOTIFY", "UPDATE"};
// unbound's names, NOTIMPL included; the first six are printed even when zero.
constexpr std::array<absl::string_view, 11> kRcodeNames = {
    "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMPL", "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
constexpr std::array<absl::string_view, 8> kFlagNames = {"QR", "AA", "TC", "RD",
                                                         "RA", "Z",  "AD", "CD"};

void ExtendedLines(std::string* out, const StatsReport& r) {
  const StatsTotals& t = r.total;
  Line(out, "mem.cache.rrset", r.caches.rrset_bytes);
  Line(out, "mem.cache.message", r.caches.message_bytes);
  for (size_t i = 0; i < kTimeHistogramBuckets; ++i) {
    absl::StrAppend(out, "histogram.", HistogramBound(TimeHistogramLowerMicros(i)), ".to.",
                    HistogramBound(TimeHistogramUpperMicros(i)), "=", t.recursion_histogram[i],
                    "\n");
  }
  for (size_t type = 0; type < t.query_types.size(); ++type) {
    if (t.query_types[type] > 0) {
      Line(out, absl::StrCat("num.query.type.", TypeName(type)), t.query_types[type]);
    }
  }
  if (t.query_type_other > 0) Line(out, "num.query.type.other", t.query_type_other);
  for (size_t c = 0; c < t.query_classes.size(); ++c) {
    if (t.query_classes[c] > 0) {
      Line(out, absl::StrCat("num.query.class.", ClassName(c)), t.query_classes[c]);
    }
  }
  for (size_t op = 0; op < t.opcodes.size(); ++op) {
    if (t.opcodes[op] == 0) continue;
    Line(out,
         op < kOpcodeNames.size() ? absl::StrCat("num.query.opcode.", kOpcodeNames[op])
                                  : absl::StrCat("num.query.opcode.OPCODE", op),
         t.opcodes[op]);
  }
  Line(out, "num.query.tcp", t.tcp);
  Line(out, "num.query.tls", t.tls);
  Line(out, "num.query.ipv6", t.ipv6);
  Line(out, "num.query.https", t.https);
  for (size_t i = 0; i < kFlagNames.size(); ++i) {
    Line(out, absl::StrCat("num.query.flags.", kFlagNames[i]), t.query_flags[i]);
  }
  Line(out, "num.query.edns.present", t.edns_present);
  Line(out, "num.query.edns.DO", t.edns_do);
  for (size_t rcode = 0; rcode < t.answer_rcodes.size(); ++rcode) {
    if (rcode >= 6 && t.answer_rcodes[rcode] == 0) continue;
    Line(out,
         rcode < kRcodeNames.size() ? absl::StrCat("num.answer.rcode.", kRcodeNames[rcode])
                                    : absl::StrCat("num.answer.rcode.RCODE", rcode),
         t.answer_rcodes[rcode]);
  }
  Line(out, "num.answer.rcode.nodata", t.answer_nodata);
  Line(out, "unwanted.queries", t.unwanted_queries);
  Line(out, "msg.cache.count", r.caches.message_entries);
  Line(out, "rrset.cache.count", r.caches.rrset_entries);
  Line(out, "infra.cache.count", r.caches.infra_entries);
}

// rebound's own figures, which unbound has no name for.
void ReboundLines(std::string* out, const StatsReport& r) {
  Line(out, "num.dns64.synthesized", r.total.dns64_synthesized);
  Line(out, "num.answer.local", r.total.local_answers);
  Line(out, "num.answer.packetcache", r.total.packet_cache_hits);
  // unbound's dnstap drops what a full queue cannot take without counting it (dtstream.c).
  Line(out, "num.dnstap.dropped", r.total.dnstap_dropped);
  if (!r.bootstrap.enabled) return;
  Line(out, "num.bootstrap.mode", r.bootstrap.active ? 1 : 0);
  Line(out, "num.bootstrap.entered", r.bootstrap.entered);
  Line(out, "num.bootstrap.left", r.bootstrap.left);
  Line(out, "num.bootstrap.unreachable", r.bootstrap.unreachable);
  Line(out, "num.bootstrap.probes", r.bootstrap.probes);
  Line(out, "num.relay.answers", r.bootstrap.relay_answers);
  Line(out, "num.relay.failures", r.bootstrap.relay_failures);
}

}  // namespace

std::string UnboundStatsText(const StatsReport& report, bool extended) {
  std::string out;
  for (size_t i = 0; i < report.threads.size(); ++i) {
    ThreadLines(&out, absl::StrCat("thread", i), report.threads[i]);
  }
  ThreadLines(&out, "total", report.total);
  absl::StrAppend(&out, "time.now=", Seconds(report.now - absl::UnixEpoch()), "\n");
  absl::StrAppend(&out, "time.up=", Seconds(report.now - report.started), "\n");
  absl::StrAppend(&out, "time.elapsed=", Seconds(report.now - report.last_reset), "\n");
  if (extended) ExtendedLines(&out, report);
  ReboundLines(&out, report);
  return out;
}

}  // namespace rebound
