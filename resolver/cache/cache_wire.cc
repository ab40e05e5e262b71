#include "resolver/cache/cache_wire.h"

#include "absl/strings/ascii.h"

namespace rebound {
namespace {

void AppendU16(uint16_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

void AppendU32(uint32_t v, std::string* out) {
  AppendU16(static_cast<uint16_t>(v >> 16), out);
  AppendU16(static_cast<uint16_t>(v & 0xffff), out);
}

uint16_t ReadU16(std::string_view s) {
  return static_cast<uint16_t>((static_cast<uint8_t>(s[0]) << 8) | static_cast<uint8_t>(s[1]));
}

}  // namespace

std::string CacheKey(const ldns_rdf* owner, uint16_t type, uint16_t rr_class, uint16_t covered) {
  if (owner == nullptr || ldns_rdf_get_type(owner) != LDNS_RDF_TYPE_DNAME) return "";
  // Length octets are at most 63, below 'A' (65), so lowercasing the whole wire form changes
  // only label letters.
  std::string key(NameWire(owner));
  absl::AsciiStrToLower(&key);
  return CacheKeyOfWire(key, type, rr_class, covered);
}

std::string CacheKeyOfWire(std::string_view owner_wire, uint16_t type, uint16_t rr_class,
                           uint16_t covered) {
  std::string key(owner_wire);
  AppendU16(type, &key);
  AppendU16(rr_class, &key);
  if (type == LDNS_RR_TYPE_RRSIG) AppendU16(covered, &key);
  return key;
}

std::optional<CacheKeyParts> SplitCacheKey(std::string_view key) {
  // The owner ends at its root label: walk the length octets to find it.
  size_t end = 0;
  while (end < key.size() && key[end] != 0) end += 1 + static_cast<uint8_t>(key[end]);
  if (end >= key.size() || key.size() - end - 1 < 4) return std::nullopt;
  CacheKeyParts parts;
  parts.owner = key.substr(0, end + 1);
  parts.type = ReadU16(key.substr(end + 1));
  parts.rr_class = ReadU16(key.substr(end + 3));
  return parts;
}

CacheKeyFilter CacheKeyFilter::For(const ldns_rdf* name, bool subtree,
                                   std::optional<uint16_t> type) {
  CacheKeyFilter filter{std::string(NameWire(name)), subtree, type};
  absl::AsciiStrToLower(&filter.name);
  return filter;
}

bool CacheKeyFilter::Matches(std::string_view key) const {
  const std::optional<CacheKeyParts> parts = SplitCacheKey(key);
  if (!parts.has_value()) return false;
  if (type.has_value() && parts->type != *type) {
    // An RRSIG entry goes with the type it covers, the key's last two octets.
    const size_t covered_at = parts->owner.size() + 4;
    if (parts->type != LDNS_RR_TYPE_RRSIG || key.size() < covered_at + 2 ||
        ReadU16(key.substr(covered_at)) != *type) {
      return false;
    }
  }
  if (!subtree) return parts->owner == name;
  // At or below `name`: the owner ends with it, starting at one of the owner's label starts.
  const std::string_view owner = parts->owner;
  for (size_t at = 0; at < owner.size(); at += 1 + static_cast<uint8_t>(owner[at])) {
    if (owner.substr(at) == name) return true;
  }
  return false;
}

uint16_t CoveredType(const ldns_rr* rr) {
  if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG) return 0;
  const ldns_rdf* covered = ldns_rr_rrsig_typecovered(rr);
  if (covered == nullptr || ldns_rdf_size(covered) != 2) return 0;
  return ldns_rdf2rr_type(covered);
}

bool AppendRdata(const ldns_rr* rr, std::string* out) {
  LdnsBufferPtr buf(ldns_buffer_new(256));
  if (buf == nullptr) return false;
  // No compression table: names in rdata are written in full, so the bytes stand alone.
  if (ldns_rr_rdata2buffer_wire(buf.get(), rr) != LDNS_STATUS_OK) return false;
  const size_t len = ldns_buffer_position(buf.get());
  if (len > 0xffff) return false;
  AppendU16(static_cast<uint16_t>(len), out);
  out->append(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())), len);
  return true;
}

bool NextRdata(std::string_view* rdata_list, std::string_view* rdata) {
  if (rdata_list->size() < 2) return false;
  const size_t len = 2 + ReadU16(*rdata_list);
  if (rdata_list->size() < len) return false;
  *rdata = rdata_list->substr(0, len);
  rdata_list->remove_prefix(len);
  return true;
}

LdnsRrPtr DecodeRr(std::string_view owner, uint16_t type, uint16_t rr_class, uint32_t ttl,
                   std::string_view rdata) {
  // Reassemble the record as it would appear in a message and let ldns parse it: one code path
  // for every rdata type. (A fast path can skip this and serve the stored bytes directly.)
  std::string wire;
  wire.reserve(owner.size() + 8 + rdata.size());
  wire.append(owner);
  AppendU16(type, &wire);
  AppendU16(rr_class, &wire);
  AppendU32(ttl, &wire);
  wire.append(rdata);
  ldns_rr* rr = nullptr;
  size_t pos = 0;
  if (ldns_wire2rr(&rr, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &pos,
                   LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return LdnsRrPtr(rr);
}

}  // namespace rebound
