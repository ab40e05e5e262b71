#include "bootstrap/relay_answer.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "resolver/wire/message_check.h"

namespace rebound {
namespace {

std::string NameText(const ldns_rdf* name) {
  std::unique_ptr<char, decltype(&free)> text(ldns_rdf2str(name), &free);
  return text ? std::string(text.get()) : std::string("?");
}

std::string TypeText(ldns_rr_type type) {
  std::unique_ptr<char, decltype(&free)> text(ldns_rr_type2str(type), &free);
  return text ? std::string(text.get()) : absl::StrCat("TYPE", static_cast<int>(type));
}

std::string RcodeText(ldns_pkt_rcode rcode) {
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  return entry != nullptr ? std::string(entry->name)
                          : absl::StrCat("RCODE", static_cast<int>(rcode));
}

// RFC 3986 2.3: only these octets stand for themselves in a query component.
bool IsUnreserved(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void CapTtls(ldns_rr_list* list, uint32_t max_ttl) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(list, i);
    // An OPT record's "TTL" holds EDNS flags (RFC 6891 6.1.3), not a time.
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_OPT) continue;
    if (ldns_rr_ttl(rr) > max_ttl) ldns_rr_set_ttl(rr, max_ttl);
    // RFC 2308 5: a negative answer is cached for min(SOA TTL, SOA MINIMUM); cap both.
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) == 7) {
      ldns_rdf* minimum = ldns_rr_rdf(rr, 6);
      if (ldns_rdf_size(minimum) == 4 && ldns_read_uint32(ldns_rdf_data(minimum)) > max_ttl) {
        ldns_write_uint32(ldns_rdf_data(minimum), max_ttl);
      }
    }
  }
}

absl::Status CheckQuestion(const ldns_pkt& pkt, const ldns_rdf* qname, ldns_rr_type qtype) {
  if (ldns_pkt_qdcount(&pkt) != 1 || ldns_rr_list_rr_count(ldns_pkt_question(&pkt)) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(ldns_pkt_qdcount(&pkt), " questions in the answer, expected 1"));
  }
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(&pkt), 0);
  if (ldns_dname_compare(ldns_rr_owner(question), qname) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("answers ", NameText(ldns_rr_owner(question)), ", asked ", NameText(qname)));
  }
  if (ldns_rr_get_type(question) != qtype) {
    return absl::InvalidArgumentError(absl::StrCat(
        "answers type ", TypeText(ldns_rr_get_type(question)), ", asked ", TypeText(qtype)));
  }
  if (ldns_rr_get_class(question) != LDNS_RR_CLASS_IN) {
    return absl::InvalidArgumentError("answers a class other than IN");
  }
  return absl::OkStatus();
}

// The JSON key as a name: a final dot is optional, so a relative key is made absolute.
LdnsRdfPtr KeyAsName(const std::string& key) {
  if (key.empty() || key.find('\0') != std::string::npos) return nullptr;
  const std::string absolute = ldns_dname_str_absolute(key.c_str()) ? key : key + ".";
  return LdnsRdfPtr(ldns_dname_new_frm_str(absolute.c_str()));
}

LdnsRrPtr AddressRecord(const ldns_rdf* qname, ldns_rr_type qtype, const void* address,
                        uint32_t ttl) {
  LdnsRrPtr rr(ldns_rr_new());
  ldns_rr_set_owner(rr.get(), ldns_rdf_clone(qname));
  ldns_rr_set_type(rr.get(), qtype);
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), ttl);
  const bool v6 = qtype == LDNS_RR_TYPE_AAAA;
  ldns_rr_push_rdf(rr.get(), ldns_rdf_new_frm_data(v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A,
                                                   v6 ? 16 : 4, address));
  return rr;
}

// A NOERROR answer as a recursive server sends it, with the question and no records yet.
LdnsPktPtr EmptyAnswer(const ldns_rdf* qname, ldns_rr_type qtype) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_id(pkt.get(), 0);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rd(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_pkt_set_opcode(pkt.get(), LDNS_PACKET_QUERY);
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NOERROR);
  ldns_rr* question = ldns_rr_new();
  ldns_rr_set_owner(question, ldns_rdf_clone(qname));
  ldns_rr_set_type(question, qtype);
  ldns_rr_set_class(question, LDNS_RR_CLASS_IN);
  ldns_rr_set_question(question, true);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, question);
  return pkt;
}

absl::StatusOr<LdnsPktPtr> BuildJsonAnswer(const nlohmann::json& doc, const ldns_rdf* qname,
                                           ldns_rr_type qtype, uint32_t max_ttl) {
  if (!doc.is_object()) return absl::InvalidArgumentError("JSON answer is not an object");
  if (doc.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON answer has ", doc.size(), " members, expected 1"));
  }
  const auto member = doc.begin();
  LdnsRdfPtr key = KeyAsName(member.key());
  if (key == nullptr || ldns_dname_compare(key.get(), qname) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON answer is for '", member.key(), "', asked ", NameText(qname)));
  }
  const nlohmann::json& addresses = member.value();
  if (!addresses.is_array()) {
    return absl::InvalidArgumentError("JSON answer's value is not an array of addresses");
  }
  if (addresses.size() > kMaxJsonAddresses) {
    return absl::InvalidArgumentError(absl::StrCat("JSON answer holds ", addresses.size(),
                                                   " addresses, more than ", kMaxJsonAddresses));
  }
  const bool want_v6 = qtype == LDNS_RR_TYPE_AAAA;
  const uint32_t ttl = std::min(max_ttl, kJsonAnswerTtl);
  LdnsPktPtr pkt = EmptyAnswer(qname, qtype);
  std::vector<in6_addr> seen;  // an RRset holds no duplicates (RFC 2181 5)
  for (const nlohmann::json& element : addresses) {
    const std::string* text = element.get_ptr<const std::string*>();
    if (text == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("JSON answer holds ", element.type_name(), " where an address belongs"));
    }
    in6_addr address{};  // large enough for either family
    const bool clean = text->find('\0') == std::string::npos;
    const bool v4 = clean && inet_pton(AF_INET, text->c_str(), &address) == 1;
    const bool v6 = clean && !v4 && inet_pton(AF_INET6, text->c_str(), &address) == 1;
    if (!v4 && !v6) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JSON answer holds '", absl::CHexEscape(absl::string_view(*text).substr(0, 64)),
          "', not an IPv4 or IPv6 address"));
    }
    if (v6 != want_v6) continue;
    if (std::any_of(seen.begin(), seen.end(), [&address](const in6_addr& a) {
          return std::memcmp(&a, &address, sizeof a) == 0;
        })) {
      continue;
    }
    seen.push_back(address);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER,
                     AddressRecord(qname, qtype, &address, ttl).release());
  }
  return pkt;
}

}  // namespace

