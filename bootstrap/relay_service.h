// rebound as a bootstrap relay for others (relay mode, on the interfaces whose port is
// https-port): DNS over HTTPS at /dns-query (RFC 8484: GET with ?dns=, or POST) and the JSON
// form at /bootstrap-dns?q=NAME, answered {"NAME": ["addr", ...]}. Every query is answered the
// way the same query over TCP would be, access-control included.
#ifndef REBOUND_BOOTSTRAP_RELAY_SERVICE_H_
#define REBOUND_BOOTSTRAP_RELAY_SERVICE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "resolver/core/endpoint.h"
#include "tls/https_messages.h"
#include "tls/https_server.h"

namespace rebound {

inline constexpr char kDohPath[] = "/dns-query";  // RFC 8484 3: the usual template
inline constexpr char kBootstrapDnsPath[] = "/bootstrap-dns";

class RelayService {
 public:
  // Answers one DNS query (wire form) from `peer` as the server answers a TCP client; `done`
  // gets the response, or nothing when the query is dropped (access-control: deny). Returns
  // what stops the work when the client goes before the answer (empty when answered already).
  using AnswerQuery = std::function<HttpsCancel(std::vector<uint8_t> query, const Endpoint& peer,
                                                std::function<void(std::vector<uint8_t>)> done)>;

  explicit RelayService(AnswerQuery answer) : answer_(std::move(answer)) {}

  // The HttpsHandler: 200 with the answer, or 400 (no usable query), 403 (dropped by
  // access-control), 404 (another path), 405 (another method), 415 (a POST that is not
  // application/dns-message, RFC 8484 4.1), 502 (no answer for the JSON form).
  void Handle(const HttpsRequest& request, HttpsResponder respond);

 private:
  void HandleDoh(const HttpsRequest& request, std::vector<uint8_t> query, HttpsResponder respond);
  void HandleJson(const HttpsRequest& request, const std::string& name, HttpsResponder respond);

  AnswerQuery answer_;
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_SERVICE_H_
