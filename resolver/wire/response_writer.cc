#include "resolver/wire/response_writer.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

#include "absl/status/status.h"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/wire_format.h"

namespace rebound {
namespace {

// ldns's name compression table (a red-black tree of name -> offset) for one message. ldns
// fills it in ldns_dname2buffer_wire_compress, allocating each node with malloc and keying it
// with a cloned name, and frees it the same way in ldns_pkt2buffer_wire; we must do as it does.
class CompressionTable {
 public:
  CompressionTable() : tree_(ldns_rbtree_create(&CompareNames)) {}
  ~CompressionTable() {
    if (tree_ == nullptr) return;
    ldns_traverse_postorder(tree_, &FreeNode, nullptr);
    ldns_rbtree_free(tree_);
  }
  CompressionTable(const CompressionTable&) = delete;
  CompressionTable& operator=(const CompressionTable&) = delete;

  ldns_rbtree_t* get() const { return tree_; }

 private:
  // Case-insensitive, so that a name compresses against the question whatever its 0x20 case.
  static int CompareNames(const void* a, const void* b) {
    return ldns_dname_compare(static_cast<const ldns_rdf*>(a), static_cast<const ldns_rdf*>(b));
  }
  static void FreeNode(ldns_rbnode_t* node, void*) {
    ldns_rdf_deep_free(static_cast<ldns_rdf*>(const_cast<void*>(node->key)));
    free(node);
  }

