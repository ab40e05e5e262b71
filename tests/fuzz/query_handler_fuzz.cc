// Feeds arbitrary datagrams to QueryHandler::Handle, the whole of what a listener does with a
// client's query: access control, the quick checks, the packet cache, the parse, a Pipeline whose
// stage answers at once, later or never (or no stage: SERVFAIL), and the rendered response.
// Each datagram is handled twice, so that the second may come from the packet cache, with room
// in the pipeline for one request at a time, so that a request still pending turns the second
// away. Checks every response, sent at once or through the Reply: it parses, has QR set, the
// query's ID when the query had one, the question's name as sent, fits the client's UDP size;
// a packet cache hit is what the pipeline sent the first time; and (LeakSanitizer) nothing leaks.
//
// Input: one option octet, then the datagram. Option bit 0: TCP rather than UDP; bits 1-3 the
// client (kClients: allowed, allow_snoop, allow_setrd, refused, denied); bits 4-6 the stage
// (Mode); bit 7 a packet cache.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "resolver/cache/packet_cache.h"
#include "resolver/config/access_control_list.h"
#include "resolver/core/clock.h"
#include "resolver/core/pipeline.h"
#include "resolver/server/query_handler.h"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/query_reader.h"
#include "resolver/wire/response_writer.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr uint16_t kEdnsBufferSize = 1232;
constexpr const char* kClients[] = {"127.0.0.1", "::1",          "10.1.2.3",  "172.16.0.9",
                                    "192.0.2.1", "198.51.100.7", "127.0.0.2", "::ffff:127.0.0.1"};

enum class Mode : uint8_t {
  kNoStages,  // the pipeline has nothing: SERVFAIL
  kAddress,   // an A/AAAA (TXT for other types) at once
  kNxdomain,  // NXDOMAIN with an SOA at once
  kLarge,     // twenty 200-octet TXT records: truncated over UDP
  kLater,     // the answer after Handle has returned
  kNever,     // pending until the pipeline goes
  kNothing,   // the stage passes and nobody answers: SERVFAIL
  kMixed,     // CNAME, glue, and an RCODE from the query's ID
};

const AccessControlList& Acl() {
  static const AccessControlList* acl = [] {
    auto* made = new AccessControlList();
    FUZZ_CHECK(made->Add("10.0.0.0/8", AccessAction::kAllowSnoop).ok());
    FUZZ_CHECK(made->Add("172.16.0.0/12", AccessAction::kAllowSetRd).ok());
    FUZZ_CHECK(made->Add("198.51.100.0/24", AccessAction::kDeny).ok());
    return made;
  }();
  return *acl;
}

ldns_rr* Record(const ldns_rdf* owner, ldns_rr_type type, uint32_t ttl, ldns_rdf* rdata) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
  ldns_rr_set_type(rr, type);
  ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr, ttl);
  ldns_rr_push_rdf(rr, rdata);
  return rr;
}

ldns_rdf* Text(char fill, size_t length) {
  std::vector<uint8_t> text(length + 1, static_cast<uint8_t>(fill));
  text[0] = static_cast<uint8_t>(length);
  return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, text.size(), text.data());
}

ldns_rr* AddressRecord(const ldns_rdf* owner, ldns_rr_type qtype) {
  static const uint8_t v4[4] = {192, 0, 2, 1};
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (qtype == LDNS_RR_TYPE_A) {
    return Record(owner, LDNS_RR_TYPE_A, 300, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, v4));
  }
  if (qtype == LDNS_RR_TYPE_AAAA) {
    return Record(owner, LDNS_RR_TYPE_AAAA, 300, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, v6));
  }
  return Record(owner, LDNS_RR_TYPE_TXT, 300, Text('t', 10));
}

LdnsPktPtr MakeAnswer(const Request& req, Mode mode) {
  LdnsPktPtr answer(ldns_pkt_new());
  ldns_pkt* pkt = answer.get();
  const ldns_rdf* qname = req.qname();
  switch (mode) {
    case Mode::kNxdomain: {
      ldns_rr* soa = nullptr;
      FUZZ_CHECK(ldns_rr_new_frm_str(&soa, "test. 900 IN SOA ns.test. host.test. 1 2 3 4 60", 0,
                                     nullptr, nullptr) == LDNS_STATUS_OK);
      ldns_pkt_set_rcode(pkt, LDNS_RCODE_NXDOMAIN);
      ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, soa);
      break;
    }
    case Mode::kLarge:
      for (int i = 0; i < 20; ++i) {
        ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER,
                         Record(qname, LDNS_RR_TYPE_TXT, 60, Text('a' + i, 200)));
      }
      break;
    case Mode::kMixed: {
      LdnsRdfPtr target(ldns_dname_new_frm_str("target.test."));
      ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER,
                       Record(qname, LDNS_RR_TYPE_CNAME, 3600, ldns_rdf_clone(target.get())));
      ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, AddressRecord(target.get(), req.qtype()));
      ldns_pkt_push_rr(pkt, LDNS_SECTION_ADDITIONAL, AddressRecord(target.get(), LDNS_RR_TYPE_A));
      ldns_pkt_set_rcode(pkt, static_cast<uint8_t>(ldns_pkt_id(&req.query()) & 0xf));
      ldns_pkt_set_aa(pkt, true);
      break;
    }
    default:
      ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, AddressRecord(qname, req.qtype()));
      break;
  }
  return answer;
}

class FuzzStage : public Stage {
 public:
  explicit FuzzStage(Mode mode) : mode_(mode) {}

