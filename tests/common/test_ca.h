// A throw-away PKI for tests that need TLS: a certificate authority made with the openssl CLI in a
// directory of the caller's choosing, and server ("leaf") certificates it signs for a DNS name
// and/or IP addresses, each with its private key. Create a second TestCa to get an authority the
// client does not trust. Keys are EC P-256 (fast to make); certificates are valid for 3 days.
//
//   absl::StatusOr<TestCa> ca = TestCa::Create(dir.path());
//   absl::StatusOr<TestLeaf> leaf = ca->IssueLeaf("relay.test", {"127.0.0.1", "::1"});
//   server: leaf->key_file, leaf->cert_file; client trusts ca->cert_file().
#ifndef REBOUND_TESTS_COMMON_TEST_CA_H_
#define REBOUND_TESTS_COMMON_TEST_CA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/common/temp_dir.h"

namespace rebound::testing {

// PEM files of one certificate and its private key.
struct TestLeaf {
  std::string key_file;
  std::string cert_file;  // the leaf only; clients trust the CA certificate directly
};

class TestCa {
 public:
  // Writes <dir>/<label>.key and <dir>/<label>.pem (subject "CN=rebound test <label>"); `label`
  // keeps several authorities in one directory apart. `dir` must exist. Fails with the openssl
  // output when the tool is missing or fails.
  static absl::StatusOr<TestCa> Create(const std::string& dir, const std::string& label = "ca");

  const std::string& cert_file() const { return ca_.cert_file; }  // the trust anchor
  const std::string& key_file() const { return ca_.key_file; }

  // A TLS server certificate signed by this CA: subjectAltName DNS:<dns_name> (unless empty) and
  // IP:<address> for each of ip_addresses (IPv4 or IPv6 text); CN is the first of them.
  absl::StatusOr<TestLeaf> IssueLeaf(const std::string& dns_name,
                                     const std::vector<std::string>& ip_addresses);

 private:
  TestCa(std::string dir, std::string label, TestLeaf ca)
      : dir_(std::move(dir)), label_(std::move(label)), ca_(std::move(ca)) {}

  std::string dir_;
  std::string label_;
  TestLeaf ca_;
  int leaves_issued_ = 0;
};

// What a test running one TLS server needs: a new temporary directory (named from
// `dir_prefix`, removed when *dir goes), a CA in it, and a leaf the CA issued for `dns_name`
// and `ip_addresses`.
absl::StatusOr<TestLeaf> MakeServerPki(const std::string& dir_prefix, const std::string& dns_name,
                                       const std::vector<std::string>& ip_addresses,
                                       std::unique_ptr<TempDir>* dir);

// OK when the `openssl` command-line tool is installed; otherwise NotFound saying so.
absl::Status CheckOpenSslCli();

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_COMMON_TEST_CA_H_
