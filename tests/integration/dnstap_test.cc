// dnstap (the dnstap: clause) against a real collector: fstrm_capture takes the Frame Streams
// that rebound writes while it recurses over the loopback hierarchy, and dnstap-ldns, an
// independent reader, decodes the capture. What it prints is checked message by message: the
// client's queries and responses with the client's address, the resolver's queries to the NSD
// servers with the zone, none for a cached answer, identity and version as configured, nothing
// the dnstap-log-* options turned off; and a missing collector stops nothing.
#include <fstrm.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "resolver/dnstap/dnstap.pb-c.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"
#include "tests/integration/fixture/client_from.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::IsSubsetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kClient[] = "127.0.0.77";  // where the test's questions come from

// One message as dnstap-ldns -y prints it: the fields this test looks at.
struct TapMessage {
  std::string type;  // CLIENT_QUERY, RESOLVER_RESPONSE, ...
  std::string identity;
  std::string version;
  std::string time;  // query_time (response_time for a response), as printed: sortable
  std::string query_address;
  std::string response_address;
  std::string response_port;
  std::string query_zone;
  std::string protocol;  // socket_protocol: UDP, TCP, DOT
  std::string qname;     // from the DNS message's question section, lowercased
};

void PrintTo(const TapMessage& m, std::ostream* os) {
  *os << m.type << " " << m.protocol << " " << m.qname << " " << m.query_address << " -> "
      << m.response_address << "@" << m.response_port << " at " << m.time;
}

