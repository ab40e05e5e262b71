// TlsClientContext / TlsServerContext creation: the files they read and what errors say.
#include "tls/tls_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/unit/tls/https_test_fixture.h"

namespace rebound::testing {
namespace {

using ::testing::HasSubstr;

using TlsContextTest = HttpsTest;

TEST_F(TlsContextTest, ServerContextLoadsKeyAndChain) {
  const TestLeaf& leaf = RelayLeaf();
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(leaf.key_file, leaf.cert_file);
  ASSERT_TRUE(context.ok()) << context.status();
  EXPECT_NE((*context)->get(), nullptr);
}

TEST_F(TlsContextTest, MissingKeyFileIsNamed) {
  const std::string missing = dir() + "/no-such.key";
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(missing, RelayLeaf().cert_file);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kNotFound) << context.status();
  EXPECT_THAT(context.status().message(), HasSubstr(missing));
  EXPECT_THAT(context.status().message(), HasSubstr("No such file"));
}

TEST_F(TlsContextTest, MissingCertificateFileIsNamed) {
  const std::string missing = dir() + "/no-such.pem";
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(RelayLeaf().key_file, missing);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kNotFound) << context.status();
  EXPECT_THAT(context.status().message(), HasSubstr(missing));
}

TEST_F(TlsContextTest, UnparseableKeyGivesOpenSslsReason) {
  const std::string garbage = dir() + "/garbage.key";
  std::ofstream(garbage) << "not a key\n";
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(garbage, RelayLeaf().cert_file);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kInvalidArgument) << context.status();
  EXPECT_THAT(context.status().message(), HasSubstr(garbage));
  EXPECT_THAT(context.status().message(), HasSubstr("PEM"));  // OpenSSL: "...PEM routines..."
}

TEST_F(TlsContextTest, KeyThatDoesNotMatchTheCertificateIsRefused) {
  const TestLeaf& relay = RelayLeaf();
  const TestLeaf other = IssueLeaf(const_cast<TestCa&>(Ca()), "other.test", {});
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(other.key_file, relay.cert_file);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kInvalidArgument) << context.status();
  EXPECT_THAT(context.status().message(), HasSubstr("does not match"));
}

TEST_F(TlsContextTest, ClientContextWithCaFileOrSystemStore) {
  absl::StatusOr<std::unique_ptr<TlsClientContext>> with_file =
      TlsClientContext::Create(Ca().cert_file());
  ASSERT_TRUE(with_file.ok()) << with_file.status();
  EXPECT_EQ(SSL_CTX_get_verify_mode((*with_file)->get()), SSL_VERIFY_PEER);
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*with_file)->get()), TLS1_2_VERSION);
  absl::StatusOr<std::unique_ptr<TlsClientContext>> system = TlsClientContext::Create("");
  ASSERT_TRUE(system.ok()) << system.status();
  EXPECT_EQ(SSL_CTX_get_verify_mode((*system)->get()), SSL_VERIFY_PEER);
}

TEST_F(TlsContextTest, MissingCaFileIsNamed) {
  const std::string missing = dir() + "/no-such-ca.pem";
  absl::StatusOr<std::unique_ptr<TlsClientContext>> context = TlsClientContext::Create(missing);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kNotFound) << context.status();
  EXPECT_THAT(context.status().message(), HasSubstr(missing));
}

}  // namespace
}  // namespace rebound::testing
