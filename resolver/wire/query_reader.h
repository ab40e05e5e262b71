// The fast-path query reader: checks an incoming query and reads its header, question and EDNS
// OPT straight from the packet, with no heap allocation and no ldns, before anything else
// touches it (docs/architecture.md, flow step 2).
#ifndef REBOUND_RESOLVER_WIRE_QUERY_READER_H_
#define REBOUND_RESOLVER_WIRE_QUERY_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rebound {

// What the reader found: either the query may be served, or how to refuse it.
enum class QueryCheck {
  kOk,
  kDrop,     // no header to answer, or a response (QR=1): never answer it (RFC 1035 4.1.1)
  kFormErr,  // malformed: answer FORMERR
  kNotImp,   // an opcode other than QUERY: answer NOTIMP
  kBadVers,  // EDNS version above 0: answer BADVERS (RFC 6891 6.1.3)
};

// The RCODE a failed check is answered with; nullopt for kOk and kDrop.
std::optional<uint16_t> ErrorRcode(QueryCheck check);

// The parts of a query the server needs before (or instead of) a full parse. Offsets point into
// the packet ReadQuery was given; the view does not own or copy it.
struct QueryView {
  // Header (RFC 1035 4.1.1); valid whenever the packet had 12 bytes.
  uint16_t id = 0;
  uint8_t opcode = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  uint8_t rcode = 0;
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  // Question (RFC 1035 4.1.2); valid only when question_read is true.
  bool question_read = false;
  size_t qname_offset = 0;
  size_t qname_length = 0;  // wire form as sent: uncompressed, original case, root label included
  uint16_t qtype = 0, qclass = 0;
  size_t question_end = 0;  // offset of the first byte after the question

  // EDNS (RFC 6891 6.1); valid only when has_edns is true: exactly one well-formed OPT was read.
  bool has_edns = false;
  uint16_t edns_udp_size = 0;  // never below 512 (RFC 6891 6.2.3)
  uint8_t edns_version = 0;
  bool edns_do = false;  // RFC 3225

  // The qname's wire bytes inside `packet` (the one given to ReadQuery); empty unless
  // question_read.
  std::span<const uint8_t> Qname(std::span<const uint8_t> packet) const {
    if (!question_read) return {};
    return packet.subspan(qname_offset, qname_length);
  }
};

// Checks `packet` as a query and fills `out` with as much as could be read, even when the answer
// is not kOk, so that an error response can echo ID, flags, question and EDNS. Never allocates.
QueryCheck ReadQuery(std::span<const uint8_t> packet, QueryView* out);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_QUERY_READER_H_