std::string Unquoted(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

// dnstap-ldns -y: one YAML document per message, "---" between them; the DNS message is a block
// of ldns' text in which the question is the line after ";; QUESTION SECTION:".
std::vector<TapMessage> ParseYaml(const std::string& text) {
  std::vector<TapMessage> messages;
  for (absl::string_view doc : absl::StrSplit(text, "\n---")) {
    TapMessage m;
    bool question_next = false;
    for (absl::string_view line : absl::StrSplit(doc, '\n')) {
      const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
      if (question_next) {
        question_next = false;
        if (absl::StartsWith(trimmed, ";")) {
          std::vector<std::string> parts =
              absl::StrSplit(trimmed.substr(1), absl::ByAnyChar("\t "), absl::SkipEmpty());
          if (!parts.empty()) m.qname = absl::AsciiStrToLower(parts[0]);
        }
        continue;
      }
      if (trimmed == ";; QUESTION SECTION:") {
        question_next = true;
        continue;
      }
      const size_t colon = trimmed.find(": ");
      if (colon == absl::string_view::npos) continue;
      const absl::string_view key = trimmed.substr(0, colon);
      const std::string value = Unquoted(trimmed.substr(colon + 2));
      if (key == "identity") m.identity = value;
      if (key == "version") m.version = value;
      if (key == "type" && value != "MESSAGE") m.type = value;
      if (key == "query_address") m.query_address = value;
      if (key == "response_address") m.response_address = value;
      if (key == "response_port") m.response_port = value;
      if (key == "query_zone") m.query_zone = absl::AsciiStrToLower(value);
      if (key == "socket_protocol") m.protocol = value;
      if ((key == "query_time" || key == "response_time") && m.time.empty()) {
        m.time = std::string(absl::StripPrefix(value, "!!timestamp "));
      }
    }
    if (!m.type.empty()) messages.push_back(m);
  }
  return messages;
}

std::vector<TapMessage> OfType(const std::vector<TapMessage>& all, absl::string_view type,
                               absl::string_view qname = "") {
  std::vector<TapMessage> out;
  for (const TapMessage& m : all) {
    if (m.type == type && (qname.empty() || m.qname == qname)) out.push_back(m);
  }
  return out;
}

// Every data frame of a Frame Streams file, read with libfstrm's file reader.
std::vector<std::vector<uint8_t>> ReadFrames(const std::string& path) {
  std::vector<std::vector<uint8_t>> frames;
  fstrm_file_options* options = fstrm_file_options_init();
  fstrm_file_options_set_file_path(options, path.c_str());
  fstrm_reader* reader = fstrm_file_reader_init(options, nullptr);
  fstrm_file_options_destroy(&options);
  if (reader == nullptr) return frames;
  if (fstrm_reader_open(reader) == fstrm_res_success) {
    const uint8_t* data = nullptr;
    size_t size = 0;
    while (fstrm_reader_read(reader, &data, &size) == fstrm_res_success) {
      frames.emplace_back(data, data + size);
    }
  }
  fstrm_reader_destroy(&reader);
  return frames;
}

// A wire-format name as text, "" when absent.
std::string WireName(const ProtobufCBinaryData& name) {
  std::string text;
  for (size_t at = 0; at < name.len && name.data[at] != 0; at += name.data[at] + 1) {
    text.append(reinterpret_cast<const char*>(name.data + at + 1),
                std::min<size_t>(name.data[at], name.len - at - 1));
    text.push_back('.');
  }
  return text;
}

// Whether something accepts TCP connections at `address` within a few seconds. The probe
// connects and closes at once, which a Frame Streams collector takes as a stream that ended.
bool WaitForTcpListener(const Endpoint& address) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    const int fd = socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool up = fd >= 0 && connect(fd, address.sockaddr_ptr(), address.sockaddr_len()) == 0;
    if (fd >= 0) close(fd);
    if (up) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

std::set<std::string> NsdAddresses() {
  std::set<std::string> addresses = {std::string(n::kRootServer2)};
  for (const n::NsdInstance& instance : n::kNsdInstances) {
    addresses.insert(std::string(instance.address));
  }
  return addresses;
}

// A recursive unbound over the hierarchy that a forward-zone sends to, over plain DNS on @53 and
// over DNS over TLS on @853 with a certificate for kTlsName.
constexpr char kForwarder[] = "127.0.0.90";
constexpr char kTlsName[] = "dot-forwarder.test";

class DnstapTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() {
    StartSharedHierarchy({"bash", "nsd", "unbound", "openssl", "fstrm_capture", "dnstap-ldns"},
                         false);
    if (!hierarchy_started()) return;
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("rebound-dnstap-");
    if (!dir.ok()) return;
    tls_dir_ = new testing::TempDir(*std::move(dir));
    absl::StatusOr<testing::TestCa> ca = testing::TestCa::Create(tls_dir_->path());
    if (!ca.ok()) return;
    absl::StatusOr<testing::TestLeaf> leaf = ca->IssueLeaf(kTlsName, {kForwarder});
    if (!leaf.ok()) return;
    ca_file_ = new std::string(ca->cert_file());
    forwarder_status_ = new absl::Status(hierarchy().StartUnbound(
        EndpointAt(kForwarder),
        absl::StrCat("  interface: ", kForwarder, "@853\n  tls-port: 853\n  tls-service-key: \"",
                     leaf->key_file, "\"\n  tls-service-pem: \"", leaf->cert_file, "\"\n")));
  }
  static void TearDownTestSuite() {
    delete forwarder_status_;
    forwarder_status_ = nullptr;
    delete ca_file_;
    ca_file_ = nullptr;
    StopSharedHierarchy();
    delete tls_dir_;
    tls_dir_ = nullptr;
  }

  static testing::TempDir* tls_dir_;
  static std::string* ca_file_;
  static absl::Status* forwarder_status_;

 protected:
  std::string Path(absl::string_view name) const {
    return absl::StrCat(hierarchy().dir(), "/", name);
  }

  // fstrm_capture listening on `socket`, writing `file`; waits for the socket to appear.
  std::unique_ptr<Subprocess> StartCollector(const std::string& socket, const std::string& file) {
    unlink(socket.c_str());
    absl::StatusOr<Subprocess> capture = Subprocess::Start(
        {"fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-u", socket, "-w", file}, file + ".log");
    EXPECT_TRUE(capture.ok()) << capture.status();
    if (!capture.ok()) return nullptr;
    auto owned = std::make_unique<Subprocess>(*std::move(capture));
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (access(socket.c_str(), F_OK) != 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_EQ(access(socket.c_str(), F_OK), 0) << owned->LogTail();
    return owned;
  }

  // `extra` comes after the server: clause's lines, before dnstap:.
  std::unique_ptr<Subprocess> StartResolver(absl::string_view name, absl::string_view address,
                                            absl::string_view dnstap_lines,
                                            absl::string_view extra = "") {
    const std::string config = absl::StrCat(RecursiveServerConfig(hierarchy(), address),
                                            "  num-threads: 1\n", extra, "dnstap:\n", dnstap_lines);
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), name, config, EndpointAt(address));
    EXPECT_TRUE(rebound.ok()) << rebound.status();
    return rebound.ok() ? *std::move(rebound) : nullptr;
  }

  // Decodes `file` with dnstap-ldns.
  std::vector<TapMessage> ReadCapture(const std::string& file) {
    const std::string yaml = file + ".yaml";
    unlink(yaml.c_str());
    absl::Status read = RunToCompletion({"dnstap-ldns", "-y", "-r", file}, yaml, absl::Seconds(10));
    EXPECT_TRUE(read.ok()) << read;
    std::ifstream in(yaml);
    std::stringstream text;
    text << in.rdbuf();
    return ParseYaml(text.str());
  }

  // Asks `resolver` from kClient; the answer must be NOERROR with an A or AAAA record.
  void Ask(absl::string_view resolver, absl::string_view name, ldns_rr_type type) {
    absl::StatusOr<std::vector<uint8_t>> reply = ExchangeFrom(
        EndpointAt(kClient, 0), EndpointAt(resolver),
        QueryMessage(name, type, static_cast<uint16_t>(getpid())), false, absl::Seconds(12));
    ASSERT_TRUE(reply.ok()) << name << ": " << reply.status();
    LdnsPktPtr pkt = ParseReply(*reply);
    ASSERT_NE(pkt, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), LDNS_RCODE_NOERROR) << name;
    EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 1) << name;
  }
};

