#include "resolver/server/query_handler.h"

#include <memory>
#include <utility>

#include "resolver/core/log.h"
#include "resolver/wire/query_reader.h"
#include "resolver/wire/response_writer.h"

namespace rebound {
namespace {

constexpr size_t kTcpMaxMessage = 65535;

// Zone transfers are for authoritative servers; a resolver refuses them as unbound does.
bool IsRefusedType(uint16_t qtype) {
  return qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR;
}

}  // namespace

bool QueryHandler::Handle(std::span<const uint8_t> packet, const ClientInfo& client, Reply reply) {
  ++stats_.queries;
  // The ACL comes before any parsing, so a refused client costs almost nothing.
  const AccessAction action = acl_->Lookup(client.address);
  if (action == AccessAction::kDeny) {
    ++stats_.dropped;
    return false;
  }
  QueryView view;
  const QueryCheck check = ReadQuery(packet, &view);
  if (check == QueryCheck::kDrop) {
    ++stats_.dropped;
    return false;
  }
  if (action == AccessAction::kRefuse) {
    ++stats_.refused;
    reply(RenderErrorResponse(packet, view, LDNS_RCODE_REFUSED, edns_buffer_size_));
    return true;
  }
  if (check != QueryCheck::kOk) {
    ++stats_.malformed;
    reply(RenderErrorResponse(packet, view, *ErrorRcode(check), edns_buffer_size_));
    return true;
  }
  // unbound's allow serves only recursive queries: an RD=0 query asks what the cache holds,
  // which tells the asker what other clients looked up (cache snooping); allow_snoop permits it.
  if (IsRefusedType(view.qtype) || (!view.rd && action == AccessAction::kAllow)) {
    ++stats_.refused;
    reply(RenderErrorResponse(packet, view, LDNS_RCODE_REFUSED, edns_buffer_size_));
    return true;
  }
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, packet.data(), packet.size()) != LDNS_STATUS_OK) {
    ++stats_.malformed;
    reply(RenderErrorResponse(packet, view, LDNS_RCODE_FORMERR, edns_buffer_size_));
    return true;
  }
  if (action == AccessAction::kAllowSetRd) ldns_pkt_set_rd(parsed, true);

  ResponseOptions options;
  options.max_size = client.tcp
                         ? kTcpMaxMessage
                         : MaxUdpResponseSize(view.has_edns, view.edns_udp_size, edns_buffer_size_);
  options.query_had_edns = view.has_edns;
  options.edns_buffer_size = edns_buffer_size_;
  options.edns_do = view.edns_do;
  // Kept so that an answer that cannot be rendered still gets a SERVFAIL with the question.
  std::vector<uint8_t> head(packet.begin(), packet.begin() + view.question_end);
  auto request = std::make_unique<Request>(LdnsPktPtr(parsed), client, clock_->Now());
  pipeline_->Submit(std::move(request), [this, options, view, head = std::move(head),
                                         reply = std::move(reply)](Request& req) {
    absl::StatusOr<std::vector<uint8_t>> wire = RenderResponse(req.query(), *req.answer(), options);
    if (!wire.ok()) {
      ++stats_.render_failures;
      static RateLimiter limiter;
      if (limiter.Allow()) {
        Log(LogLevel::kError, "cannot render answer: %s", wire.status().ToString());
      }
      reply(RenderErrorResponse(head, view, LDNS_RCODE_SERVFAIL, edns_buffer_size_));
      return;
    }
    if (wire->size() > 2 && ((*wire)[2] & 0x02) != 0) ++stats_.truncated;
    reply(*std::move(wire));
  });
  return true;
}

}  // namespace rebound
