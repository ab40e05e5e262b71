#include "tests/replay/fake_internet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace rebound::replay {
namespace {

// Links of a CNAME chain one reply follows within a zone before leaving the rest to the
// resolver (RFC 1034 3.6.2 asks for a limit; the server's is its own business).
constexpr int kMaxChainLinks = 8;
constexpr size_t kSoaMinimumField = 6;

bool SameName(const ldns_rdf* a, const ldns_rdf* b) { return ldns_dname_compare(a, b) == 0; }
bool AtOrBelow(const ldns_rdf* name, const ldns_rdf* ancestor) {
  return SameName(name, ancestor) || ldns_dname_is_subdomain(name, ancestor);
}

void AppendCopies(const ldns_rr_list* from, ldns_rr_list* to) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(from); ++i) {
    ldns_rr_list_push_rr(to, ldns_rr_clone(ldns_rr_list_rr(from, i)));
  }
}

LdnsRdfPtr ParseName(const std::string& text) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(text.c_str()));
  EXPECT_NE(name, nullptr) << "bad name " << text;
  return name;
}

}  // namespace

LdnsRrListPtr ParseRecords(const std::vector<std::string>& lines) {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const std::string& line : lines) {
    ldns_rr* rr = nullptr;
    const ldns_status status = ldns_rr_new_frm_str(&rr, line.c_str(), 3600, nullptr, nullptr);
    EXPECT_EQ(status, LDNS_STATUS_OK) << "bad record: " << line;
    if (rr != nullptr) ldns_rr_list_push_rr(list.get(), rr);
  }
  return list;
}

void PushQuestion(ldns_pkt* reply, const ldns_rdf* qname, ldns_rr_type qtype,
                  ldns_rr_class qclass) {
  ldns_rr* question = ldns_rr_new();
  ldns_rr_set_owner(question, ldns_rdf_clone(qname));
  ldns_rr_set_type(question, qtype);
  ldns_rr_set_class(question, qclass);
  ldns_rr_set_question(question, true);
  ldns_pkt_push_rr(reply, LDNS_SECTION_QUESTION, question);
}

std::string RecordText(const ldns_rr* rr) {
  char* text = ldns_rr2str(rr);
  std::string line = text != nullptr ? text : "?";
  free(text);
  std::replace(line.begin(), line.end(), '\t', ' ');
  line.erase(line.find_last_not_of('\n') + 1);
  return line;
}

ZoneData::ZoneData(const std::string& origin, const std::vector<std::string>& records)
    : origin_(ParseName(origin)), records_(ParseRecords(records)) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records_.get()); ++i) {
    EXPECT_TRUE(AtOrBelow(ldns_rr_owner(ldns_rr_list_rr(records_.get(), i)), origin_.get()))
        << RecordText(ldns_rr_list_rr(records_.get(), i)) << " is outside zone " << origin;
  }
}

LdnsPktPtr ZoneData::Respond(const ldns_rdf* qname, ldns_rr_type qtype) const {
  LdnsPktPtr reply(ldns_pkt_new());
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NOERROR);
  if (const ldns_rdf* cut = CutAtOrAbove(qname, qtype)) {
    Referral(cut, reply.get());
    return reply;
  }
  ldns_pkt_set_aa(reply.get(), true);
  LdnsRdfPtr name(ldns_rdf_clone(qname));
  for (int links = 0; links <= kMaxChainLinks; ++links) {
    if (LdnsRrListPtr data = RecordsAt(name.get(), qtype); ldns_rr_list_rr_count(data.get()) > 0) {
      // RFC 1034 4.3.2 step 6: the addresses of the servers named go along with an NS answer
      // (a priming reply carries the root servers' addresses this way, RFC 8109 4.1).
      if (qtype == LDNS_RR_TYPE_NS) {
        MoveToSection(AddressesOfTargets(data.get()), LDNS_SECTION_ADDITIONAL, reply.get());
      }
      MoveToSection(std::move(data), LDNS_SECTION_ANSWER, reply.get());
      return reply;
    }
    LdnsRrListPtr cname = RecordsAt(name.get(), LDNS_RR_TYPE_CNAME);
    if (qtype == LDNS_RR_TYPE_CNAME || ldns_rr_list_rr_count(cname.get()) == 0) break;
    // RFC 1034 4.3.2 step 3a: the alias goes in the answer and the search restarts at its
    // target, as long as the target is this zone's own data; the rest is the resolver's job.
    LdnsRdfPtr target(ldns_rdf_clone(ldns_rr_rdf(ldns_rr_list_rr(cname.get(), 0), 0)));
    MoveToSection(std::move(cname), LDNS_SECTION_ANSWER, reply.get());
    if (!AtOrBelow(target.get(), origin_.get()) || CutAtOrAbove(target.get(), qtype) != nullptr) {
      return reply;
    }
    name = std::move(target);
  }
  // RFC 6604 3: after a chain the RCODE speaks of its last name; RFC 2308 3: the SOA goes in
  // the authority section of NXDOMAIN and NODATA alike.
  if (!NameExists(name.get())) ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NXDOMAIN);
  ldns_pkt_push_rr(reply.get(), LDNS_SECTION_AUTHORITY, NegativeSoa());
  return reply;
}