TEST_F(DnstapTest, ClientAndResolverMessagesReachTheCollector) {
  constexpr char kResolver[] = "127.0.0.60";
  const std::string socket = Path("dnstap-all.sock");
  const std::string file = Path("dnstap-all.fstrm");
  std::unique_ptr<Subprocess> collector = StartCollector(socket, file);
  ASSERT_NE(collector, nullptr);
  std::unique_ptr<Subprocess> rebound =
      StartResolver("rebound-dnstap-all", kResolver,
                    absl::StrCat("  dnstap-enable: yes\n"
                                 "  dnstap-socket-path: \"",
                                 socket,
                                 "\"\n"
                                 "  dnstap-send-identity: yes\n"
                                 "  dnstap-identity: tap-test\n"
                                 "  dnstap-send-version: yes\n"
                                 "  dnstap-version: v-test\n"
                                 "  dnstap-log-client-query-messages: yes\n"
                                 "  dnstap-log-client-response-messages: yes\n"
                                 "  dnstap-log-resolver-query-messages: yes\n"
                                 "  dnstap-log-resolver-response-messages: yes\n"));
  ASSERT_NE(rebound, nullptr);
  Ask(kResolver, n::kV4Only, LDNS_RR_TYPE_A);        // resolved: root, test., alpha.test.
  Ask(kResolver, n::kV4Only, LDNS_RR_TYPE_A);        // the same again: from the cache
  Ask(kResolver, n::kDualStack, LDNS_RR_TYPE_AAAA);  // resolved: alpha.test. only
  const std::string log = rebound->LogTail();
  rebound->Stop();  // the writer sends what is queued, then closes the stream
  collector->Stop();
  const std::vector<TapMessage> all = ReadCapture(file);
  ASSERT_THAT(all, Not(IsEmpty())) << collector->LogTail() << log;

  for (const TapMessage& m : all) {
    EXPECT_EQ(m.identity, "tap-test") << m.type;
    EXPECT_EQ(m.version, "v-test") << m.type;
  }
  // Every question, each time it was asked: its query and its response, from the client.
  const std::string v4only(n::kV4Only), dual(n::kDualStack);
  for (const auto& [name, times] : {std::pair{v4only, 2}, std::pair{dual, 1}}) {
    for (const char* type : {"CLIENT_QUERY", "CLIENT_RESPONSE"}) {
      const std::vector<TapMessage> seen = OfType(all, type, name);
      EXPECT_EQ(seen.size(), static_cast<size_t>(times)) << type << " " << name;
      for (const TapMessage& m : seen) {
        EXPECT_EQ(m.query_address, kClient) << type;
        EXPECT_EQ(m.response_address, kResolver) << type;
        EXPECT_EQ(m.response_port, "53") << type;
      }
    }
  }

  // The resolver's queries went to the hierarchy's NSDs, and the last ones for each name to
  // alpha.test.'s server, as a server of alpha.test.; each drew a response.
  const std::vector<TapMessage> queries = OfType(all, "RESOLVER_QUERY");
  const std::vector<TapMessage> responses = OfType(all, "RESOLVER_RESPONSE");
  ASSERT_THAT(queries, Not(IsEmpty()));
  std::set<std::string> asked;
  for (const TapMessage& m : queries) asked.insert(m.response_address);
  EXPECT_THAT(asked, IsSubsetOf(NsdAddresses()));
  for (const std::string& name : {v4only, dual}) {
    const std::vector<TapMessage> to_alpha = OfType(queries, "RESOLVER_QUERY", name);
    ASSERT_THAT(to_alpha, Not(IsEmpty())) << name;
    EXPECT_EQ(to_alpha.back().response_address, n::kAlphaServer) << name;
    EXPECT_EQ(to_alpha.back().response_port, "53");
    EXPECT_EQ(to_alpha.back().query_zone, n::kAlphaZone) << name;
    const std::vector<TapMessage> from_alpha = OfType(responses, "RESOLVER_RESPONSE", name);
    ASSERT_THAT(from_alpha, Not(IsEmpty())) << name;
    EXPECT_EQ(from_alpha.back().response_address, n::kAlphaServer) << name;
  }
  // The second question was answered from the cache: between its arrival and the third one's,
  // nothing went upstream. (Times print as "YYYY-MM-DD hh:mm:ss.uuuuuu", which sort as text.)
  const std::vector<TapMessage> v4only_queries = OfType(all, "CLIENT_QUERY", v4only);
  const std::vector<TapMessage> dual_queries = OfType(all, "CLIENT_QUERY", dual);
  ASSERT_EQ(v4only_queries.size(), 2u);
  ASSERT_EQ(dual_queries.size(), 1u);
  for (const TapMessage& m : queries) {
    EXPECT_FALSE(m.time >= v4only_queries[1].time && m.time < dual_queries[0].time)
        << "a query to " << m.response_address << " for " << m.qname << " at " << m.time
        << " while the cached question was answered";
  }
  // Nothing is logged that the options did not ask for.
  EXPECT_THAT(OfType(all, "FORWARDER_QUERY"), IsEmpty());
}

