#include "resolver/metrics/metrics_http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace rebound {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr size_t kLimit = 256;

std::string Respond(absl::string_view request, int* body_calls = nullptr) {
  return MetricsResponse(ReadRequestHead(request, kLimit), [body_calls] {
    if (body_calls != nullptr) ++*body_calls;
    return std::string("page\n");
  });
}

TEST(MetricsHttpTest, GetOfMetricsIsThePageWithItsContentType) {
  int calls = 0;
  const std::string response =
      Respond("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n", &calls);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_THAT(response, HasSubstr("Content-Length: 5\r\n"));
  EXPECT_THAT(response, HasSubstr("Connection: close\r\n"));
  EXPECT_THAT(response, EndsWith("\r\n\r\npage\n"));
  EXPECT_EQ(calls, 1);
}

TEST(MetricsHttpTest, AQueryStringIsIgnoredAndHttp10IsServed) {
  EXPECT_THAT(Respond("GET /metrics?x=1 HTTP/1.0\r\n\r\n"), StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST(MetricsHttpTest, HeadHasTheLengthAndNoBody) {
  const std::string response = Respond("HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("Content-Length: 5\r\n"));
  EXPECT_THAT(response, EndsWith("\r\n\r\n"));
}

TEST(MetricsHttpTest, OtherPathsAre404AndOtherMethods405WithoutBuildingThePage) {
  int calls = 0;
  EXPECT_THAT(Respond("GET / HTTP/1.1\r\n\r\n", &calls), StartsWith("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_THAT(Respond("GET /metricsx HTTP/1.1\r\n\r\n", &calls),
              StartsWith("HTTP/1.1 404 Not Found\r\n"));
  const std::string post = Respond("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &calls);
  EXPECT_THAT(post, StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_THAT(post, HasSubstr("Allow: GET, HEAD\r\n"));
  EXPECT_EQ(calls, 0);
}

TEST(MetricsHttpTest, GarbageIs400) {
  for (absl::string_view garbage :
       {"\x16\x03\x01\x02\x00\r\n\r\n", "GET /metrics\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n",
        "GET /metrics HTTP/2.0\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", "G(T /metrics HTTP/1.1\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nX: a\x01z\r\n\r\n"}) {
    EXPECT_THAT(Respond(garbage), StartsWith("HTTP/1.1 400 Bad Request\r\n")) << garbage;
  }
}

TEST(MetricsHttpTest, AHeadStillOpenAtTheLimitIsTooLarge) {
  EXPECT_EQ(ReadRequestHead("GET /metrics HTTP/1.1\r\nHost: x\r\n", kLimit).state,
            HeadState::kIncomplete);
  const std::string big = "GET /metrics HTTP/1.1\r\nX: " + std::string(kLimit, 'a');
  EXPECT_EQ(ReadRequestHead(big, kLimit).state, HeadState::kTooLarge);
  EXPECT_THAT(Respond(big), StartsWith("HTTP/1.1 431 "));
  // Complete, but past the limit all the same.
  EXPECT_EQ(ReadRequestHead(big + "\r\n\r\n", kLimit).state, HeadState::kTooLarge);
}

}  // namespace
}  // namespace rebound
