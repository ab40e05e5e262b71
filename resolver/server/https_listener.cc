#include "resolver/server/https_listener.h"

#include <utility>
#include <vector>

namespace rebound {

absl::StatusOr<std::unique_ptr<HttpsListener>> HttpsListener::Create(uv_loop_t* loop,
                                                                     const Config& config,
                                                                     QueryHandler* handler) {
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(config.tls_service_key, config.tls_service_pem);
  if (!context.ok()) return context.status();
  std::unique_ptr<HttpsListener> listener(new HttpsListener(*std::move(context), handler));
  listener->server_ = std::make_unique<HttpsServer>(
      loop, listener->context_.get(),
      HttpsServerOptions{.max_connections = config.incoming_num_tcp,
                         .idle_timeout = config.tcp_idle_timeout},
      [service = &listener->service_](const HttpsRequest& request, HttpsResponder respond) {
        service->Handle(request, std::move(respond));
      });
  return listener;
}

HttpsListener::HttpsListener(std::unique_ptr<TlsServerContext> context, QueryHandler* handler)
    : context_(std::move(context)),
      handler_(handler),
      service_([this](std::vector<uint8_t> query, const Endpoint& peer,
                      std::function<void(std::vector<uint8_t>)> done) {
        // HTTPS runs over TCP: the client takes any size (RFC 8484 6).
        std::vector<uint8_t> out(65535);
        QueryHandler::Handled handled =
            handler_->Handle(query, ClientInfo{peer, /*tcp=*/true}, out,
                             [&done]() -> QueryHandler::Reply { return done; });
        switch (handled.outcome) {
          case QueryHandler::Outcome::kDropped:
            return done({});
          case QueryHandler::Outcome::kAnswered:
            out.resize(handled.size);
            return done(std::move(out));
          case QueryHandler::Outcome::kPending:
            return;  // the Reply sends it
        }
      }) {}

}  // namespace rebound
