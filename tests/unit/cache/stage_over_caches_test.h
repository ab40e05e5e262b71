// gtest fixture for a stage that works over the RRset and negative caches (CacheStage,
// AnyQueryStage): the caches on a fake clock, and the query and answer halves of a request.
#ifndef REBOUND_TESTS_UNIT_CACHE_STAGE_OVER_CACHES_TEST_H_
#define REBOUND_TESTS_UNIT_CACHE_STAGE_OVER_CACHES_TEST_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/clock.h"
#include "resolver/core/request.h"
#include "tests/unit/cache/test_records.h"

namespace rebound::testing {

template <typename StageType>
class StageOverCachesTest : public ::testing::Test {
 protected:
  std::unique_ptr<Request> Query(const std::string& qname, ldns_rr_type qtype,
                                 bool dnssec_ok = false) {
    return MakeRequest(qname, qtype, clock_.Now(), dnssec_ok);
  }

  void InsertRrset(const std::vector<std::string>& texts) {
    ASSERT_TRUE(rrsets_.Insert(*RrList(texts), Trust::kAnswer));
  }

  // Runs the upstream half: `answer` arrives for `req` and goes back through OnAnswer.
  StageResult Answer(Request& req, LdnsPktPtr answer) {
    req.set_answer(std::move(answer));
    return stage_.OnAnswer(req);
  }

  FakeClock clock_;
  RrsetCache rrsets_{RrsetCacheOptions{}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{}, &clock_};
  CacheWriter writer_{&rrsets_, &negatives_};
  StageType stage_ = MakeStage();

 private:
  // CacheStage stores through the writer; AnyQueryStage only reads.
  StageType MakeStage() {
    if constexpr (std::is_constructible_v<StageType, RrsetCache*, NegativeCache*, CacheWriter*>) {
      return StageType(&rrsets_, &negatives_, &writer_);
    } else {
      return StageType(&rrsets_, &negatives_);
    }
  }
};

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_UNIT_CACHE_STAGE_OVER_CACHES_TEST_H_
