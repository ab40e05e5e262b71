#include "tests/replay/replay_harness.h"

#include <gtest/gtest.h>

#include <utility>

#include "bootstrap/bootstrap_stage.h"
#include "resolver/cache/any_query_stage.h"
#include "resolver/cache/cache_stage.h"
#include "resolver/iterator/iterator_stage.h"

namespace rebound::replay {
namespace {

// More replies than any scenario needs: a resolver that keeps asking is a failure, not a hang.
constexpr int kMaxDeliveries = 2000;

// main.cc's kBudgetWithoutReply, which SetUpBootstrap gives the iterator with `bootstrap: yes`:
// a query that hears nothing at all gives up this early, so the relays can still answer in time.
constexpr absl::Duration kBudgetWithoutReply = absl::Seconds(3);

// Passes every call on to the real stage, noting for each request which stage saw its question
// last: the one whose OnQuery produced the answer.
class ObservedStage : public Stage {
 public:
  ObservedStage(std::string name, Stage* stage, std::map<uint64_t, std::string>* last_asked)
      : name_(std::move(name)), stage_(stage), last_asked_(last_asked) {}

  StageResult OnQuery(Request& req) override {
    (*last_asked_)[req.handle().id()] = name_;
    return stage_->OnQuery(req);
  }
  StageResult OnAnswer(Request& req) override { return stage_->OnAnswer(req); }
  void OnCancel(Request& req) override { stage_->OnCancel(req); }

 private:
  const std::string name_;
  Stage* const stage_;
  std::map<uint64_t, std::string>* const last_asked_;
};

LdnsPktPtr BuildQuery(const ClientQuestion& question) {
  const uint16_t flags = (question.rd ? LDNS_RD : 0) | (question.cd ? LDNS_CD : 0);
  LdnsPktPtr query(ldns_pkt_query_new(ldns_dname_new_frm_str(question.name.c_str()), question.type,
                                      question.qclass, flags));
  if (question.do_bit) {
    ldns_pkt_set_edns_do(query.get(), true);
    ldns_pkt_set_edns_udp_size(query.get(), 1232);
  }
  return query;
}

std::vector<std::string> SectionText(const ldns_rr_list* section) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    lines.push_back(RecordText(ldns_rr_list_rr(section, i)));
  }
  return lines;
}

std::string RcodeName(ldns_pkt_rcode rcode) {
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  return entry != nullptr ? entry->name : "RCODE" + std::to_string(rcode);
}

Endpoint ServerEndpoint(const std::string& address) {
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(address, 53);
  EXPECT_TRUE(endpoint.ok()) << address;
  return endpoint.ok() ? *endpoint : Endpoint();
}

}  // namespace

ReplayHarness::ReplayHarness(FakeInternet internet, ReplayOptions options)
    : options_(std::move(options)), internet_(std::move(internet)) {
  delegations_ = std::make_unique<DelegationFinder>(&rrsets_, *internet_.RootHints());
  BuildStages();
  std::vector<Stage*> in_order;
  for (const std::unique_ptr<Stage>& stage : observed_) in_order.push_back(stage.get());
  pipeline_ = std::make_unique<Pipeline>(std::move(in_order), options_.limits);
  RunUntilIdle();  // the priming of `root_primed`
  startup_upstream_ = Upstream();
  ForgetUpstream();
}

ReplayHarness::~ReplayHarness() = default;