TEST_F(DnstapTest, ClientMessagesOffLogsOnlyTheResolversOwn) {
  constexpr char kResolver[] = "127.0.0.61";
  const std::string socket = Path("dnstap-resolver.sock");
  const std::string file = Path("dnstap-resolver.fstrm");
  std::unique_ptr<Subprocess> collector = StartCollector(socket, file);
  ASSERT_NE(collector, nullptr);
  std::unique_ptr<Subprocess> rebound =
      StartResolver("rebound-dnstap-resolver", kResolver,
                    absl::StrCat("  dnstap-enable: yes\n  dnstap-socket-path: \"", socket,
                                 "\"\n"
                                 "  dnstap-log-client-query-messages: no\n"
                                 "  dnstap-log-client-response-messages: no\n"
                                 "  dnstap-log-resolver-query-messages: yes\n"
                                 "  dnstap-log-resolver-response-messages: yes\n"));
  ASSERT_NE(rebound, nullptr);
  Ask(kResolver, n::kMapped, LDNS_RR_TYPE_A);
  rebound->Stop();
  collector->Stop();
  const std::vector<TapMessage> all = ReadCapture(file);
  EXPECT_THAT(OfType(all, "CLIENT_QUERY"), IsEmpty());
  EXPECT_THAT(OfType(all, "CLIENT_RESPONSE"), IsEmpty());
  EXPECT_THAT(OfType(all, "RESOLVER_QUERY", n::kMapped), Not(IsEmpty()));
  EXPECT_THAT(OfType(all, "RESOLVER_RESPONSE", n::kMapped), Not(IsEmpty()));
  for (const TapMessage& m : all) {
    EXPECT_EQ(m.identity, "") << "dnstap-send-identity is off";
    EXPECT_EQ(m.version, "") << "dnstap-send-version is off";
  }
}

TEST_F(DnstapTest, NoCollectorStopsNothing) {
  constexpr char kResolver[] = "127.0.0.62";
  const std::string socket = Path("dnstap-nobody.sock");
  unlink(socket.c_str());
  std::unique_ptr<Subprocess> rebound =
      StartResolver("rebound-dnstap-nobody", kResolver,
                    absl::StrCat("  dnstap-enable: yes\n  dnstap-socket-path: \"", socket,
                                 "\"\n"
                                 "  dnstap-log-client-query-messages: yes\n"
                                 "  dnstap-log-client-response-messages: yes\n"
                                 "  dnstap-log-resolver-query-messages: yes\n"
                                 "  dnstap-log-resolver-response-messages: yes\n"));
  ASSERT_NE(rebound, nullptr);
  const absl::Time start = absl::Now();
  Ask(kResolver, n::kV4Only, LDNS_RR_TYPE_A);
  Ask(kResolver, n::kDualStack, LDNS_RR_TYPE_A);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "logging must not slow the answers";
  EXPECT_TRUE(rebound->Running()) << rebound->LogTail();
  EXPECT_EQ(rebound->Stop(), 0) << rebound->LogTail();
}

