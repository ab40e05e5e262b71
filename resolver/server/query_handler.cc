#include "resolver/server/query_handler.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/core/log.h"
#include "resolver/server/client_tap.h"
#include "resolver/server/query_counting.h"
#include "resolver/server/query_log.h"
#include "resolver/wire/presentation.h"
#include "resolver/wire/response_writer.h"
#include "resolver/wire/wire_format.h"

namespace rebound {
namespace {

constexpr size_t kTcpMaxMessage = 65535;

// Zone transfers are for authoritative servers; a resolver refuses them as unbound does.
bool IsRefusedType(uint16_t qtype) {
  return qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR;
}

// Whether `wire` is `answer` rendered in full: any client asking the same question may be sent
// it. Not when it is truncated (TC), nor when the additional section was left out for size
// (RFC 2181 9), which RenderResponse does silently.
bool RenderedWhole(const std::vector<uint8_t>& wire, const ldns_pkt& answer, bool has_edns) {
  if (wire.size() < wire::kHeaderSize || (wire[wire::kFlags1Offset] & wire::kTcBit) != 0) {
    return false;
  }
  const size_t additional = ldns_pkt_additional(&answer) == nullptr
                                ? 0
                                : ldns_rr_list_rr_count(ldns_pkt_additional(&answer));
  return wire::Load16(wire, wire::kArcountOffset) == additional + (has_edns ? 1 : 0);
}

}  // namespace

QueryHandler::QueryHandler(const AccessControlList* acl, Pipeline* pipeline, const Clock* clock,
                           QueryHandlerOptions options)
    : acl_(acl),
      pipeline_(pipeline),
      clock_(clock),
      options_(std::move(options)),
      own_stats_(options_.stats == nullptr ? std::make_unique<WorkerStats>() : nullptr),
      stats_(options_.stats != nullptr ? options_.stats : own_stats_.get()) {}

QueryHandler::Handled QueryHandler::Handle(std::span<const uint8_t> packet,
                                           const ClientInfo& client, std::span<uint8_t> out,
                                           absl::FunctionRef<Reply()> make_reply) {
  if (!options_.log_replies && options_.dnstap == nullptr) {
    const Handled handled = HandleQuery(packet, client, out, make_reply);
    if (handled.outcome == Outcome::kAnswered) CountAnswer(out.first(handled.size), stats_);
    return handled;
  }
  // Every way out passes here: a response sent at once (from the packet cache when the hit
  // counter moved), or one the pipeline's Reply sends later, which is wrapped to log it first.
  const uint64_t hits_before = stats_->packet_cache_hits.value();
  const absl::Time received = clock_->Now();
  TapClientQuery(options_.dnstap, packet, client, received);
  const Handled handled = HandleQuery(packet, client, out, [&] {
    return Reply([this, client, received, reply = make_reply()](std::vector<uint8_t> response) {
      TapClientResponse(options_.dnstap, response, client, received, clock_->Now());
      if (options_.log_replies) LogReply(client, response, false, clock_->Now() - received);
      reply(std::move(response));
    });
  });
  if (handled.outcome == Outcome::kAnswered) {
    CountAnswer(out.first(handled.size), stats_);
    TapClientResponse(options_.dnstap, out.first(handled.size), client, received, clock_->Now());
    if (options_.log_replies) {
      LogReply(client, out.first(handled.size), stats_->packet_cache_hits.value() != hits_before,
               clock_->Now() - received);
    }
  }
  return handled;
}

void QueryHandler::LogReply(const ClientInfo& client, std::span<const uint8_t> response,
                            bool cached, absl::Duration elapsed) const {
  if (std::optional<std::string> line = ReplyLogLine(client.address, response, cached, elapsed)) {
    LogLine(LogLevel::kOps, *line);
  }
}

void QueryHandler::LogServfail(const Request& req, absl::string_view reason) const {
  if (!options_.log_servfail) return;
  LogLine(LogLevel::kError, ServfailLogLine(req.qname(), req.qtype(), req.qclass(), reason));
}

QueryHandler::Handled QueryHandler::HandleQuery(std::span<const uint8_t> packet,
                                                const ClientInfo& client, std::span<uint8_t> out,
                                                absl::FunctionRef<Reply()> make_reply) {
  stats_->queries.Add();
  // The ACL comes before any parsing, so a refused client costs almost nothing.
  const AccessAction action = acl_->Lookup(client.address, client.local);
  if (action == AccessAction::kDeny) {
    stats_->dropped.Add();
    stats_->unwanted_queries.Add();
    return {};
  }
  QueryView view;
  const QueryCheck check = ReadQuery(packet, &view);
  if (check == QueryCheck::kDrop) {
    stats_->dropped.Add();
    return {};
  }
  const uint16_t edns_size = options_.edns_buffer_size;
  if (action == AccessAction::kRefuse) {
    stats_->refused.Add();
    stats_->unwanted_queries.Add();
    return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_REFUSED, edns_size), out);
  }
  if (check != QueryCheck::kOk) {
    stats_->malformed.Add();
    return Immediate(RenderErrorResponse(packet, view, *ErrorRcode(check), edns_size), out);
  }
  CountQuery(packet, view, client, stats_);
  // Where unbound logs it: once the client is allowed and the question read, before local zones
  // and the cache answer it.
  if (options_.log_queries) {
    LdnsRdfPtr qname(ldns_dname_new_frm_data(static_cast<uint16_t>(view.Qname(packet).size()),
                                             view.Qname(packet).data()));
    LogLine(LogLevel::kOps,
            QueryLogLine(client.address, qname.get(), static_cast<ldns_rr_type>(view.qtype),
                         static_cast<ldns_rr_class>(view.qclass)));
  }
  if (IsRefusedType(view.qtype)) {
    stats_->refused.Add();
    return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_REFUSED, edns_size), out);
  }
  if (const LocalZones* zones =
          options_.local_zones != nullptr ? options_.local_zones->Get() : nullptr) {
    if (std::optional<Handled> local = AnswerLocally(*zones, packet, view, client, out)) {
      return *local;
    }
  }
  // unbound's allow serves only recursive queries: an RD=0 query asks what the cache holds,
  // which tells the asker what other clients looked up (cache snooping); allow_snoop permits it.
  if (!view.rd && action == AccessAction::kAllow) {
    stats_->refused.Add();
    return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_REFUSED, edns_size), out);
  }

  // The fast path. Only responses to plainly allowed queries are stored (always with RD=1, as
  // allow refuses RD=0), so an allow_setrd query without RD, whose response says RD=1, never
  // finds one under its key; with RD set, every allowed client gets the same response.
  // The client's view, decided here once: the key carries it and so does the Request.
  const bool dns64_view = InDns64View(client);
  const PacketCacheKey key(view.Qname(packet), view.qtype, view.qclass, KeyFlags(view, dns64_view));
  const size_t max_size = client.tcp
                              ? kTcpMaxMessage
                              : MaxUdpResponseSize(view.has_edns, view.edns_udp_size, edns_size);
  if (options_.packet_cache != nullptr) {
    bool refresh_due = false;
    const size_t size =
        options_.packet_cache->Lookup(key, view.id, view.Qname(packet), max_size, out,
                                      options_.prefetch ? &refresh_due : nullptr);
    if (size > 0) {
      stats_->packet_cache_hits.Add();
      stats_->cache_hits.Add();
      if (refresh_due) Prefetch(packet, client, dns64_view);
      return {Outcome::kAnswered, size};
    }
  }

  PendingAnswer pending{.view = view, .key = key, .action = action, .client = client};
  pending.client.dns64_view = dns64_view;
  pending.options.max_size = max_size;
  pending.options.query_had_edns = view.has_edns;
  pending.options.edns_buffer_size = edns_size;
  pending.options.edns_do = view.edns_do;
  return Submit(packet, std::move(pending), out, make_reply);
}

