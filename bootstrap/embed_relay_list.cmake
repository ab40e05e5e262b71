# Writes OUTPUT, a C++ source that holds the text of INPUT (bootstrap/relays.list) as a raw
# string: the relay list is compiled in, and rebuilding after an edit picks the change up.
# Run as: cmake -DINPUT=... -DOUTPUT=... -P embed_relay_list.cmake
file(READ "${INPUT}" text)
set(delimiter "rebound_relays")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains )${delimiter}\", which would end the raw string")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by embed_relay_list.cmake; do not edit.\n"
  "#include <cstddef>\n\n"
  "namespace rebound::bootstrap_internal {\n"
  "extern const char kBuiltInRelayListText[] = R\"${delimiter}(${text})${delimiter}\";\n"
  "extern const size_t kBuiltInRelayListSize = sizeof(kBuiltInRelayListText) - 1;\n"
  "}  // namespace rebound::bootstrap_internal\n")
# Unchanged text leaves the source untouched, so nothing recompiles.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