// The collector goes away while rebound runs: answers go on, as fast, and once a collector
// listens on the socket again (libfstrm retries every 5 s) the messages reach it.
TEST_F(DnstapTest, ACollectorThatComesBackGetsTheMessagesAgain) {
  constexpr char kResolver[] = "127.0.0.64";
  const std::string socket = Path("dnstap-again.sock");
  std::unique_ptr<Subprocess> collector = StartCollector(socket, Path("dnstap-again-1.fstrm"));
  ASSERT_NE(collector, nullptr);
  std::unique_ptr<Subprocess> rebound =
      StartResolver("rebound-dnstap-again", kResolver,
                    absl::StrCat("  dnstap-enable: yes\n  dnstap-socket-path: \"", socket,
                                 "\"\n  dnstap-log-client-query-messages: yes\n"));
  ASSERT_NE(rebound, nullptr);
  Ask(kResolver, n::kV4Only, LDNS_RR_TYPE_A);
  collector->Stop();
  unlink(socket.c_str());

  const absl::Time start = absl::Now();
  Ask(kResolver, n::kDualStack, LDNS_RR_TYPE_A);
  Ask(kResolver, n::kMapped, LDNS_RR_TYPE_A);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "a lost collector must not slow answers";

  const std::string second = Path("dnstap-again-2.fstrm");
  collector = StartCollector(socket, second);
  ASSERT_NE(collector, nullptr);
  absl::SleepFor(absl::Seconds(6));  // libfstrm's reopen interval, and some
  Ask(kResolver, n::kBetaWww, LDNS_RR_TYPE_A);
  EXPECT_TRUE(rebound->Running()) << rebound->LogTail();
  rebound->Stop();
  collector->Stop();
  const std::vector<TapMessage> after = ReadCapture(second);
  EXPECT_EQ(OfType(after, "CLIENT_QUERY", n::kBetaWww).size(), 1u);
}

// dnstap-ip with dnstap-tls: no: the same stream to a collector over TCP.
TEST_F(DnstapTest, ACollectorOverTcp) {
  constexpr char kResolver[] = "127.0.0.65";
  constexpr char kCollector[] = "127.0.0.66";
  constexpr int kCollectorPort = 6000;
  const std::string file = Path("dnstap-tcp.fstrm");
  absl::StatusOr<Subprocess> capture =
      Subprocess::Start({"fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-a", kCollector, "-p",
                         absl::StrCat(kCollectorPort), "-w", file},
                        file + ".log");
  ASSERT_TRUE(capture.ok()) << capture.status();
  auto collector = std::make_unique<Subprocess>(*std::move(capture));
  ASSERT_TRUE(WaitForTcpListener(EndpointAt(kCollector, kCollectorPort))) << collector->LogTail();
  std::unique_ptr<Subprocess> rebound = StartResolver(
      "rebound-dnstap-tcp", kResolver,
      absl::StrCat("  dnstap-enable: yes\n  dnstap-ip: ", kCollector, "@", kCollectorPort,
                   "\n  dnstap-tls: no\n"
                   "  dnstap-log-client-query-messages: yes\n"
                   "  dnstap-log-client-response-messages: yes\n"));
  ASSERT_NE(rebound, nullptr);
  Ask(kResolver, n::kV4Only, LDNS_RR_TYPE_A);
  rebound->Stop();
  collector->Stop();
  const std::vector<TapMessage> all = ReadCapture(file);
  ASSERT_EQ(OfType(all, "CLIENT_QUERY", n::kV4Only).size(), 1u) << collector->LogTail();
  EXPECT_EQ(OfType(all, "CLIENT_RESPONSE", n::kV4Only).size(), 1u);
  EXPECT_EQ(OfType(all, "CLIENT_QUERY", n::kV4Only)[0].query_address, kClient);
}