// resolver/main.cc MakeStageFactory:
//   AnyQueryStage -> [Dns64Stage] -> CacheStage -> [BootstrapStage] -> IteratorStage
void ReplayHarness::BuildStages() {
  IteratorOptions iterator_options;
  iterator_options.qname_minimisation = options_.qname_minimisation;
  iterator_options.harden_glue = options_.harden_glue;
  iterator_options.private_addresses = options_.private_addresses;
  if (options_.bootstrap == BootstrapMode::kYes) {
    iterator_options.budget_without_reply = kBudgetWithoutReply;
  }
  auto iterator = std::make_unique<IteratorStage>(
      IteratorContext{&transport_, &rrsets_, &negatives_, &writer_, &infra_, delegations_.get(),
                      &clock_, iterator_options});
  // The scenario starts where an earlier query's priming left the cache (never with `bootstrap:
  // only`, which asks no ordinary server); the daemon itself primes only when a query needs it.
  if (options_.root_primed && options_.bootstrap != BootstrapMode::kOnly) {
    iterator->resolver().Prime();
  }
  std::unique_ptr<Stage> bootstrap = MakeBootstrapStage(*iterator);
  std::vector<std::string> names;
  stages_.push_back(std::make_unique<AnyQueryStage>(&rrsets_, &negatives_));
  names.push_back("any");
  if (options_.dns64) {
    // Its A and PTR lookups are child requests (RequestHandle::SubmitChild) through the stages
    // below it, as a client's question would go: no wiring to the iterator of its own.
    stages_.push_back(std::make_unique<Dns64Stage>(*options_.dns64));
    names.push_back("dns64");
  }
  CacheStageOptions cache_options = options_.cache_stage;
  cache_options.stats = stats_.get();
  cache_options.timers = timers_;
  stages_.push_back(std::make_unique<CacheStage>(&rrsets_, &negatives_, &writer_, cache_options));
  names.push_back("cache");
  if (bootstrap != nullptr) {
    stages_.push_back(std::move(bootstrap));
    names.push_back("bootstrap");
  }
  stages_.push_back(std::move(iterator));
  names.push_back("iterator");
  for (size_t i = 0; i < stages_.size(); ++i) {
    observed_.push_back(
        std::make_unique<ObservedStage>(names[i], stages_[i].get(), &last_stage_asked_));
  }
}

std::unique_ptr<Stage> ReplayHarness::MakeBootstrapStage(IteratorStage& iterator) {
  if (options_.bootstrap == BootstrapMode::kNo) return nullptr;
  health_ = std::make_unique<HealthMonitor>(options_.bootstrap, &clock_);
  auto relays = std::make_unique<ReplayRelays>(options_.bootstrap_max_ttl);
  relays_ = relays.get();
  // main.cc's probe: the iterator's own question to the root servers, so it goes out through
  // the replay transport and hears (or does not hear) what the scripted internet says.
  IterativeResolver* resolver = &iterator.resolver();
  return std::make_unique<BootstrapStage>(
      health_.get(), std::move(relays),
      [resolver](std::function<void(ProbeOutcome)> done) {
        resolver->Probe([done = std::move(done)](IterativeResolver::ProbeReport report) {
          done(report.reached          ? ProbeOutcome::kReached
               : report.failed_locally ? ProbeOutcome::kInconclusive
                                       : ProbeOutcome::kUnreachable);
        });
      },
      /*scope=*/nullptr, &options_.private_addresses);
}

size_t ReplayHarness::Submit(const ClientQuestion& question) {
  const size_t client = clients_.size();
  clients_.emplace_back();
  ClientInfo info{*Endpoint::Parse("198.18.0.1", 40000)};
  info.dns64_view = question.dns64_view;
  auto request = std::make_unique<Request>(BuildQuery(question), info, clock_.Now());
  const uint64_t id =
      pipeline_->Submit(std::move(request), [this, client](Request& req) { Record(client, req); });
  EXPECT_NE(id, 0u) << "the Pipeline turned " << question.name << " away";
  clients_[client].request_id = id;
  return client;
}

