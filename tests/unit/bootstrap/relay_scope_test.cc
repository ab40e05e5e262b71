// Which names the bootstrap relays may be asked about (bootstrap/relay_scope.h).
#include "bootstrap/relay_scope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resolver/wire/ldns_ptr.h"

namespace rebound {
namespace {

bool Allows(const RelayScope& scope, const char* name) {
  LdnsRdfPtr rdf(ldns_dname_new_frm_str(name));
  return scope.Allows(rdf.get());
}

RelayScope ScopeOf(const std::vector<ConfiguredDelegation>& delegations,
                   const std::vector<std::string>& private_names) {
  absl::StatusOr<RelayScope> scope = RelayScope::Of(delegations, private_names);
  EXPECT_TRUE(scope.ok()) << scope.status();
  return scope.ok() ? *std::move(scope) : RelayScope();
}

TEST(RelayScopeTest, WithNoZoneEveryNameMayGoToTheRelays) {
  const RelayScope scope;
  EXPECT_TRUE(Allows(scope, "www.example."));
  EXPECT_TRUE(Allows(scope, "."));
}

TEST(RelayScopeTest, TheClosestEnclosingZoneDecidesWhateverTheCase) {
  const RelayScope scope = ScopeOf({{.name = "example.", .forward = true, .relays_allowed = true},
                                    {.name = "corp.example.", .forward = true}},
                                   {"lan.corp.EXAMPLE.", "home.arpa."});
  EXPECT_TRUE(Allows(scope, "example."));
  EXPECT_TRUE(Allows(scope, "www.Example."));
  EXPECT_FALSE(Allows(scope, "corp.example."));
  EXPECT_FALSE(Allows(scope, "WWW.CORP.example."));
  EXPECT_FALSE(Allows(scope, "printer.lan.corp.example."));
  EXPECT_FALSE(Allows(scope, "printer.home.arpa."));
  EXPECT_TRUE(Allows(scope, "arpa."));
  EXPECT_TRUE(Allows(scope, "corp.example.net."));  // a suffix by labels, not by characters
  EXPECT_TRUE(Allows(scope, "xcorp.example."));
}

TEST(RelayScopeTest, AZoneAtTheRootKeepsEveryNameUnlessACloserOneAllowsIt) {
  const RelayScope scope = ScopeOf({{.name = ".", .forward = true},
                                    {.name = "example.", .forward = true, .relays_allowed = true}},
                                   {});
  EXPECT_FALSE(Allows(scope, "."));
  EXPECT_FALSE(Allows(scope, "www.example.net."));
  EXPECT_TRUE(Allows(scope, "www.example."));
}

TEST(RelayScopeTest, AZoneNamedTwiceKeepsItsFirstEntry) {
  // A forward zone with forward-bootstrap: yes that is also a local zone: the delegation, listed
  // first, decides.
  const RelayScope scope =
      ScopeOf({{.name = "example.", .forward = true, .relays_allowed = true}}, {"example."});
  EXPECT_TRUE(Allows(scope, "www.example."));
}

TEST(RelayScopeTest, ABadZoneNameIsAnError) { EXPECT_FALSE(RelayScope::Of({}, {"a..b."}).ok()); }

}  // namespace
}  // namespace rebound
