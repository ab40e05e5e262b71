#include "resolver/server/https_listener.h"

#include <utility>
#include <vector>

namespace rebound {

absl::StatusOr<std::unique_ptr<HttpsListener>> HttpsListener::Create(uv_loop_t* loop,
                                                                     const Config& config,
                                                                     QueryHandler* handler,
                                                                     ConnectionLimits* per_client) {
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(config.tls_service_key, config.tls_service_pem);
  if (!context.ok()) return context.status();
  return std::unique_ptr<HttpsListener>(
      new HttpsListener(loop, config, *std::move(context), handler, per_client));
}

HttpsListener::HttpsListener(uv_loop_t* loop, const Config& config,
                             std::unique_ptr<TlsServerContext> context, QueryHandler* handler,
                             ConnectionLimits* per_client)
    : loop_(loop),
      config_(config),
      context_(std::move(context)),
      handler_(handler),
      per_client_(per_client) {}

absl::Status HttpsListener::Listen(const Endpoint& address, bool reuse_port) {
  QueryHandler* handler = handler_;
  auto service = std::make_unique<RelayService>(
      [handler, address](std::vector<uint8_t> query, const Endpoint& peer,
                         std::function<void(std::vector<uint8_t>)> done) -> HttpsCancel {
        // HTTPS runs over TCP: the client takes any size (RFC 8484 6).
        std::vector<uint8_t> out(65535);
        QueryHandler::Handled handled = handler->Handle(
            query,
            ClientInfo{
                .address = peer, .tcp = true, .local = address, .protocol = ClientProtocol::kHttps},
            out, [&done]() -> QueryHandler::Reply { return done; });
        switch (handled.outcome) {
          case QueryHandler::Outcome::kDropped:
            done({});
            return nullptr;
          case QueryHandler::Outcome::kAnswered:
            out.resize(handled.size);
            done(std::move(out));
            return nullptr;
          case QueryHandler::Outcome::kPending:
            // The Reply sends it, unless the client goes first.
            return [handler, request = handled.request] { handler->Abandon(request); };
        }
        return nullptr;
      });
  // At accept, before the handshake: a client that would only ever get REFUSED (or nothing)
  // costs no TLS handshake and holds no slot. The netblock's count is the same one DNS over TCP
  // uses.
  const AccessControlList* acl = &config_.acl;
  ConnectionLimits* per_client = per_client_;
  HttpsAdmission admit = [acl, per_client](const Endpoint& peer,
                                           const Endpoint& local) -> std::shared_ptr<void> {
    const AccessAction action = acl->Lookup(peer, local);
    if (action == AccessAction::kDeny || action == AccessAction::kRefuse) return nullptr;
    if (per_client == nullptr) return std::make_shared<int>(0);
    return per_client->Admit(peer);
  };
  auto server = std::make_unique<HttpsServer>(
      loop_, context_.get(),
      HttpsServerOptions{.max_connections = config_.incoming_num_tcp,
                         .idle_timeout = config_.tcp_idle_timeout,
                         .admit = std::move(admit)},
      [relay = service.get()](const HttpsRequest& request, HttpsResponder respond) {
        relay->Handle(request, std::move(respond));
      });
  if (absl::Status s = server->Listen(address, reuse_port); !s.ok()) return s;
  interfaces_.push_back({std::move(service), std::move(server)});
  return absl::OkStatus();
}

}  // namespace rebound