// The slow path: the query is parsed and goes to the pipeline, whose answer AnswerClient sends.
QueryHandler::Handled QueryHandler::Submit(std::span<const uint8_t> packet, PendingAnswer pending,
                                           std::span<uint8_t> out,
                                           absl::FunctionRef<Reply()> make_reply) {
  const QueryView view = pending.view;  // a copy: `pending` moves into the pipeline below
  const bool tcp = pending.client.tcp;
  const uint16_t edns_size = options_.edns_buffer_size;
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, packet.data(), packet.size()) != LDNS_STATUS_OK) {
    stats_->malformed.Add();
    return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_FORMERR, edns_size), out);
  }
  if (pending.action == AccessAction::kAllowSetRd) ldns_pkt_set_rd(parsed, true);
  // Kept so that an answer that cannot be rendered still gets a SERVFAIL with the question.
  pending.head.assign(packet.begin(), packet.begin() + view.question_end);
  pending.reply = make_reply();
  auto request = std::make_unique<Request>(LdnsPktPtr(parsed), pending.client, clock_->Now());
  const uint64_t request_id = pipeline_->Submit(
      std::move(request),
      [this, pending = std::move(pending)](Request& req) { AnswerClient(pending, req); });
  if (request_id != 0) return {Outcome::kPending, 0, request_id};
  // No room (num-queries-per-thread, or the client's share of it), and nothing old enough to
  // make room: dropped as unbound drops it, or SERVFAIL on a connection.
  stats_->overloaded.Add();
  if (!tcp) return {};
  return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_SERVFAIL, edns_size), out);
}