void ReplayHarness::Record(size_t client, Request& req) {
  ClientAnswer& out = clients_.at(client).answer;
  out.answered = true;
  out.dropped = req.dropped();
  const ldns_pkt* answer = req.answer();
  out.rcode = RcodeName(ldns_pkt_get_rcode(answer));
  out.aa = ldns_pkt_aa(answer);
  out.answer = SectionText(ldns_pkt_answer(answer));
  out.authority = SectionText(ldns_pkt_authority(answer));
  out.additional = SectionText(ldns_pkt_additional(answer));
  if (req.extended_error()) out.ede = req.extended_error()->info_code;
  auto stage = last_stage_asked_.find(req.handle().id());
  if (stage != last_stage_asked_.end()) out.answered_by = stage->second;
}

ClientAnswer ReplayHarness::Ask(const ClientQuestion& question) {
  const size_t client = Submit(question);
  EXPECT_TRUE(RunUntilAnswered(client)) << question.name << " was never answered";
  RunUntilIdle();
  return answer(client);
}

bool ReplayHarness::RunUntilAnswered(size_t client) {
  for (int delivered = 0; !answer(client).answered && delivered < kMaxDeliveries; ++delivered) {
    if (!DeliverNext()) break;
  }
  return answer(client).answered;
}

void ReplayHarness::RunUntilIdle() {
  int delivered = 0;
  while (delivered < kMaxDeliveries && DeliverNext()) ++delivered;
  EXPECT_LT(delivered, kMaxDeliveries) << "the resolver never stopped asking";
}

bool ReplayHarness::DeliverNext() {
  if (timers_->FireDue()) return true;
  if (relays_ != nullptr && relays_->AnswerNext()) return true;
  if (transport_.DeliverNext()) return true;
  // Nothing else will happen before the next timer: the clock moves on to it.
  return timers_->AdvanceToNext();
}

void ReplayHarness::Cancel(size_t client) { pipeline_->Cancel(clients_.at(client).request_id); }

void ReplayHarness::Abandon(size_t client) { pipeline_->Abandon(clients_.at(client).request_id); }

std::vector<std::string> ReplayHarness::Upstream() const {
  std::vector<std::string> out;
  for (const UpstreamQuery& query : transport_.sent()) out.push_back(query.ToString());
  return out;
}

void ReplayHarness::ScriptRelay(const std::string& name, ldns_rr_type type, RelayReply reply) {
  relays().Script(name, type, std::move(reply));
}

std::vector<std::string> ReplayHarness::RelayQuestions() const {
  return relays_ != nullptr ? relays_->asked() : std::vector<std::string>{};
}

void ReplayHarness::ForgetRelayQuestions() { relays().ForgetAsked(); }

ReplayRelays& ReplayHarness::relays() {
  EXPECT_NE(relays_, nullptr) << "bootstrap is off in this scenario";
  return *relays_;
}

HealthMonitor& ReplayHarness::health() {
  EXPECT_NE(health_, nullptr) << "bootstrap is off in this scenario";
  return *health_;
}

void ReplayHarness::RankServers(const std::vector<std::string>& fastest_first) {
  for (size_t i = 0; i < fastest_first.size(); ++i) {
    infra_.RecordReply(ServerEndpoint(fastest_first[i]),
                       absl::Milliseconds(10) + static_cast<int64_t>(i) * absl::Seconds(1));
  }
}

std::vector<std::string> ReplayHarness::CachedRrset(const std::string& name,
                                                    ldns_rr_type type) const {
  LdnsRdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
  LdnsRrListPtr rrset = rrsets_.Lookup(owner.get(), type, LDNS_RR_CLASS_IN);
  return rrset != nullptr ? SectionText(rrset.get()) : std::vector<std::string>{};
}

std::string ReplayHarness::CachedNegative(const std::string& name, ldns_rr_type type) const {
  LdnsRdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
  std::optional<NegativeAnswer> negative = negatives_.Lookup(owner.get(), type, LDNS_RR_CLASS_IN);
  if (!negative.has_value()) return "";
  const char* kind = negative->rcode == LDNS_RCODE_NXDOMAIN ? "NXDOMAIN " : "NODATA ";
  return kind + RecordText(negative->soa.get());
}

}  // namespace rebound::replay