  ldns_rbtree_t* tree_;
};

// Which sections a rendering carries: everything, everything but additional data, or nothing
// after the question.
enum class Sections { kAll, kNoAdditional, kNone };

// RFC 6891 6.1.2, 6.1.3: an OPT without options, version 0. The 12-bit RCODE's upper 8 bits go
// in the TTL's top octet.
std::array<uint8_t, wire::kEmptyOptSize> EncodeOpt(uint16_t buffer_size, uint16_t rcode,
                                                   bool dnssec_ok) {
  // RFC 6891 6.2.5: values below 512 are treated as 512 anyway; don't advertise them.
  const uint16_t size = std::max<uint16_t>(buffer_size, wire::kMinUdpSize);
  const uint8_t extended_rcode = static_cast<uint8_t>((rcode & wire::kMaxRcode) >> 4);
  // Owner 0 (the root, RFC 6891 6.1.2), version 0 and RDLENGTH 0 stay zero.
  std::array<uint8_t, wire::kEmptyOptSize> opt{};
  opt[1] = static_cast<uint8_t>(wire::kTypeOpt >> 8);
  opt[2] = static_cast<uint8_t>(wire::kTypeOpt);
  opt[3] = static_cast<uint8_t>(size >> 8);  // CLASS: our payload size
  opt[4] = static_cast<uint8_t>(size);
  opt[5] = extended_rcode;  // TTL: extended RCODE, version, DO and Z
  opt[7] = dnssec_ok ? static_cast<uint8_t>(wire::kEdnsDoBit >> 8) : 0;
  return opt;
}

// RFC 8914 2: the EDE option (code 15: INFO-CODE, then EXTRA-TEXT) at the end of the OPT that
// starts at `opt_at`, whose RDLENGTH grows by as much.
void AppendEde(const ResponseOptions& opts, size_t opt_at, std::vector<uint8_t>& message) {
  constexpr uint16_t kOptionEde = 15;
  const std::string_view text = std::string_view(opts.ede_extra_text).substr(0, kMaxEdeTextSize);
  const uint16_t option_length = static_cast<uint16_t>(2 + text.size());
  wire::Append16(message, kOptionEde);
  wire::Append16(message, option_length);
  wire::Append16(message, *opts.ede_info_code);
  message.insert(message.end(), text.begin(), text.end());
  const uint16_t rdlength = static_cast<uint16_t>(4 + option_length);
  message[opt_at + wire::kEmptyOptSize - 2] = static_cast<uint8_t>(rdlength >> 8);
  message[opt_at + wire::kEmptyOptSize - 1] = static_cast<uint8_t>(rdlength);
}

// The answer's full RCODE: ldns keeps the header's 4 bits and the OPT's upper 8 apart, but a
// stage may also have set a value above 15 directly.
uint16_t FullRcode(const ldns_pkt& answer) {
  const uint16_t rcode = static_cast<uint16_t>(ldns_pkt_get_rcode(&answer));
  if (rcode > wire::kRcodeMask) return rcode & wire::kMaxRcode;
  return static_cast<uint16_t>((ldns_pkt_edns_extended_rcode(&answer) << 4) | rcode);
}

void PatchCount(std::vector<uint8_t>& message, size_t offset, size_t count) {
  message[offset] = static_cast<uint8_t>(count >> 8);
  message[offset + 1] = static_cast<uint8_t>(count);
}

// Writes each RR of `list` (may be null), counting them; false when ldns failed.
bool WriteRrs(ldns_buffer* buffer, const ldns_rr_list* list, int section, CompressionTable& names,
              size_t* count) {
  *count = list == nullptr ? 0 : ldns_rr_list_rr_count(list);
  for (size_t i = 0; i < *count; ++i) {
    if (ldns_rr2buffer_wire_compress(buffer, ldns_rr_list_rr(list, i), section, names.get()) !=
        LDNS_STATUS_OK) {
      return false;
    }
  }
  return true;
}

// One rendering of the response with the given sections. OutOfRange when a section holds more
// RRs than a message can count (it would not fit in any message either).
absl::StatusOr<std::vector<uint8_t>> RenderOnce(const ldns_pkt& query, const ldns_pkt& answer,
                                                const ResponseOptions& opts, Sections sections) {
  LdnsBufferPtr buffer(ldns_buffer_new(wire::kMinUdpSize));
  CompressionTable names;
  if (buffer == nullptr || names.get() == nullptr) return absl::ResourceExhaustedError("ldns");
  // The header is patched in below, once the counts are known.
  const std::array<uint8_t, wire::kHeaderSize> zeros{};
  if (!ldns_buffer_reserve(buffer.get(), zeros.size())) {
    return absl::ResourceExhaustedError("ldns buffer");
  }
  ldns_buffer_write(buffer.get(), zeros.data(), zeros.size());

  // The question goes first with an empty table, so its name is written as the client sent it.
  std::array<size_t, 4> counts{};
  bool ok =
      WriteRrs(buffer.get(), ldns_pkt_question(&query), LDNS_SECTION_QUESTION, names, &counts[0]);
  if (sections != Sections::kNone) {
    ok = ok &&
         WriteRrs(buffer.get(), ldns_pkt_answer(&answer), LDNS_SECTION_ANSWER, names, &counts[1]) &&
         WriteRrs(buffer.get(), ldns_pkt_authority(&answer), LDNS_SECTION_AUTHORITY, names,
                  &counts[2]);
  }
  if (sections == Sections::kAll) {
    ok = ok && WriteRrs(buffer.get(), ldns_pkt_additional(&answer), LDNS_SECTION_ADDITIONAL, names,
                        &counts[3]);
  }
  if (!ok || !ldns_buffer_status_ok(buffer.get())) {
    return absl::InternalError("ldns could not render the response");
  }

  uint16_t rcode = FullRcode(answer);
  // RFC 6891 6.1.3: an extended RCODE lives in the OPT; a client without EDNS can't see it.
  if (rcode > wire::kRcodeMask && !opts.query_had_edns) rcode = wire::kRcodeServFail;

  std::vector<uint8_t> message(
      ldns_buffer_begin(buffer.get()),
      ldns_buffer_begin(buffer.get()) + ldns_buffer_position(buffer.get()));
  if (opts.query_had_edns) {
    const auto opt = EncodeOpt(opts.edns_buffer_size, rcode, opts.edns_do);
    const size_t opt_at = message.size();
    message.insert(message.end(), opt.begin(), opt.end());
    if (opts.ede_info_code.has_value()) AppendEde(opts, opt_at, message);
    ++counts[3];
  }
  if (*std::max_element(counts.begin(), counts.end()) > 0xffff) {
    return absl::OutOfRangeError("too many records for one message");
  }

  // RFC 1035 4.1.1: ID and opcode from the query; RD copied; CD copied (RFC 4035 3.2.2).
  const uint16_t id = ldns_pkt_id(&query);
  message[wire::kIdOffset] = static_cast<uint8_t>(id >> 8);
  message[wire::kIdOffset + 1] = static_cast<uint8_t>(id);
  message[wire::kFlags1Offset] = static_cast<uint8_t>(
      wire::kQrBit | ((ldns_pkt_get_opcode(&query) << wire::kOpcodeShift) & wire::kOpcodeMask) |
      (ldns_pkt_aa(&answer) ? wire::kAaBit : 0) | (sections == Sections::kNone ? wire::kTcBit : 0) |
      (ldns_pkt_rd(&query) ? wire::kRdBit : 0));
  message[wire::kFlags2Offset] = static_cast<uint8_t>(
      wire::kRaBit | (ldns_pkt_cd(&query) ? wire::kCdBit : 0) | (rcode & wire::kRcodeMask));
  PatchCount(message, wire::kQdcountOffset, counts[0]);
  PatchCount(message, wire::kAncountOffset, counts[1]);
  PatchCount(message, wire::kNscountOffset, counts[2]);
  PatchCount(message, wire::kArcountOffset, counts[3]);
  return message;
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> RenderResponse(const ldns_pkt& query, const ldns_pkt& answer,
                                                    const ResponseOptions& opts) {
  if (opts.max_size < wire::kMinUdpSize) {
    return absl::InvalidArgumentError("max_size below 512");
  }
  if (ldns_pkt_question(&query) == nullptr ||
      ldns_rr_list_rr_count(ldns_pkt_question(&query)) == 0) {
    return absl::InvalidArgumentError("query without a question");
  }
  const size_t max_size = std::min(opts.max_size, wire::kMaxMessageSize);
  for (Sections sections : {Sections::kAll, Sections::kNoAdditional, Sections::kNone}) {
    // RFC 2181 9: only leaving out answer or authority data is truncation; additional data that
    // does not fit is simply dropped, so the client isn't sent to TCP for glue.
    if (sections == Sections::kNoAdditional &&
        (ldns_pkt_additional(&answer) == nullptr ||
         ldns_rr_list_rr_count(ldns_pkt_additional(&answer)) == 0)) {
      continue;
    }
    absl::StatusOr<std::vector<uint8_t>> message = RenderOnce(query, answer, opts, sections);
    if (!message.ok()) {
      if (absl::IsOutOfRange(message.status())) continue;
      return message.status();
    }
    if (message->size() <= max_size) return message;
  }
  // Header, one question of at most 259 octets and an OPT never exceed 512.
  return absl::InternalError("truncated response does not fit");
}

std::vector<uint8_t> RenderErrorResponse(std::span<const uint8_t> query_packet,
                                         const QueryView& view, uint16_t rcode,
                                         uint16_t edns_buffer_size) {
  if (query_packet.size() < wire::kHeaderSize) return {};
  rcode &= wire::kMaxRcode;
  const bool question = view.question_read && view.question_end <= query_packet.size();
  // RFC 6891 7: no OPT in a response to a query without one; so an extended RCODE, which needs
  // the OPT for its upper bits (6.1.3), cannot be told to such a client: it gets SERVFAIL.
  if (rcode > wire::kRcodeMask && !view.has_edns) rcode = wire::kRcodeServFail;
  const bool opt = view.has_edns;

  std::vector<uint8_t> message;
  message.reserve(wire::kHeaderSize + (question ? view.question_end - view.qname_offset : 0) +
                  (opt ? wire::kEmptyOptSize : 0));
  wire::Append16(message, view.id);
  message.push_back(static_cast<uint8_t>(wire::kQrBit |
                                         ((view.opcode << wire::kOpcodeShift) & wire::kOpcodeMask) |
                                         (view.rd ? wire::kRdBit : 0)));
  message.push_back(static_cast<uint8_t>(wire::kRaBit | (view.cd ? wire::kCdBit : 0) |
                                         (rcode & wire::kRcodeMask)));
  wire::Append16(message, question ? 1 : 0);
  wire::Append16(message, 0);
  wire::Append16(message, 0);
  wire::Append16(message, opt ? 1 : 0);
  if (question) {
    message.insert(message.end(), query_packet.begin() + view.qname_offset,
                   query_packet.begin() + view.question_end);
  }
  if (opt) {
    // RFC 3225 3: DO is echoed; RFC 6891 6.1.3: version 0 is the one we implement.
    const auto encoded = EncodeOpt(edns_buffer_size, rcode, view.has_edns && view.edns_do);
    message.insert(message.end(), encoded.begin(), encoded.end());
  }
  return message;
}

size_t MaxUdpResponseSize(bool has_edns, uint16_t client_udp_size, uint16_t edns_buffer_size) {
  if (!has_edns) return wire::kMinUdpSize;
  return std::max<size_t>(std::min(client_udp_size, edns_buffer_size), wire::kMinUdpSize);
}

}  // namespace rebound
