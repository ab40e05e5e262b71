// OpenSSL reports errors on a per-thread queue; these helpers turn it into text and make sure a
// failure in one connection does not leave stale entries that confuse the next SSL call.
#ifndef REBOUND_TLS_OPENSSL_ERROR_H_
#define REBOUND_TLS_OPENSSL_ERROR_H_

#include <string>
#include <vector>

namespace rebound {

// Every queued error as "reason; reason", oldest first, emptying the queue. "" when none. The
// raw error codes are appended to `codes` when given (ERR_GET_REASON tells them apart).
std::string DrainOpenSslErrors(std::vector<unsigned long>* codes = nullptr);

}  // namespace rebound

#endif  // REBOUND_TLS_OPENSSL_ERROR_H_