std::vector<uint8_t> RelayQueryWire(const ldns_rdf* qname, ldns_rr_type qtype) {
  if (qname == nullptr) return {};
  ldns_rdf* name = ldns_rdf_clone(qname);
  ldns_dname2canonical(name);
  LdnsPktPtr pkt(ldns_pkt_query_new(name, qtype, LDNS_RR_CLASS_IN, LDNS_RD));
  if (pkt == nullptr) return {};
  ldns_pkt_set_id(pkt.get(), 0);  // RFC 8484 4.1
  ldns_pkt_set_edns_udp_size(pkt.get(), kRelayEdnsPayloadSize);
  return PacketToWire(*pkt);
}

std::string DohGetPath(const Relay& relay, const ldns_rdf* qname, ldns_rr_type qtype) {
  const std::vector<uint8_t> wire = RelayQueryWire(qname, qtype);
  // RFC 8484 4.1 and 6: the "dns" variable is base64url (RFC 4648 5) without padding.
  return absl::StrCat(relay.path, "?dns=",
                      absl::WebSafeBase64Escape(absl::string_view(
                          reinterpret_cast<const char*>(wire.data()), wire.size())));
}

std::string JsonGetPath(const Relay& relay, const ldns_rdf* qname) {
  LdnsRdfPtr name(ldns_rdf_clone(qname));
  ldns_dname2canonical(name.get());
  std::string text = NameText(name.get());
  if (text.size() > 1 && text.back() == '.') text.pop_back();
  std::string out = absl::StrCat(relay.path, "?q=");
  for (char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::BytesToHexString(absl::string_view(&c, 1))));
    }
  }
  return out;
}

absl::StatusOr<LdnsPktPtr> AcceptDohResponse(absl::Span<const uint8_t> wire, const ldns_rdf* qname,
                                             ldns_rr_type qtype, uint32_t max_ttl) {
  if (wire.empty()) return absl::InvalidArgumentError("empty DoH answer");
  ldns_pkt* parsed = nullptr;
  // A relay is a third party: what ldns would mishandle (message_check.h) never reaches it.
  if (!SafeForLdns(std::span<const uint8_t>(wire.data(), wire.size()))) {
    return absl::InvalidArgumentError("malformed DNS message: a TSIG or a second OPT");
  }
  const ldns_status status = ldns_wire2pkt(&parsed, wire.data(), wire.size());
  if (status != LDNS_STATUS_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed DNS message: ", ldns_get_errorstr_by_id(status)));
  }
  LdnsPktPtr pkt(parsed);
  if (!ldns_pkt_qr(pkt.get())) return absl::InvalidArgumentError("not a response (QR is 0)");
  if (ldns_pkt_id(pkt.get()) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ID is ", ldns_pkt_id(pkt.get()), ", expected 0 (RFC 8484 4.1)"));
  }
  if (ldns_pkt_get_opcode(pkt.get()) != LDNS_PACKET_QUERY) {
    return absl::InvalidArgumentError(
        absl::StrCat("opcode ", static_cast<int>(ldns_pkt_get_opcode(pkt.get())), " is not QUERY"));
  }
  // Over HTTPS there is no size limit to truncate for; a TC answer is incomplete.
  if (ldns_pkt_tc(pkt.get())) return absl::InvalidArgumentError("answer is truncated (TC is 1)");
  if (absl::Status s = CheckQuestion(*pkt, qname, qtype); !s.ok()) return s;
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt.get());
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    return absl::UnavailableError(absl::StrCat("relay answered ", RcodeText(rcode)));
  }
  CapTtls(ldns_pkt_answer(pkt.get()), max_ttl);
  CapTtls(ldns_pkt_authority(pkt.get()), max_ttl);
  CapTtls(ldns_pkt_additional(pkt.get()), max_ttl);
  return pkt;
}

absl::StatusOr<LdnsPktPtr> AcceptJsonResponse(absl::string_view body, const ldns_rdf* qname,
                                              ldns_rr_type qtype, uint32_t max_ttl) {
  if (qtype != LDNS_RR_TYPE_A && qtype != LDNS_RR_TYPE_AAAA) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON relays answer A and AAAA questions only, not ", TypeText(qtype)));
  }
  try {
    const nlohmann::json doc = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                                     /*allow_exceptions=*/false);
    if (doc.is_discarded()) return absl::InvalidArgumentError("JSON answer does not parse");
    return BuildJsonAnswer(doc, qname, qtype, max_ttl);
  } catch (const nlohmann::json::exception& e) {
    // Not expected with allow_exceptions off and typed access only; kept so nothing escapes.
    return absl::InvalidArgumentError(absl::StrCat("JSON answer: ", e.what()));
  }
}

}  // namespace rebound