  StageResult OnQuery(Request& req) override {
    if (mode_ == Mode::kNothing) return StageResult::kContinue;
    req.set_answer(MakeAnswer(req, mode_));
    if (mode_ == Mode::kMixed && ldns_pkt_get_rcode(req.answer()) == LDNS_RCODE_SERVFAIL) {
      req.set_extended_error(ExtendedDnsError{kEdeNoReachableAuthority, "fuzz"});
    }
    if (mode_ != Mode::kLater && mode_ != Mode::kNever) return StageResult::kDone;
    pending_.push_back(req.handle());
    return StageResult::kPending;
  }

  // What a transport's callback would do once Handle has returned.
  void ResumeAll() {
    if (mode_ != Mode::kLater) return;
    for (const RequestHandle& handle : std::exchange(pending_, {})) {
      handle.Resume(StageResult::kDone);
    }
  }

 private:
  const Mode mode_;
  std::vector<RequestHandle> pending_;
};

// Checks one response to `packet` (whatever path it came by) and returns a copy.
std::vector<uint8_t> CheckResponse(std::span<const uint8_t> packet, std::span<const uint8_t> wire,
                                   bool tcp) {
  ldns_pkt* parsed = nullptr;
  FUZZ_CHECK(ldns_wire2pkt(&parsed, wire.data(), wire.size()) == LDNS_STATUS_OK);
  LdnsPktPtr response(parsed);
  FUZZ_CHECK(ldns_pkt_qr(response.get()));
  if (packet.size() >= 2) FUZZ_CHECK(ldns_pkt_id(response.get()) == ((packet[0] << 8) | packet[1]));
  QueryView view;
  const QueryCheck check = ReadQuery(packet, &view);
  FUZZ_CHECK(check != QueryCheck::kDrop);  // a dropped query gets nothing at all
  if (!tcp) {
    FUZZ_CHECK(wire.size() <=
               MaxUdpResponseSize(view.has_edns, view.edns_udp_size, kEdnsBufferSize));
  }
  // The question as the client sent it, letter case included (0x20), when there is one.
  if (ldns_pkt_qdcount(response.get()) > 0) {
    const std::span<const uint8_t> qname = view.Qname(packet);
    FUZZ_CHECK(!qname.empty() && wire.size() >= 12 + qname.size());
    FUZZ_CHECK(std::memcmp(wire.data() + 12, qname.data(), qname.size()) == 0);
  }
  return std::vector<uint8_t>(wire.begin(), wire.end());
}

// One Handle, as a listener calls it, then what a transport does later. Returns the responses.
std::vector<std::vector<uint8_t>> HandleOnce(QueryHandler& handler, FuzzStage* stage,
                                             std::span<const uint8_t> packet,
                                             const ClientInfo& client) {
  std::vector<uint8_t> out(client.tcp ? 65535 : kEdnsBufferSize);
  std::vector<std::vector<uint8_t>> responses;
  int replies_made = 0;
  const QueryHandler::Handled handled = handler.Handle(packet, client, out, [&] {
    ++replies_made;
    return QueryHandler::Reply([&responses, &packet, tcp = client.tcp](std::vector<uint8_t> r) {
      responses.push_back(CheckResponse(packet, r, tcp));
    });
  });
  FUZZ_CHECK(replies_made <= 1);
  if (handled.outcome == QueryHandler::Outcome::kAnswered) {
    FUZZ_CHECK(responses.empty() && handled.size > 0 && handled.size <= out.size());
    responses.push_back(CheckResponse(packet, std::span(out).first(handled.size), client.tcp));
  } else if (handled.outcome == QueryHandler::Outcome::kPending) {
    FUZZ_CHECK(replies_made == 1 && handled.request != 0);
    if (stage != nullptr) stage->ResumeAll();
  } else {
    FUZZ_CHECK(responses.empty());
  }
  FUZZ_CHECK(responses.size() <= 1);
  return responses;
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  if (size < 1) return 0;
  static const FakeClock clock;
  const uint8_t options = data[0];
  const std::span<const uint8_t> packet(data + 1, size - 1);
  const ClientInfo client{*Endpoint::Parse(kClients[(options >> 1) & 7], 40000),
                          (options & 1) != 0};
  const Mode mode = static_cast<Mode>((options >> 4) & 7);

  std::unique_ptr<PacketCache> cache;
  if (options & 0x80)
    cache = std::make_unique<PacketCache>(PacketCacheOptions{.shards = 1}, &clock);
  std::unique_ptr<FuzzStage> stage;
  std::vector<Stage*> stages;
  if (mode != Mode::kNoStages) {
    stage = std::make_unique<FuzzStage>(mode);
    stages.push_back(stage.get());
  }
  Pipeline pipeline(stages, PipelineLimits{.max_requests = 1});
  QueryHandler handler(
      &Acl(), &pipeline, &clock,
      QueryHandlerOptions{.edns_buffer_size = kEdnsBufferSize, .packet_cache = cache.get()});
  const std::vector<std::vector<uint8_t>> first = HandleOnce(handler, stage.get(), packet, client);
  const uint64_t hits = handler.stats().packet_cache_hits.value();
  const std::vector<std::vector<uint8_t>> second = HandleOnce(handler, stage.get(), packet, client);
  // The clock has not moved: a hit is byte for byte what the pipeline sent (same ID, same case).
  if (handler.stats().packet_cache_hits.value() > hits) {
    FUZZ_CHECK(first.size() == 1 && second.size() == 1 && first[0] == second[0]);
  }
  return 0;
}
