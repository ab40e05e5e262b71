// Checks of what must hold, at the first two of the three levels the design names:
//   CHECK(cond)   always on: start-up and state whose loss would corrupt everything after it;
//                 a failure logs file:line and the condition, then aborts.
//   DCHECK(cond)  invariants between our own modules, checked in builds without NDEBUG (the
//                 test and sanitizer builds); in release builds the condition is not evaluated.
// The third level, anything traffic can cause, is never a check: it is a soft failure (SERVFAIL
// or FORMERR, a counter, a rate-limited log line).
#ifndef REBOUND_RESOLVER_CORE_CHECK_H_
#define REBOUND_RESOLVER_CORE_CHECK_H_

namespace rebound {

[[noreturn]] void CheckFailed(const char* file, int line, const char* condition) noexcept;

}  // namespace rebound

#define CHECK(condition)                                                      \
  do {                                                                        \
    if (!(condition)) ::rebound::CheckFailed(__FILE__, __LINE__, #condition); \
  } while (false)

#ifdef NDEBUG
#define DCHECK(condition)         \
  do {                            \
    if (false) (void)(condition); \
  } while (false)
#else
#define DCHECK(condition) CHECK(condition)
#endif

#endif  // REBOUND_RESOLVER_CORE_CHECK_H_
