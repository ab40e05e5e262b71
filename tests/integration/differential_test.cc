// Differential test: every question of differential_questions.txt is asked of rebound and of the
// reference unbound, both recursing from the loopback root hints over the same NSD hierarchy,
// and their RCODEs and answer sections must agree, TTLs aside; the list is asked twice, the second
// time mostly from the caches (but not in expired.test., whose records live 2 s). unbound is the
// oracle: a question on which they differ is a rebound bug unless unbound's answer is the
// questionable one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "resolver/wire/ldns_ptr.h"  // ldns itself, included the safe way
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;

constexpr char kReboundAddress[] = "127.0.0.10";
// Longer than unbound needs for the dead zone (about 1.5 s), so a slow answer is still compared.
constexpr absl::Duration kQueryTimeout = absl::Seconds(5);
// The whole run stops asking once this is spent (a rebound that times out on every question
// would otherwise outlast the ctest timeout); the questions left count as mismatches.
constexpr absl::Duration kRunBudget = absl::Seconds(200);
// The second round starts at least this long after the first ended, so that expired.test.'s
// 2-second records (its server's address among them) have expired in both caches by then.
constexpr absl::Duration kRoundGap = absl::Seconds(n::kExpiredTtl + 1);
// Share of questions unbound must answer NOERROR or NXDOMAIN: below it the reference itself is
// broken and agreeing with it proves nothing.
constexpr double kMinReferenceAnswered = 0.9;

struct Question {
  int line = 0;
  std::string name;  // as written, letter case kept
  ldns_rr_type type = LDNS_RR_TYPE_A;
  std::string type_name;

  std::string ToString() const { return absl::StrCat(name, " ", type_name); }
};

// What one resolver said to one question.
struct Outcome {
  std::string rcode;                // "NOERROR", ... or "no reply (<status>)"
  std::vector<std::string> answer;  // canonical records, TTL 0, sorted
  std::string answer_text;          // the answer section as received, for reports
  bool answered() const { return !absl::StartsWith(rcode, "no reply"); }
};

// Silence is never agreement: a question either resolver left unanswered is a mismatch.
bool SameAnswer(const Outcome& a, const Outcome& b) {
  return a.answered() && b.answered() && a.rcode == b.rcode && a.answer == b.answer;
}

struct Comparison {
  Question question;
  Outcome unbound;
  Outcome rebound;
};

// Reads "name type" lines; '#' starts a comment line. A relative name is taken as absolute.
absl::StatusOr<std::vector<Question>> ReadQuestions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<Question> questions;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    absl::string_view stripped = absl::StripAsciiWhitespace(text);
    if (stripped.empty() || stripped[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(stripped, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line, ": expected \"name type\", got \"", stripped, "\""));
    }
    Question q;
    q.line = line;
    q.name = std::string(fields[0]);
    if (!absl::EndsWith(q.name, ".")) q.name += ".";
    q.type_name = absl::AsciiStrToUpper(fields[1]);
    q.type = ldns_get_rr_type_by_name(q.type_name.c_str());
    if (q.type == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line, ": unknown type \"", fields[1], "\""));
    }
    questions.push_back(std::move(q));
  }
  return questions;
}

// One record in a form that ignores what may legitimately differ between two resolvers: the TTL,
// and the letter case of the owner and of names in the RDATA (RFC 4034 6.2 canonical form).
std::string CanonicalRecord(const ldns_rr* rr) {
  LdnsRrPtr copy(ldns_rr_clone(rr));
  ldns_rr2canonical(copy.get());
  ldns_rr_set_ttl(copy.get(), 0);
  std::unique_ptr<char, decltype(&free)> text(ldns_rr2str(copy.get()), &free);
  return text == nullptr ? "(unprintable)"
                         : std::string(absl::StripTrailingAsciiWhitespace(text.get()));
}

std::string RcodeName(ldns_pkt_rcode rcode) {
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  return entry != nullptr ? entry->name : absl::StrCat("RCODE", static_cast<int>(rcode));
}

// Asks over UDP with EDNS and retries over TCP on TC=1, as a stub would, so that answers too big
// for a datagram are compared whole.
Outcome Ask(const Endpoint& server, const Question& question) {
  QueryOptions options;
  options.timeout = kQueryTimeout;
  absl::StatusOr<LdnsPktPtr> reply = Query(server, question.name, question.type, options);
  if (reply.ok() && ldns_pkt_tc(reply->get())) {
    options.tcp = true;
    reply = Query(server, question.name, question.type, options);
  }
  Outcome out;
  if (!reply.ok()) {
    out.rcode = absl::StrCat("no reply (", reply.status().ToString(), ")");
    return out;
  }
  const ldns_pkt* pkt = reply->get();
  out.rcode = RcodeName(ldns_pkt_get_rcode(pkt));
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    out.answer.push_back(CanonicalRecord(ldns_rr_list_rr(answer, i)));
  }
  // Order-insensitive: RRset order is the server's choice (RFC 2181 5), and so is where a CNAME
  // chain's records sit in the section.
  std::sort(out.answer.begin(), out.answer.end());
  out.answer_text = SectionToString(pkt, LDNS_SECTION_ANSWER);
  return out;
}

