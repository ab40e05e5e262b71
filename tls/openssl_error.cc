#include "tls/openssl_error.h"

#include <openssl/err.h>

namespace rebound {

std::string DrainOpenSslErrors(std::vector<unsigned long>* codes) {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    if (codes != nullptr) codes->push_back(code);
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

}  // namespace rebound
