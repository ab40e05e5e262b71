// The DNS64 stage (RFC 6147): AAAA records synthesized from A records for the clients that want
// them, PTR queries for synthesized addresses mapped back (5.3.1), and ipv4only.arpa answered
// locally (RFC 7050, RFC 8880).
#ifndef REBOUND_DNS64_DNS64_STAGE_H_
#define REBOUND_DNS64_DNS64_STAGE_H_

#include <functional>
#include <string>
#include <vector>

#include "dns64/address_range.h"
#include "dns64/dns64_synthesizer.h"
#include "resolver/core/stage.h"
#include "resolver/core/worker_stats.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct Dns64Options {
  Dns64Policy policy;
  std::vector<std::string> ignore_aaaa;  // names whose AAAA are ignored (dns64-ignore-aaaa)
};

// Ahead of the cache (main.cc has the stage order): synthesis happens on the way back, after
// the cache has stored the real answer, so the cache holds only real records and each client
// gets the view its dns64-clients entry gives it (ClientInfo::dns64_view; unbound caches the
// synthesized answer instead).
class Dns64Stage : public Stage {
 public:
  // `stats` (the worker's counters; num.dns64.synthesized) may be null.
  explicit Dns64Stage(Dns64Options options, WorkerStats* stats = nullptr);

  StageResult OnQuery(Request& req) override;
  const char* name() const override { return "dns64"; }
  StageResult OnAnswer(Request& req) override;

 private:
  struct State;

  bool AppliesTo(const Request& req) const;
  bool IgnoresAaaaOf(const ldns_rdf* name) const;
  StageResult AnswerIpv4OnlyArpa(Request& req) const;
  StageResult AnswerPtr(Request& req, const ldns_rdf* in_addr_name);
  // Asks (name, type) in a child request, which the stages below answer as they would a client
  // (cache, relays, iterator), then runs `finish` with its RCODE and answer section and resumes
  // `req` with `when_done`.
  StageResult ResolveFor(Request& req, const ldns_rdf* name, ldns_rr_type type,
                         std::function<void(Request&, ldns_pkt_rcode, LdnsRrListPtr)> finish,
                         StageResult when_done);

  const Dns64Options options_;
  WorkerStats* const stats_;
  std::vector<LdnsRdfPtr> ignore_aaaa_;
};

}  // namespace rebound

#endif  // REBOUND_DNS64_DNS64_STAGE_H_