std::string Indent(absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) return "    (empty answer section)\n";
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    absl::StrAppend(&out, "    ", line, "\n");
  }
  return out;
}

std::string RcodeDistribution(const std::vector<Comparison>& results, bool of_rebound) {
  std::map<std::string, int> counts;
  for (const Comparison& c : results) ++counts[(of_rebound ? c.rebound : c.unbound).rcode];
  std::vector<std::string> parts;
  for (const auto& [rcode, count] : counts) parts.push_back(absl::StrCat(rcode, "=", count));
  return absl::StrJoin(parts, " ");
}

// Questions whose answer the hierarchy guarantees to be positive: both resolvers must answer
// them NOERROR with records, or a resolver that fails everything could "agree" with another.
struct KnownPositive {
  absl::string_view name;
  ldns_rr_type type;
};
// The last three are the broken zones: each resolves for a resolver that copes.
constexpr KnownPositive kKnownPositives[] = {
    {n::kV4Only, LDNS_RR_TYPE_A},      {n::kDualStack, LDNS_RR_TYPE_AAAA},
    {n::kMxOwner, LDNS_RR_TYPE_MX},    {n::kTxt, LDNS_RR_TYPE_TXT},
    {n::kChain1, LDNS_RR_TYPE_A},      {n::kCross, LDNS_RR_TYPE_A},
    {n::kBigA, LDNS_RR_TYPE_A},        {n::kBelowEmptyNonTerminal, LDNS_RR_TYPE_A},
    {n::kGluelessWww, LDNS_RR_TYPE_A}, {n::kHalfdeadWww, LDNS_RR_TYPE_A},
    {n::kV4nsWww, LDNS_RR_TYPE_A},     {n::kBetaWww, LDNS_RR_TYPE_A},
    {n::kGammaZone, LDNS_RR_TYPE_SOA}, {n::kAlphaZone, LDNS_RR_TYPE_NS},
    {n::kMovedWww, LDNS_RR_TYPE_A},    {n::kRecursorWww, LDNS_RR_TYPE_A},
    {n::kExpiredWww, LDNS_RR_TYPE_A},
};

// The first comparison of a question (exact name, any letter case), or null.
const Comparison* Find(const std::vector<Comparison>& results, absl::string_view name,
                       ldns_rr_type type) {
  for (const Comparison& c : results) {
    if (c.question.type == type && absl::EqualsIgnoreCase(c.question.name, name)) return &c;
  }
  return nullptr;
}

class DifferentialTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() {
    HierarchyTestBase::SetUpTestSuite();
    if (!hierarchy_started()) return;
    absl::StatusOr<std::unique_ptr<Subprocess>> started = StartRebound(
        REBOUND_BINARY, hierarchy(), "rebound-differential",
        RecursiveServerConfig(hierarchy(), kReboundAddress), EndpointAt(kReboundAddress));
    rebound_status_ = new absl::Status(started.status());
    if (started.ok()) rebound_ = started->release();
  }

  static void TearDownTestSuite() {
    delete rounds_;
    rounds_ = nullptr;
    delete rebound_;
    rebound_ = nullptr;
    delete rebound_status_;
    rebound_status_ = nullptr;
    HierarchyTestBase::TearDownTestSuite();
  }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_NE(rebound_status_, nullptr);
    ASSERT_TRUE(rebound_status_->ok()) << *rebound_status_;
  }

  // Asks every question of both resolvers, once per test binary: unbound first, then rebound,
  // question by question, so each sees the same sequence and its cache warms the same way. Two
  // rounds: the first resolves (the caches are empty at the start), the second asks the same
  // list again and is answered mostly from the caches, a different path through each resolver.
  static const std::vector<std::vector<Comparison>>& Rounds() {
    if (rounds_ != nullptr) return *rounds_;
    rounds_ = new std::vector<std::vector<Comparison>>;
    absl::StatusOr<std::vector<Question>> questions = ReadQuestions(REBOUND_DIFFERENTIAL_QUESTIONS);
    if (!questions.ok()) {
      ADD_FAILURE() << questions.status();
      rounds_->resize(kRounds);
      return *rounds_;
    }
    const absl::Time start = absl::Now();
    const Endpoint unbound = ReferenceResolverEndpoint();
    const Endpoint rebound = EndpointAt(kReboundAddress);
    for (int round = 0; round < kRounds; ++round) {
      if (round > 0) absl::SleepFor(kRoundGap);
      std::vector<Comparison>& results = rounds_->emplace_back();
      for (const Question& q : *questions) {
        Comparison c{q, {}, {}};
        if (absl::Now() - start > kRunBudget) {
          c.unbound.rcode = c.rebound.rcode = "no reply (not asked: time budget spent)";
        } else {
          c.unbound = Ask(unbound, q);
          c.rebound = Ask(rebound, q);
        }
        results.push_back(std::move(c));
      }
    }
    std::printf("differential: asked %zu questions of each resolver, %d times, in %s\n",
                questions->size(), kRounds, absl::FormatDuration(absl::Now() - start).c_str());
    std::fflush(stdout);
    return *rounds_;
  }

  static Subprocess* rebound_;
  static absl::Status* rebound_status_;
  static constexpr int kRounds = 2;
  static std::vector<std::vector<Comparison>>* rounds_;
};