// A forward-zone's servers are FORWARDER_*, over UDP to a plain one and over DOT to a
// forward-tls-upstream one, with the forward-zone as the zone; no RESOLVER_* is logged for them.
// dnstap-ldns predates the DOT protocol value: it prints "?" for it in its one-line form and
// stops its YAML there, so the one-line form is read, and the fields it cannot show (protocol,
// port, zone) are read from the frames with the schema's own decoder.
TEST_F(DnstapTest, ForwardZoneServersAreForwarders) {
  ASSERT_NE(forwarder_status_, nullptr) << "no test CA";
  ASSERT_TRUE(forwarder_status_->ok()) << *forwarder_status_;
  constexpr char kResolver[] = "127.0.0.63";
  const std::string socket = Path("dnstap-forward.sock");
  const std::string file = Path("dnstap-forward.fstrm");
  std::unique_ptr<Subprocess> collector = StartCollector(socket, file);
  ASSERT_NE(collector, nullptr);
  const std::string zones = absl::StrCat(
      "  tls-cert-bundle: \"", *ca_file_, "\"\nforward-zone:\n  name: \"", n::kAlphaZone,
      "\"\n  forward-addr: ", kForwarder, "\nforward-zone:\n  name: \"", n::kBetaZone,
      "\"\n  forward-tls-upstream: yes\n  forward-addr: ", kForwarder, "@853#", kTlsName, "\n");
  std::unique_ptr<Subprocess> rebound =
      StartResolver("rebound-dnstap-forward", kResolver,
                    absl::StrCat("  dnstap-enable: yes\n  dnstap-socket-path: \"", socket,
                                 "\"\n"
                                 "  dnstap-log-resolver-query-messages: yes\n"
                                 "  dnstap-log-resolver-response-messages: yes\n"
                                 "  dnstap-log-forwarder-query-messages: yes\n"
                                 "  dnstap-log-forwarder-response-messages: yes\n"),
                    zones);
  ASSERT_NE(rebound, nullptr);
  Ask(kResolver, n::kV4Only, LDNS_RR_TYPE_A);
  Ask(kResolver, n::kBetaWww, LDNS_RR_TYPE_A);
  rebound->Stop();
  collector->Stop();

  // dnstap-ldns: "DATE TIME FQ ADDRESS PROTOCOL SIZE "QNAME" CLASS TYPE", one line a message.
  const std::string text_path = file + ".txt";
  unlink(text_path.c_str());
  ASSERT_TRUE(RunToCompletion({"dnstap-ldns", "-r", file}, text_path, absl::Seconds(10)).ok());
  std::ifstream in(text_path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 7) continue;
    lines.push_back(absl::StrCat(f[2], " ", f[3], " ", absl::AsciiStrToLower(f[6])));
  }
  const std::string v4only = absl::StrCat("\"", n::kV4Only, "\"");
  const std::string www = absl::StrCat("\"", n::kBetaWww, "\"");
  for (const std::string& name : {v4only, www}) {
    EXPECT_THAT(lines, Contains(absl::StrCat("FQ ", kForwarder, " ", name)));
    EXPECT_THAT(lines, Contains(absl::StrCat("FR ", kForwarder, " ", name)));
    EXPECT_THAT(lines, Not(Contains(absl::StrCat("RQ ", kForwarder, " ", name))));
  }
  EXPECT_EQ(lines.size(), 4u) << absl::StrJoin(lines, "\n");

  // The frames themselves: protocol, port and zone of each forwarder message.
  std::vector<std::string> forwarded;
  for (const std::vector<uint8_t>& frame : ReadFrames(file)) {
    Dnstap__Dnstap* d = dnstap__dnstap__unpack(nullptr, frame.size(), frame.data());
    ASSERT_NE(d, nullptr);
    ASSERT_NE(d->message, nullptr);
    const Dnstap__Message& m = *d->message;
    forwarded.push_back(absl::StrCat(m.type, " protocol ", m.socket_protocol, " port ",
                                     m.response_port, " zone ", WireName(m.query_zone)));
    dnstap__dnstap__free_unpacked(d, nullptr);
  }
  // FORWARDER_QUERY is 7, FORWARDER_RESPONSE 8; UDP is 1, DOT 3.
  EXPECT_THAT(forwarded, UnorderedElementsAre("7 protocol 1 port 53 zone alpha.test.",
                                              "8 protocol 1 port 53 zone alpha.test.",
                                              "7 protocol 3 port 853 zone beta.example.",
                                              "8 protocol 3 port 853 zone beta.example."));
}

testing::TempDir* DnstapTest::tls_dir_ = nullptr;
std::string* DnstapTest::ca_file_ = nullptr;
absl::Status* DnstapTest::forwarder_status_ = nullptr;

}  // namespace
}  // namespace rebound::integration
