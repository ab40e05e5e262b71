#include "tests/common/test_ca.h"

#include <arpa/inet.h>

#include <cctype>
#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/common/child_process.h"

namespace rebound::testing {
namespace {

constexpr char kDays[] = "3";

// Extension sections for `openssl req -x509 -config`; a file of our own keeps the system's
// openssl.cnf (and its defaults) out of the certificates.
constexpr char kBaseConfig[] =
    "[req]\n"
    "distinguished_name = dn\n"
    "[dn]\n"
    "[ca_ext]\n"
    "basicConstraints = critical, CA:TRUE\n"
    "keyUsage = critical, keyCertSign, cRLSign\n"
    "subjectKeyIdentifier = hash\n";

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status RunOpenSsl(std::vector<std::string> args, const std::string& log_path) {
  args.insert(args.begin(), "openssl");
  return ChildProcess::Run(args, log_path);
}

// Keeps file names readable and safe whatever the DNS name holds.
std::string FileNamePart(const std::string& text) {
  std::string out;
  for (char c : text) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

std::vector<std::string> KeyArgs(const std::string& key_file) {
  return {"-newkey", "ec",      "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes",  "-keyout", key_file};
}

}  // namespace

absl::Status CheckOpenSslCli() { return CheckInPath("openssl"); }

absl::StatusOr<TestCa> TestCa::Create(const std::string& dir, const std::string& label) {
  TestLeaf ca{absl::StrCat(dir, "/", label, ".key"), absl::StrCat(dir, "/", label, ".pem")};
  const std::string config = absl::StrCat(dir, "/", label, "-openssl.cnf");
  if (absl::Status s = WriteFile(config, kBaseConfig); !s.ok()) return s;
  std::vector<std::string> args = {"req",
                                   "-x509",
                                   "-new",
                                   "-config",
                                   config,
                                   "-extensions",
                                   "ca_ext",
                                   "-days",
                                   kDays,
                                   "-subj",
                                   absl::StrCat("/CN=rebound test ", label),
                                   "-out",
                                   ca.cert_file};
  for (std::string& arg : KeyArgs(ca.key_file)) args.push_back(std::move(arg));
  if (absl::Status s = RunOpenSsl(args, absl::StrCat(dir, "/", label, "-openssl.log")); !s.ok()) {
    return s;
  }
  return TestCa(dir, label, std::move(ca));
}

absl::StatusOr<TestLeaf> TestCa::IssueLeaf(const std::string& dns_name,
                                           const std::vector<std::string>& ip_addresses) {
  std::vector<std::string> alt_names;
  if (!dns_name.empty()) alt_names.push_back(absl::StrCat("DNS:", dns_name));
  for (const std::string& ip : ip_addresses) {
    unsigned char parsed[16];
    if (inet_pton(AF_INET, ip.c_str(), parsed) != 1 &&
        inet_pton(AF_INET6, ip.c_str(), parsed) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("not an IP address: ", ip));
    }
    alt_names.push_back(absl::StrCat("IP:", ip));
  }
  if (alt_names.empty()) return absl::InvalidArgumentError("a leaf needs a DNS name or an IP");
  const std::string common_name = dns_name.empty() ? ip_addresses.front() : dns_name;

  const std::string base =
      absl::StrCat(dir_, "/", label_, "-leaf", ++leaves_issued_, "-", FileNamePart(common_name));
  const std::string config = base + "-openssl.cnf";
  absl::Status s = WriteFile(config, absl::StrCat(kBaseConfig,
                                                  "[leaf_ext]\n"
                                                  "basicConstraints = critical, CA:FALSE\n"
                                                  "keyUsage = critical, digitalSignature\n"
                                                  "extendedKeyUsage = serverAuth\n"
                                                  "subjectKeyIdentifier = hash\n"
                                                  "authorityKeyIdentifier = keyid\n"
                                                  "subjectAltName = ",
                                                  absl::StrJoin(alt_names, ", "), "\n"));
  if (!s.ok()) return s;
  TestLeaf leaf{base + ".key", base + ".pem"};
  // `req -x509 -CA` (OpenSSL 3) makes the key and the CA-signed certificate in one run.
  std::vector<std::string> args = {"req",
                                   "-x509",
                                   "-new",
                                   "-config",
                                   config,
                                   "-extensions",
                                   "leaf_ext",
                                   "-days",
                                   kDays,
                                   "-subj",
                                   absl::StrCat("/CN=", common_name),
                                   "-CA",
                                   ca_.cert_file,
                                   "-CAkey",
                                   ca_.key_file,
                                   "-out",
                                   leaf.cert_file};
  for (std::string& arg : KeyArgs(leaf.key_file)) args.push_back(std::move(arg));
  if (s = RunOpenSsl(args, base + "-openssl.log"); !s.ok()) return s;
  return leaf;
}

absl::StatusOr<TestLeaf> MakeServerPki(const std::string& dir_prefix, const std::string& dns_name,
                                       const std::vector<std::string>& ip_addresses,
                                       std::unique_ptr<TempDir>* dir) {
  absl::StatusOr<TempDir> made = TempDir::Create(dir_prefix);
  if (!made.ok()) return made.status();
  *dir = std::make_unique<TempDir>(*std::move(made));
  absl::StatusOr<TestCa> ca = TestCa::Create((*dir)->path(), "ca");
  if (!ca.ok()) return ca.status();
  return ca->IssueLeaf(dns_name, ip_addresses);
}

}  // namespace rebound::testing