void QueryHandler::AnswerClient(const PendingAnswer& pending, Request& req) {
  const uint16_t edns_size = options_.edns_buffer_size;
  auto send = [&](std::vector<uint8_t> response) {
    CountAnswer(response, stats_);
    pending.reply(std::move(response));
  };
  // Dropped to make room (jostled), or by flush_requestlist: a UDP client asks again, as it
  // would of unbound; one on a connection is told, so that it does not wait on an answer that
  // never comes (unbound closes the connection instead).
  if (req.dropped()) {
    if (!req.flushed()) stats_->overloaded.Add();
    if (req.client().tcp) {
      LogServfail(req, req.flushed()
                           ? "dropped by flush_requestlist"
                           : "dropped to make room for newer queries (num-queries-per-thread)");
      send(RenderErrorResponse(pending.head, pending.view, LDNS_RCODE_SERVFAIL, edns_size));
    }
    return;
  }
  CountCompletion(req);
  ResponseOptions with_ede = pending.options;
  if (const std::optional<ExtendedDnsError>& ede = req.extended_error()) {
    with_ede.ede_info_code = ede->info_code;  // RFC 8914, e.g. 22 when nothing answered
    with_ede.ede_extra_text = ede->extra_text;
  }
  absl::StatusOr<std::vector<uint8_t>> wire = RenderResponse(req.query(), *req.answer(), with_ede);
  if (!wire.ok()) {
    stats_->render_failures.Add();
    static RateLimiter limiter;
    if (limiter.Allow())
      Log(LogLevel::kError, "cannot render answer: %s", wire.status().ToString());
    LogServfail(req, "the answer could not be rendered");
    send(RenderErrorResponse(pending.head, pending.view, LDNS_RCODE_SERVFAIL, edns_size));
    return;
  }
  if (ldns_pkt_get_rcode(req.answer()) == LDNS_RCODE_SERVFAIL) {
    // The extended error's text is the pipeline's reason (RFC 8914), as unbound gives its own.
    const std::optional<ExtendedDnsError>& ede = req.extended_error();
    LogServfail(req, !ede.has_value()           ? "no reason recorded"
                     : !ede->extra_text.empty() ? ede->extra_text
                                                : absl::StrCat("extended error ", ede->info_code));
  }
  if (wire->size() > 2 && ((*wire)[2] & 0x02) != 0) stats_->truncated.Add();
  // Only what the access control plainly allowed is stored: allow_snoop and allow_setrd change
  // what is answered (RD), and their responses must not reach other clients. Insert itself
  // refuses SERVFAIL, TC and anything without a TTL.
  // A stale answer (serve-expired) is for this client once, never for the packet cache.
  const bool storable = options_.packet_cache != nullptr &&
                        pending.action == AccessAction::kAllow && !req.answer_stale();
  if (storable && RenderedWhole(*wire, *req.answer(), pending.options.query_had_edns)) {
    options_.packet_cache->Insert(pending.key, *wire);
  }
  send(*std::move(wire));
}

void QueryHandler::CountCompletion(const Request& req) {
  if (!req.waited()) {
    stats_->cache_hits.Add();
    return;
  }
  // It waited for a server or a relay (or a child that did): a cache miss, whose time from
  // arrival to answer is what unbound's recursion.time and histogram report.
  stats_->cache_misses.Add();
  const absl::Duration elapsed = clock_->Now() - req.received();
  stats_->recursion_count.Add();
  stats_->recursion_micros.Add(
      static_cast<uint64_t>(std::max<int64_t>(0, absl::ToInt64Microseconds(elapsed))));
  stats_->recursion_histogram[TimeHistogramBucket(elapsed)].Add();
}

