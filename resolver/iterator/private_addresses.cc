#include "resolver/iterator/private_addresses.h"

#include <netinet/in.h>

#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

// Whether the wire-format names `a` and `b` (same length) are equal ignoring ASCII case. Label
// length octets are below 64, so folding them as letters changes nothing.
bool SameLowercase(const uint8_t* a, const uint8_t* b, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    if (absl::ascii_tolower(a[i]) != absl::ascii_tolower(b[i])) return false;
  }
  return true;
}

bool IsAddressType(ldns_rr_type type) {
  return type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA;
}

// Whether `rrsig` is an RRSIG covering the RRset (owner, covered).
bool SignsRrset(const ldns_rr* rrsig, const ldns_rdf* owner, ldns_rr_type covered) {
  if (ldns_rr_get_type(rrsig) != LDNS_RR_TYPE_RRSIG) return false;
  const ldns_rdf* type_covered = ldns_rr_rrsig_typecovered(rrsig);
  return type_covered != nullptr && ldns_rdf2rr_type(type_covered) == covered &&
         ldns_dname_compare(ldns_rr_owner(rrsig), owner) == 0;
}

// Whether a record of (owner, type) in `records` is still to be kept.
bool RrsetLeft(const ldns_rr_list* records, const std::vector<bool>& drop, const ldns_rdf* owner,
               ldns_rr_type type) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    if (!drop[i] && ldns_rr_get_type(rr) == type &&
        ldns_dname_compare(ldns_rr_owner(rr), owner) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<PrivateAddresses> PrivateAddresses::Create(std::vector<AddressRange> netblocks,
                                                          const std::vector<std::string>& domains) {
  PrivateAddresses result;
  result.netblocks_ = std::move(netblocks);
  for (const std::string& domain : domains) {
    LdnsRdfPtr name(ldns_dname_new_frm_str(domain.c_str()));
    if (name == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("bad private-domain '", domain, "'"));
    }
    ldns_dname2canonical(name.get());
    result.domains_.emplace_back(reinterpret_cast<const char*>(ldns_rdf_data(name.get())),
                                 ldns_rdf_size(name.get()));
  }
  return result;
}

bool PrivateAddresses::InPrivateDomain(const ldns_rdf* owner) const {
  if (domains_.empty()) return false;
  const auto* data = static_cast<const uint8_t*>(ldns_rdf_data(owner));
  const size_t size = ldns_rdf_size(owner);
  // Each label boundary of the owner starts a suffix that is the owner or one of its ancestors;
  // "at or below" a domain is that domain being one of those suffixes.
  for (size_t at = 0; at < size; at += size_t{data[at]} + 1) {
    const size_t suffix = size - at;
    for (const std::string& domain : domains_) {
      if (domain.size() == suffix &&
          SameLowercase(data + at, reinterpret_cast<const uint8_t*>(domain.data()), suffix)) {
        return true;
      }
    }
    if (data[at] == 0) break;  // the root label ends the name
  }
  return false;
}

bool PrivateAddresses::IsPrivate(const ldns_rr* rr) const {
  if (netblocks_.empty()) return false;
  const ldns_rr_type type = ldns_rr_get_type(rr);
  if (!IsAddressType(type) || ldns_rr_rd_count(rr) != 1) return false;
  const ldns_rdf* rdata = ldns_rr_rdf(rr, 0);
  bool inside = false;
  if (type == LDNS_RR_TYPE_A && ldns_rdf_size(rdata) == sizeof(in_addr)) {
    in_addr v4{};
    std::memcpy(&v4, ldns_rdf_data(rdata), sizeof v4);
    for (const AddressRange& netblock : netblocks_) inside = inside || netblock.Contains(v4);
  } else if (type == LDNS_RR_TYPE_AAAA && ldns_rdf_size(rdata) == sizeof(in6_addr)) {
    in6_addr v6{};
    std::memcpy(&v6, ldns_rdf_data(rdata), sizeof v6);
    for (const AddressRange& netblock : netblocks_) inside = inside || netblock.Contains(v6);
  }
  // The owner is looked at only for a private address: the common case costs no name walk.
  return inside && !InPrivateDomain(ldns_rr_owner(rr));
}

size_t PrivateAddresses::RemoveFrom(ldns_rr_list* records) const {
  if (netblocks_.empty() || records == nullptr) return 0;
  const size_t count = ldns_rr_list_rr_count(records);
  size_t removed = 0;
  std::vector<bool> drop;
  for (size_t i = 0; i < count; ++i) {
    if (!IsPrivate(ldns_rr_list_rr(records, i))) continue;
    if (drop.empty()) drop.resize(count, false);
    drop[i] = true;
    ++removed;
  }
  if (removed == 0) return 0;
  // An RRset nothing is left of goes with its signatures.
  for (size_t i = 0; i < count; ++i) {
    if (!drop[i] || !IsAddressType(ldns_rr_get_type(ldns_rr_list_rr(records, i)))) continue;
    const ldns_rr* gone = ldns_rr_list_rr(records, i);
    const ldns_rdf* owner = ldns_rr_owner(gone);
    const ldns_rr_type type = ldns_rr_get_type(gone);
    if (RrsetLeft(records, drop, owner, type)) continue;
    for (size_t j = 0; j < count; ++j) {
      if (SignsRrset(ldns_rr_list_rr(records, j), owner, type)) drop[j] = true;
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    ldns_rr* rr = ldns_rr_list_rr(records, i);
    if (drop[i]) {
      ldns_rr_free(rr);
    } else {
      ldns_rr_list_set_rr(records, rr, kept++);
    }
  }
  ldns_rr_list_set_rr_count(records, kept);
  return removed;
}

}  // namespace rebound
