#include "dns64/global_ipv4.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "tests/unit/dns64/test_addresses.h"

namespace rebound {
namespace {

TEST(GlobalIpv4Test, RegistryNonGlobalBlocks) {
  for (const char* text :
       {"0.0.0.0",         "0.255.255.255", "10.0.0.1",    "10.255.255.255",  "100.64.0.0",
        "100.127.255.255", "127.0.0.1",     "169.254.1.1", "172.16.0.1",      "172.31.255.255",
        "192.0.0.0",       "192.0.0.8",     "192.0.0.170", "192.0.0.171",     "192.0.0.255",
        "192.0.2.1",       "192.88.99.1",   "192.168.1.1", "198.18.0.1",      "198.19.255.255",
        "198.51.100.7",    "203.0.113.9",   "224.0.0.1",   "239.255.255.255", "240.0.0.1",
        "255.255.255.255"}) {
    EXPECT_FALSE(IsGlobalIpv4(V4(text))) << text;
  }
}

TEST(GlobalIpv4Test, GlobalAddresses) {
  for (const char* text : {"1.1.1.1",         "8.8.8.8",         "9.255.255.255",   "11.0.0.0",
                           "100.63.255.255",  "100.128.0.0",     "126.255.255.255", "128.0.0.0",
                           "169.253.255.255", "172.15.255.255",  "172.32.0.0",      "192.0.1.0",
                           "192.0.3.0",       "192.31.196.1",    "192.52.193.1",    "192.88.98.255",
                           "192.88.100.0",    "192.167.255.255", "192.169.0.0",     "192.175.48.1",
                           "198.17.255.255",  "198.20.0.0",      "198.51.99.255",   "203.0.112.255",
                           "223.255.255.255"}) {
    EXPECT_TRUE(IsGlobalIpv4(V4(text))) << text;
  }
}

// The registry's more specific entries inside 192.0.0.0/24 that are globally reachable.
TEST(GlobalIpv4Test, AnycastServicesIn192_0_0_0_24AreGlobal) {
  EXPECT_TRUE(IsGlobalIpv4(V4("192.0.0.9")));   // PCP anycast, RFC 7723
  EXPECT_TRUE(IsGlobalIpv4(V4("192.0.0.10")));  // TURN anycast, RFC 8155
  EXPECT_FALSE(IsGlobalIpv4(V4("192.0.0.11")));
}

}  // namespace
}  // namespace rebound
