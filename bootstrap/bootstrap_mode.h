// When rebound may use the bootstrap relays, as set by the config option `bootstrap:`. A header
// of its own so that the Config can name it without pulling in the HealthMonitor.
#ifndef REBOUND_BOOTSTRAP_BOOTSTRAP_MODE_H_
#define REBOUND_BOOTSTRAP_BOOTSTRAP_MODE_H_

namespace rebound {

enum class BootstrapMode {
  kNo,    // never: ordinary DNS only
  kYes,   // when ordinary DNS cannot be reached (the default)
  kOnly,  // always through the relays; ordinary DNS is never tried
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_BOOTSTRAP_MODE_H_