std::optional<QueryHandler::Handled> QueryHandler::AnswerLocally(const LocalZones& zones,
                                                                 std::span<const uint8_t> packet,
                                                                 const QueryView& view,
                                                                 const ClientInfo& client,
                                                                 std::span<uint8_t> out) {
  LocalAnswer local = zones.Answer(view.Qname(packet), view.qtype, view.qclass);
  if (local.kind == LocalAnswer::Kind::kResolve) return std::nullopt;
  stats_->local_answers.Add();
  stats_->cache_hits.Add();  // as unbound counts its local zones' answers
  if (local.inform) {
    // unbound's inform line: zone, client address@port, question.
    LdnsRdfPtr qname(ldns_dname_new_frm_data(static_cast<uint16_t>(view.Qname(packet).size()),
                                             view.Qname(packet).data()));
    Log(LogLevel::kOps, "%s inform %s %s %s IN", std::string(local.zone), client.address.ToString(),
        NameString(qname.get()), TypeString(static_cast<ldns_rr_type>(view.qtype)));
  }
  const uint16_t edns_size = options_.edns_buffer_size;
  if (local.kind == LocalAnswer::Kind::kDrop) return Handled{};
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, packet.data(), packet.size()) != LDNS_STATUS_OK) {
    stats_->malformed.Add();
    return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_FORMERR, edns_size), out);
  }
  LdnsPktPtr query(parsed);
  LdnsPktPtr answer(ldns_pkt_new());
  ldns_pkt_set_rcode(answer.get(), local.rcode);
  ldns_pkt_set_aa(answer.get(), true);  // unbound answers its local zones authoritatively
  if (local.answer != nullptr) {
    ldns_pkt_push_rr_list(answer.get(), LDNS_SECTION_ANSWER, local.answer.get());
  }
  if (local.authority != nullptr) {
    ldns_pkt_push_rr_list(answer.get(), LDNS_SECTION_AUTHORITY, local.authority.get());
  }
  // The packet holds the records now; only the emptied lists are freed.
  for (LdnsRrListPtr* list : {&local.answer, &local.authority}) {
    if (*list != nullptr) ldns_rr_list_free(list->release());
  }
  ResponseOptions options{
      .max_size = client.tcp ? kTcpMaxMessage
                             : MaxUdpResponseSize(view.has_edns, view.edns_udp_size, edns_size),
      .query_had_edns = view.has_edns,
      .edns_buffer_size = edns_size,
      .edns_do = view.edns_do};
  absl::StatusOr<std::vector<uint8_t>> wire = RenderResponse(*query, *answer, options);
  if (!wire.ok()) {
    stats_->render_failures.Add();
    return Immediate(RenderErrorResponse(packet, view, LDNS_RCODE_SERVFAIL, edns_size), out);
  }
  return Immediate(*wire, out);
}

void QueryHandler::Prefetch(std::span<const uint8_t> packet, const ClientInfo& client,
                            bool dns64_view) {
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, packet.data(), packet.size()) != LDNS_STATUS_OK) return;
  ClientInfo with_view = client;
  with_view.dns64_view = dns64_view;
  // Turned away when the pipeline is full: a prefetch never takes a client's room.
  pipeline_->SubmitBackground(
      std::make_unique<Request>(LdnsPktPtr(parsed), std::move(with_view), clock_->Now()),
      /*prefetch=*/true);
}

void QueryHandler::Abandon(uint64_t request) { pipeline_->Abandon(request); }

QueryHandler::Handled QueryHandler::HandleOversized(std::span<const uint8_t> head,
                                                    const ClientInfo& client,
                                                    std::span<uint8_t> out) {
  stats_->queries.Add();
  QueryView view;
  if (acl_->Lookup(client.address, client.local) == AccessAction::kDeny ||
      ReadQuery(head.first(std::min(head.size(), wire::kHeaderSize)), &view) == QueryCheck::kDrop) {
    stats_->dropped.Add();
    return {};
  }
  // Only the header was read (the question is not echoed: it may be cut), so no OPT either.
  stats_->malformed.Add();
  QueryView header_only = view;
  header_only.question_read = false;
  header_only.has_edns = false;
  return Immediate(
      RenderErrorResponse(head, header_only, LDNS_RCODE_FORMERR, options_.edns_buffer_size), out);
}

uint8_t QueryHandler::KeyFlags(const QueryView& view, bool dns64_view) const {
  uint8_t flags = 0;
  if (view.rd) flags |= PacketCacheKey::kRd;
  if (view.cd) flags |= PacketCacheKey::kCd;
  if (view.has_edns) flags |= PacketCacheKey::kEdns;
  if (view.has_edns && view.edns_do) flags |= PacketCacheKey::kDo;
  if (dns64_view) flags |= PacketCacheKey::kDns64;
  return flags;
}

// The one place the DNS64 view is decided (Dns64Stage reads ClientInfo::dns64_view).
bool QueryHandler::InDns64View(const ClientInfo& client) const {
  if (!options_.dns64_enabled) return false;
  if (options_.dns64_clients.empty()) return true;
  return std::any_of(options_.dns64_clients.begin(), options_.dns64_clients.end(),
                     [&](const AddressRange& range) { return range.Contains(client.address); });
}

QueryHandler::Handled QueryHandler::Immediate(const std::vector<uint8_t>& message,
                                              std::span<uint8_t> out) {
  if (message.empty() || message.size() > out.size()) return {};
  std::memcpy(out.data(), message.data(), message.size());
  return {Outcome::kAnswered, message.size()};
}

}  // namespace rebound