Subprocess* DifferentialTest::rebound_ = nullptr;
absl::Status* DifferentialTest::rebound_status_ = nullptr;
std::vector<std::vector<Comparison>>* DifferentialTest::rounds_ = nullptr;

// The list is generated from the hierarchy's zones; a hierarchy that grew without it regenerated
// would leave its new names untested.
TEST_F(DifferentialTest, QuestionListIsUpToDate) {
  const std::string out = hierarchy().dir() + "/differential-questions.out";
  ASSERT_TRUE(RunToCompletion({"bash", REBOUND_DIFFERENTIAL_SCRIPT}, out, absl::Seconds(30)).ok());
  std::ifstream generated(out);
  std::ifstream checked_in(REBOUND_DIFFERENTIAL_QUESTIONS);
  std::stringstream a, b;
  a << generated.rdbuf();
  b << checked_in.rdbuf();
  EXPECT_EQ(a.str(), b.str()) << "differential_questions.txt is stale; regenerate it:\n  "
                              << "tests/integration/make-differential-questions.sh > "
                                 "tests/integration/differential_questions.txt";
}

TEST_F(DifferentialTest, ReferenceUnboundAnswersTheQuestions) {
  const std::vector<Comparison>& results = Rounds().front();
  ASSERT_GE(results.size(), 250u) << "the question list is too short";
  int answered = 0;
  for (const Comparison& c : results) {
    if (c.unbound.rcode == "NOERROR" || c.unbound.rcode == "NXDOMAIN") ++answered;
  }
  std::printf("differential: unbound RCODEs: %s\n", RcodeDistribution(results, false).c_str());
  std::fflush(stdout);
  EXPECT_GE(answered, kMinReferenceAnswered * results.size())
      << "the reference unbound failed too many questions: " << RcodeDistribution(results, false);
  for (const KnownPositive& p : kKnownPositives) {
    const Comparison* c = Find(results, p.name, p.type);
    ASSERT_NE(c, nullptr) << "the question list lacks " << p.name << " " << p.type;
    EXPECT_EQ(c->unbound.rcode, "NOERROR") << c->question.ToString();
    EXPECT_FALSE(c->unbound.answer.empty()) << c->question.ToString();
  }
}

TEST_F(DifferentialTest, ReboundAnswersMatchUnbound) {
  const std::vector<std::vector<Comparison>>& rounds = Rounds();
  ASSERT_FALSE(rounds.front().empty());
  // REBOUND_DIFFERENTIAL_VERBOSE=1 prints agreeing answers too, to review what was compared.
  const bool verbose = std::getenv("REBOUND_DIFFERENTIAL_VERBOSE") != nullptr;
  for (size_t round = 0; round < rounds.size(); ++round) {
    const std::vector<Comparison>& results = rounds[round];
    const char* when = round == 0 ? "" : ", asked again from warm caches";
    int matches = 0;
    for (const Comparison& c : results) {
      const bool same = SameAnswer(c.unbound, c.rebound);
      if (same) ++matches;
      if (same && !verbose) continue;
      std::printf("%s%s %s (line %d)\n  unbound: %s\n%s  rebound: %s\n%s",
                  same ? "MATCH" : "MISMATCH", round == 0 ? "" : " (again)",
                  c.question.ToString().c_str(), c.question.line, c.unbound.rcode.c_str(),
                  Indent(c.unbound.answer_text).c_str(), c.rebound.rcode.c_str(),
                  Indent(c.rebound.answer_text).c_str());
    }
    std::printf("differential: rebound RCODEs%s: %s\n", when,
                RcodeDistribution(results, true).c_str());
    std::printf("differential: %d/%zu answers match unbound%s\n", matches, results.size(), when);
    std::fflush(stdout);
    EXPECT_EQ(matches, static_cast<int>(results.size()))
        << "rebound disagrees with unbound on " << results.size() - matches << " questions" << when
        << " (MISMATCH lines above); rebound's log: " << rebound_->log_path();
  }
  for (const KnownPositive& p : kKnownPositives) {
    const Comparison* c = Find(rounds.front(), p.name, p.type);
    if (c == nullptr) continue;  // reported by ReferenceUnboundAnswersTheQuestions
    EXPECT_EQ(c->rebound.rcode, "NOERROR") << c->question.ToString();
    EXPECT_FALSE(c->rebound.answer.empty()) << c->question.ToString();
  }
  EXPECT_TRUE(rebound_->Running()) << "rebound exited during the run:\n" << rebound_->LogTail();
}

}  // namespace
}  // namespace rebound::integration