LdnsRrListPtr ZoneData::ApexServersWithAddresses() const {
  LdnsRrListPtr out = RecordsAt(origin_.get(), LDNS_RR_TYPE_NS);
  LdnsRrListPtr addresses = AddressesOfTargets(out.get());
  AppendCopies(addresses.get(), out.get());
  return out;
}

const ldns_rdf* ZoneData::CutAtOrAbove(const ldns_rdf* name, ldns_rr_type qtype) const {
  const ldns_rdf* deepest = nullptr;
  for (size_t i = 0; i < ldns_rr_list_rr_count(records_.get()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records_.get(), i);
    const ldns_rdf* owner = ldns_rr_owner(rr);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || SameName(owner, origin_.get()) ||
        !AtOrBelow(name, owner)) {
      continue;
    }
    if (qtype == LDNS_RR_TYPE_DS && SameName(owner, name)) continue;
    if (deepest == nullptr || ldns_dname_label_count(owner) > ldns_dname_label_count(deepest)) {
      deepest = owner;
    }
  }
  return deepest;
}

LdnsRrListPtr ZoneData::RecordsAt(const ldns_rdf* owner, ldns_rr_type type) const {
  LdnsRrListPtr out(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(records_.get()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records_.get(), i);
    const ldns_rr_type have = ldns_rr_get_type(rr);
    const bool wanted = type == LDNS_RR_TYPE_ANY ? have != LDNS_RR_TYPE_RRSIG : have == type;
    if (wanted && SameName(ldns_rr_owner(rr), owner)) {
      ldns_rr_list_push_rr(out.get(), ldns_rr_clone(rr));
    }
  }
  return out;
}

bool ZoneData::NameExists(const ldns_rdf* name) const {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records_.get()); ++i) {
    if (AtOrBelow(ldns_rr_owner(ldns_rr_list_rr(records_.get(), i)), name)) return true;
  }
  return false;
}

LdnsRrListPtr ZoneData::AddressesOfTargets(const ldns_rr_list* ns_rrset) const {
  LdnsRrListPtr out(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(ns_rrset); ++i) {
    const ldns_rdf* target = ldns_rr_rdf(ldns_rr_list_rr(ns_rrset, i), 0);
    for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
      LdnsRrListPtr addresses = RecordsAt(target, type);
      AppendCopies(addresses.get(), out.get());
    }
  }
  return out;
}

ldns_rr* ZoneData::NegativeSoa() const {
  LdnsRrListPtr soa = RecordsAt(origin_.get(), LDNS_RR_TYPE_SOA);
  EXPECT_EQ(ldns_rr_list_rr_count(soa.get()), 1u) << "zone without one SOA";
  if (ldns_rr_list_rr_count(soa.get()) == 0) return nullptr;
  ldns_rr* rr = ldns_rr_clone(ldns_rr_list_rr(soa.get(), 0));
  const uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(rr, kSoaMinimumField));
  ldns_rr_set_ttl(rr, std::min(ldns_rr_ttl(rr), minimum));
  return rr;
}

void ZoneData::Referral(const ldns_rdf* cut, ldns_pkt* reply) const {
  // RFC 1034 4.3.2 step 3b: not authoritative below the cut; the child's NS RRset in the
  // authority section and the addresses of those servers in the additional section.
  ldns_pkt_set_aa(reply, false);
  LdnsRrListPtr ns = RecordsAt(cut, LDNS_RR_TYPE_NS);
  MoveToSection(AddressesOfTargets(ns.get()), LDNS_SECTION_ADDITIONAL, reply);
  MoveToSection(std::move(ns), LDNS_SECTION_AUTHORITY, reply);
}

void FakeInternet::AddZone(const std::string& origin, const std::vector<std::string>& servers,
                           const std::vector<std::string>& records) {
  zones_.push_back({servers, ZoneData(origin, records)});
}

const ZoneData* FakeInternet::ZoneFor(const std::string& server, const ldns_rdf* qname) const {
  const ZoneData* best = nullptr;
  for (const Served& served : zones_) {
    if (std::find(served.servers.begin(), served.servers.end(), server) == served.servers.end() ||
        !AtOrBelow(qname, served.zone.origin())) {
      continue;
    }
    if (best == nullptr ||
        ldns_dname_label_count(served.zone.origin()) > ldns_dname_label_count(best->origin())) {
      best = &served.zone;
    }
  }
  return best;
}

LdnsPktPtr FakeInternet::Answer(const std::string& server, const ldns_rdf* qname,
                                ldns_rr_type qtype, ldns_rr_class qclass) const {
  const ZoneData* zone = qclass == LDNS_RR_CLASS_IN ? ZoneFor(server, qname) : nullptr;
  LdnsPktPtr reply;
  if (zone != nullptr) {
    reply = zone->Respond(qname, qtype);
  } else {
    reply.reset(ldns_pkt_new());
    ldns_pkt_set_qr(reply.get(), true);
    ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_REFUSED);
  }
  PushQuestion(reply.get(), qname, qtype, qclass);
  return reply;
}

LdnsRrListPtr FakeInternet::RootHints() const {
  LdnsRdfPtr root(ldns_dname_new_frm_str("."));
  for (const Served& served : zones_) {
    if (SameName(served.zone.origin(), root.get())) return served.zone.ApexServersWithAddresses();
  }
  ADD_FAILURE() << "the scenario has no root zone";
  return LdnsRrListPtr(ldns_rr_list_new());
}

}  // namespace rebound::replay
