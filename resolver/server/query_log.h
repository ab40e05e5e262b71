// The per-query log lines of unbound.conf(5)'s log-queries, log-replies and log-servfail, worded
// as unbound words them (its log_query_in, log_reply_info and SERVFAIL reason lines), so that a
// script reading unbound's log reads rebound's.
#ifndef REBOUND_RESOLVER_SERVER_QUERY_LOG_H_
#define REBOUND_RESOLVER_SERVER_QUERY_LOG_H_

#include <ldns/ldns.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"

namespace rebound {

// log-queries: "127.0.0.1 example.com. A IN" (the client's address, without its port).
std::string QueryLogLine(const Endpoint& client, const ldns_rdf* qname, ldns_rr_type qtype,
                         ldns_rr_class qclass);

// log-replies: "127.0.0.1 example.com. A IN NOERROR 0.000123 0 56": the question and rcode of
// `response`, the time since the query came, 1 when answered from the cache, and the size sent.
// Nullopt for a response without a question (a FORMERR to a query cut short).
std::optional<std::string> ReplyLogLine(const Endpoint& client, std::span<const uint8_t> response,
                                        bool cached, absl::Duration elapsed);

// log-servfail: "SERVFAIL <example.com. A IN>: reason".
std::string ServfailLogLine(const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass,
                            absl::string_view reason);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_QUERY_LOG_H_
