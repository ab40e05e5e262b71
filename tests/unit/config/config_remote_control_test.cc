// The remote-control: clause (rebound-control's channel).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ConfigRemoteControlTest, OffByDefaultAndASocketFileWhenEnabledAlone) {
  EXPECT_FALSE(MustParse("server:\n  port: 5353\n").remote_control.enable);
  const Config config = MustParse("remote-control:\n  control-enable: yes\n");
  EXPECT_TRUE(config.remote_control.enable);
  EXPECT_THAT(config.remote_control.Interfaces(), ElementsAre("/run/rebound/control.sock"));
}

TEST(ConfigRemoteControlTest, ReadsUnboundsOptions) {
  const Config config = MustParse(
      "remote-control:\n  control-enable: yes\n  control-interface: /tmp/a.sock\n"
      "  control-interface: ::1\n  control-port: 8954\n  control-use-cert: no\n"
      "  server-key-file: /k\n  server-cert-file: /c\n  control-key-file: /ck\n"
      "  control-cert-file: /cc\n");
  EXPECT_THAT(config.remote_control.Interfaces(), ElementsAre("/tmp/a.sock", "::1"));
  EXPECT_EQ(config.remote_control.port, 8954);
  EXPECT_FALSE(config.remote_control.use_cert);
  EXPECT_EQ(config.remote_control.server_key_file, "/k");
  EXPECT_EQ(config.remote_control.control_cert_file, "/cc");
}

TEST(ConfigRemoteControlTest, BadValuesNameTheirLine) {
  EXPECT_THAT(ErrorOf("remote-control:\n  control-port: 0\n"), HasSubstr("test.conf:2:"));
  EXPECT_THAT(ErrorOf("remote-control:\n  control-interface: eth0\n"),
              HasSubstr("test.conf:2: control-interface: 'eth0' is neither"));
  EXPECT_THAT(ErrorOf("remote-control:\n  control-enable: maybe\n"), HasSubstr("test.conf:2:"));
  EXPECT_THAT(ErrorOf("remote-control:\n  verbosity: 2\n"), HasSubstr("test.conf:2:"));
}

// An address with control-use-cert (unbound's default) is TLS with client certificates now,
// no longer refused: the files are rebound's defaults unless given, and are read by the daemon
// and rebound-control, not by the parser (rebound-control cannot read the server's key).
TEST(ConfigRemoteControlTest, AnAddressWithCertificatesIsAcceptedWithTheDefaultFiles) {
  const Config config = MustParse(
      "server:\n  port: 5353\nremote-control:\n  control-enable: yes\n"
      "  control-interface: 127.0.0.1\n  server-key-file: /nonexistent/k\n");
  EXPECT_TRUE(config.remote_control.enable);
  EXPECT_TRUE(config.remote_control.use_cert);
  EXPECT_THAT(config.remote_control.Interfaces(), ElementsAre("127.0.0.1"));
  EXPECT_EQ(config.remote_control.server_key_file, "/nonexistent/k");
  EXPECT_EQ(config.remote_control.server_cert_file, "/etc/rebound/rebound_server.pem");
  EXPECT_EQ(config.remote_control.control_key_file, "/etc/rebound/rebound_control.key");
  EXPECT_EQ(config.remote_control.control_cert_file, "/etc/rebound/rebound_control.pem");
  EXPECT_FALSE(MustParse("remote-control:\n  control-enable: yes\n  control-interface: 127.0.0.1\n"
                         "  control-use-cert: no\n")
                   .remote_control.use_cert);
}

}  // namespace
}  // namespace rebound
