// The edge between libuv and our code. An exception must never unwind out of a libuv callback:
// through libuv's C frames it either terminates the process (issue 15 item 1: one HTTPS request
// did that) or leaves the loop half-way through its handles. Every callback we hand libuv runs
// its body through GuardCallback, which catches everything, counts it and logs it (rate-limited).
// The request that threw gets no answer; the process and every other request go on.
#ifndef REBOUND_RESOLVER_CORE_CALLBACK_GUARD_H_
#define REBOUND_RESOLVER_CORE_CALLBACK_GUARD_H_

#include <cstdint>
#include <exception>

namespace rebound {

// Counts and logs an exception caught at the libuv edge named `where`.
void NoteEscapedException(const char* where, const char* what) noexcept;
// Exceptions caught at the libuv edges since start, all threads together.
uint64_t EscapedExceptions() noexcept;

template <typename Body>
void GuardCallback(const char* where, Body&& body) noexcept {
  try {
    body();
  } catch (const std::exception& e) {
    NoteEscapedException(where, e.what());
  } catch (...) {
    NoteEscapedException(where, "an exception of unknown type");
  }
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_CALLBACK_GUARD_H_
