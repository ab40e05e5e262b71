// Address literals for the dns64 unit tests.
#ifndef REBOUND_TESTS_UNIT_DNS64_TEST_ADDRESSES_H_
#define REBOUND_TESTS_UNIT_DNS64_TEST_ADDRESSES_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace rebound {

inline in6_addr V6(const char* text) {
  in6_addr a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, &a), 1) << text;
  return a;
}

inline in_addr V4(const char* text) {
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, text, &a), 1) << text;
  return a;
}

}  // namespace rebound

#endif  // REBOUND_TESTS_UNIT_DNS64_TEST_ADDRESSES_H_
