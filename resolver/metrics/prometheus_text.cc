#include "resolver/metrics/prometheus_text.h"

#include <ldns/ldns.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// A label pair, name="value"; the values are mnemonics and numbers, escaped all the same.
using Label = std::pair<absl::string_view, std::string>;

// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Appends families to one string. Every sample of a family must follow its HELP and TYPE lines
// with no other family in between (the format's one grouping rule).
class Exposition {
 public:
  void Family(absl::string_view name, absl::string_view type, absl::string_view help) {
    absl::StrAppend(&text_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  }
  void Sample(absl::string_view name, std::initializer_list<Label> labels,
              absl::string_view value) {
    absl::StrAppend(&text_, name);
    if (labels.size() > 0) {
      text_.push_back('{');
      bool first = true;
      for (const Label& label : labels) {
        absl::StrAppend(&text_, first ? "" : ",", label.first, "=\"",
                        EscapeLabelValue(label.second), "\"");
        first = false;
      }
      text_.push_back('}');
    }
    absl::StrAppend(&text_, " ", value, "\n");
  }
  void Sample(absl::string_view name, std::initializer_list<Label> labels, uint64_t value) {
    Sample(name, labels, absl::StrCat(value));
  }
  // A family of one sample without labels.
  void Single(absl::string_view name, absl::string_view type, absl::string_view help,
              uint64_t value) {
    Family(name, type, help);
    Sample(name, {}, value);
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

// The query types listed even when none was asked, so a dashboard's series exist from the
// start: the ones a stub resolver asks every day.
constexpr uint16_t kCommonTypes[] = {
    LDNS_RR_TYPE_A,      LDNS_RR_TYPE_NS,   LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_PTR,
    LDNS_RR_TYPE_MX,     LDNS_RR_TYPE_TXT,  LDNS_RR_TYPE_AAAA,  LDNS_RR_TYPE_SRV, LDNS_RR_TYPE_DS,
    LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_SVCB, LDNS_RR_TYPE_HTTPS, LDNS_RR_TYPE_ANY};

// NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED: the rcodes a resolver sends.
constexpr size_t kCommonRcodes = 6;

bool IsCommonType(size_t type) {
  return std::find(std::begin(kCommonTypes), std::end(kCommonTypes), type) !=
         std::end(kCommonTypes);
}

// ldns' mnemonic, or RFC 3597's TYPE65000 for a type it does not know.
std::string TypeMnemonic(size_t type) { return TypeString(static_cast<ldns_rr_type>(type)); }

void AddQueryCounters(const StatsTotals& t, Exposition* out) {
  out->Single("rebound_queries_total", "counter", "Queries received, answered or not.", t.queries);

  out->Family("rebound_queries_by_type_total", "counter",
              "Queries by question type; types 256 and above together as \"other\".");
  for (size_t type = 0; type < t.query_types.size(); ++type) {
    if (t.query_types[type] == 0 && !IsCommonType(type)) continue;
    out->Sample("rebound_queries_by_type_total", {{"type", TypeMnemonic(type)}},
                t.query_types[type]);
  }
  out->Sample("rebound_queries_by_type_total", {{"type", "other"}}, t.query_type_other);

  out->Family("rebound_queries_by_class_total", "counter", "Queries by question class.");
  for (size_t klass = 0; klass < t.query_classes.size(); ++klass) {
    if (t.query_classes[klass] == 0 && klass != LDNS_RR_CLASS_IN) continue;
    out->Sample("rebound_queries_by_class_total",
                {{"class", TakeLdnsString(ldns_rr_class2str(static_cast<ldns_rr_class>(klass)))}},
                t.query_classes[klass]);
  }

  out->Family("rebound_queries_by_opcode_total", "counter", "Queries by opcode.");
  for (size_t opcode = 0; opcode < t.opcodes.size(); ++opcode) {
    if (t.opcodes[opcode] == 0 && opcode != LDNS_PACKET_QUERY) continue;
    out->Sample(
        "rebound_queries_by_opcode_total",
        {{"opcode", TakeLdnsString(ldns_pkt_opcode2str(static_cast<ldns_pkt_opcode>(opcode)))}},
        t.opcodes[opcode]);
  }

  out->Single("rebound_queries_tcp_total", "counter", "Queries over TCP, TLS or HTTPS.", t.tcp);
  out->Single("rebound_queries_tls_total", "counter", "Queries over DNS over TLS.", t.tls);
  out->Single("rebound_queries_https_total", "counter", "Queries over DNS over HTTPS.", t.https);
  out->Single("rebound_queries_ipv6_total", "counter", "Queries from IPv6 clients.", t.ipv6);
  out->Single("rebound_queries_edns_total", "counter", "Queries with an OPT record.",
              t.edns_present);
  out->Single("rebound_queries_edns_do_total", "counter", "Queries with the DO bit set.",
              t.edns_do);
  out->Single("rebound_queries_dropped_total", "counter",
              "Queries dropped: denied by access-control, or too broken to answer.", t.dropped);
  out->Single("rebound_queries_refused_total", "counter", "Queries refused by access-control.",
              t.refused);
  out->Single("rebound_queries_malformed_total", "counter",
              "Queries answered with FORMERR, NOTIMP or BADVERS.", t.malformed);
  out->Single("rebound_queries_overloaded_total", "counter",
              "Queries turned away or dropped for want of room in the request list.", t.overloaded);
}

void AddAnswerCounters(const StatsTotals& t, Exposition* out) {
  out->Family("rebound_answers_total", "counter", "Answers sent, by rcode.");
  for (size_t rcode = 0; rcode < t.answer_rcodes.size(); ++rcode) {
    if (t.answer_rcodes[rcode] == 0 && rcode >= kCommonRcodes) continue;
    out->Sample("rebound_answers_total",
                {{"rcode", TakeLdnsString(ldns_pkt_rcode2str(static_cast<ldns_pkt_rcode>(rcode)))}},
                t.answer_rcodes[rcode]);
  }
  out->Single("rebound_answers_nodata_total", "counter",
              "NOERROR answers with an empty answer section.", t.answer_nodata);
  out->Single("rebound_answers_truncated_total", "counter", "Answers sent with TC=1.", t.truncated);
  out->Single("rebound_answer_render_failures_total", "counter",
              "Answers that could not be rendered.", t.render_failures);
  out->Single("rebound_cache_hits_total", "counter",
              "Queries answered without asking a server or relay.", t.cache_hits);
  out->Single("rebound_packet_cache_hits_total", "counter",
              "Of the cache hits, those the packet cache answered.", t.packet_cache_hits);
  out->Single("rebound_cache_misses_total", "counter",
              "Queries that went to the iterator or the relays.", t.cache_misses);
  out->Single("rebound_local_answers_total", "counter",
              "Queries answered or dropped by a local zone.", t.local_answers);
  out->Single("rebound_prefetches_total", "counter", "Cache refreshes started by prefetch.",
              t.prefetches);
  out->Single("rebound_expired_answers_total", "counter",
              "Stale answers served (serve-expired, RFC 8767).", t.expired);
  out->Single("rebound_dns64_synthesized_total", "counter",
              "AAAA answers synthesized from A records (RFC 6147).", t.dns64_synthesized);
  out->Single("rebound_dnstap_dropped_total", "counter",
              "dnstap messages dropped because a worker's queue to the collector was full.",
              t.dnstap_dropped);
}

// The request list (num-queries-per-thread): its length now per thread, its largest, and the
// requests it could not keep.
void AddRequestListFigures(const StatsReport& report, Exposition* out) {
  const StatsTotals& t = report.total;
  out->Family("rebound_requestlist_current", "gauge", "Requests in a worker's request list now.");
  if (report.threads.empty()) {
    out->Sample("rebound_requestlist_current", {}, t.requestlist_current);
  }
  for (size_t i = 0; i < report.threads.size(); ++i) {
    out->Sample("rebound_requestlist_current", {{"thread", absl::StrCat(i)}},
                report.threads[i].requestlist_current);
  }
  out->Single("rebound_requestlist_max", "gauge", "The longest any worker's request list has been.",
              t.requestlist_max);
  out->Single("rebound_requestlist_overwritten_total", "counter",
              "Requests dropped to make room for a newer one.", t.requestlist_overwritten);
  out->Single("rebound_requestlist_exceeded_total", "counter",
              "Requests turned away by a full request list.", t.requestlist_exceeded);
  // The average length, as unbound's requestlist.avg: rate(length_sum) / rate(samples).
  out->Single("rebound_requestlist_length_sum_total", "counter",
              "The request list's length at each arrival, summed.", t.requestlist_sum);
  out->Single("rebound_requestlist_samples_total", "counter",
              "Arrivals whose request list length was summed.", t.requestlist_samples);
}

// unbound's buckets (worker_stats.h) as a Prometheus histogram: le="upper bound of bucket i"
// counts it and everything below; the last bucket is open (+Inf).
void AddResolutionHistogram(const StatsTotals& t, Exposition* out) {
  constexpr absl::string_view kName = "rebound_resolution_duration_seconds";
  out->Family(kName, "histogram",
              "Time from a cache miss's arrival to its answer (unbound's histogram bounds: "
              "powers of two of microseconds below 1 s, of seconds above).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i + 1 < kTimeHistogramBuckets; ++i) {
    cumulative += t.recursion_histogram[i];
    out->Sample("rebound_resolution_duration_seconds_bucket",
                {{"le", SecondsFromMicros(static_cast<int64_t>(TimeHistogramUpperMicros(i)))}},
                cumulative);
  }
  cumulative += t.recursion_histogram[kTimeHistogramBuckets - 1];
  // +Inf and _count from the buckets themselves, so the two always agree.
  out->Sample("rebound_resolution_duration_seconds_bucket", {{"le", "+Inf"}}, cumulative);
  out->Sample("rebound_resolution_duration_seconds_sum", {},
              SecondsFromMicros(static_cast<int64_t>(t.recursion_micros)));
  out->Sample("rebound_resolution_duration_seconds_count", {}, cumulative);
}

void AddCacheFigures(const CacheFigures& c, Exposition* out) {
  out->Family("rebound_cache_bytes", "gauge",
              "Memory held by a cache (message: the negative and packet caches).");
  out->Sample("rebound_cache_bytes", {{"cache", "rrset"}}, c.rrset_bytes);
  out->Sample("rebound_cache_bytes", {{"cache", "message"}}, c.message_bytes);
  out->Family("rebound_cache_entries", "gauge", "Entries in a cache.");
  out->Sample("rebound_cache_entries", {{"cache", "rrset"}}, c.rrset_entries);
  out->Sample("rebound_cache_entries", {{"cache", "message"}}, c.message_entries);
  out->Sample("rebound_cache_entries", {{"cache", "infra"}}, c.infra_entries);
}

void AddBootstrapFigures(const StatsReport& report, Exposition* out) {
  const BootstrapFigures& b = report.bootstrap;
  out->Single("rebound_bootstrap_enabled", "gauge",
              "1 when the bootstrap fallback is configured (bootstrap: is not no).",
              b.enabled ? 1 : 0);
  out->Single("rebound_bootstrap_mode", "gauge",
              "1 while in bootstrap mode (ordinary DNS unreachable, the relays answer).",
              b.active ? 1 : 0);
  // A mode that never changed has held since the start.
  const absl::Time since = b.since == absl::InfinitePast() ? report.started : b.since;
  out->Family("rebound_bootstrap_mode_since_seconds", "gauge",
              "When the current mode (bootstrap or not) began, in seconds since the epoch.");
  out->Sample("rebound_bootstrap_mode_since_seconds", {},
              SecondsFromMicros(absl::ToUnixMicros(since)));
  out->Single("rebound_bootstrap_entered_total", "counter", "Times bootstrap mode was entered.",
              b.entered);
  out->Single("rebound_bootstrap_left_total", "counter", "Times bootstrap mode was left.", b.left);
  out->Single("rebound_bootstrap_unreachable_total", "counter",
              "Client queries that found ordinary DNS unreachable.", b.unreachable);
  out->Single("rebound_bootstrap_probes_total", "counter",
              "Probes of the root servers or forwarders by the health monitor.", b.probes);
  out->Single("rebound_relay_answers_total", "counter", "Answers from the bootstrap relays.",
              b.relay_answers);
  out->Single("rebound_relay_failures_total", "counter",
              "Failed attempts to ask a bootstrap relay.", b.relay_failures);
}

void AddProcessFigures(const StatsReport& report, Exposition* out) {
  out->Family("rebound_process_start_time_seconds", "gauge",
              "When the process started, in seconds since the epoch.");
  out->Sample("rebound_process_start_time_seconds", {},
              SecondsFromMicros(absl::ToUnixMicros(report.started)));
  out->Single("rebound_process_resident_memory_bytes", "gauge", "The process's resident set size.",
              report.memory_bytes);
}

}  // namespace

std::string SecondsFromMicros(int64_t micros) {
  const bool negative = micros < 0;
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  std::string text = absl::StrFormat("%s%d.%06d", negative ? "-" : "", magnitude / 1'000'000,
                                     magnitude % 1'000'000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string PrometheusText(const StatsReport& report) {
  Exposition out;
  AddQueryCounters(report.total, &out);
  AddAnswerCounters(report.total, &out);
  AddRequestListFigures(report, &out);
  AddResolutionHistogram(report.total, &out);
  AddCacheFigures(report.caches, &out);
  AddBootstrapFigures(report, &out);
  AddProcessFigures(report, &out);
  return out.Take();
}

}  // namespace rebound
