// The authoritative side of a replay scenario: zones, the addresses that serve them, and the
// replies those servers give, computed from the zone data the way an authoritative server does
// (RFC 1034 4.3.2): referrals with glue below a zone cut, authoritative answers, CNAME chains
// within the zone, and NXDOMAIN or NODATA with the zone's SOA.
#ifndef REBOUND_TESTS_REPLAY_FAKE_INTERNET_H_
#define REBOUND_TESTS_REPLAY_FAKE_INTERNET_H_

#include <string>
#include <vector>

#include "resolver/wire/ldns_ptr.h"

namespace rebound::replay {

// Parses master-file lines with absolute owner names ("www.example.test. 300 IN A 192.0.2.1";
// TTL 3600 and class IN when left out). A line ldns rejects fails the current test.
LdnsRrListPtr ParseRecords(const std::vector<std::string>& lines);

// One record in presentation form with single spaces: "www.example.test. 300 IN A 192.0.2.1".
std::string RecordText(const ldns_rr* rr);

// Puts the question (qname, qtype, qclass) into `reply`, as a server echoes it.
void PushQuestion(ldns_pkt* reply, const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass);

// The data of one zone as its servers hold it: the apex SOA and NS RRsets, the zone's own
// records, and for each delegation to a child zone the NS RRset and glue.
class ZoneData {
 public:
  ZoneData(const std::string& origin, const std::vector<std::string>& records);

  const ldns_rdf* origin() const { return origin_.get(); }
  // The reply to (qname, qtype) from a server holding this zone; qname is at or below origin.
  LdnsPktPtr Respond(const ldns_rdf* qname, ldns_rr_type qtype) const;
  // The apex NS RRset and the addresses of those servers held in this zone.
  LdnsRrListPtr ApexServersWithAddresses() const;

 private:
  // The deepest delegation (an NS RRset below the apex) at or above `name`. A DS question at
  // the cut itself is the parent's to answer (RFC 4035 3.1.4.1), so that cut does not count.
  const ldns_rdf* CutAtOrAbove(const ldns_rdf* name, ldns_rr_type qtype) const;
  // Copies of the records at `owner` of `type`; every type but RRSIG for ANY.
  LdnsRrListPtr RecordsAt(const ldns_rdf* owner, ldns_rr_type type) const;
  // Whether any record is owned by `name` or a name below it: an empty non-terminal exists
  // (RFC 8020 2) and gets NODATA, not NXDOMAIN.
  bool NameExists(const ldns_rdf* name) const;
  // The A/AAAA records this zone holds for the targets of an NS RRset (glue, RFC 1034 4.2.1).
  LdnsRrListPtr AddressesOfTargets(const ldns_rr_list* ns_rrset) const;
  // The SOA for a negative answer, its TTL the negative TTL (RFC 2308 3: the smaller of the
  // SOA's TTL and its MINIMUM field).
  ldns_rr* NegativeSoa() const;
  void Referral(const ldns_rdf* cut, ldns_pkt* reply) const;

  LdnsRdfPtr origin_;
  LdnsRrListPtr records_;
};

// Every zone of the scenario, and which addresses serve it.
class FakeInternet {
 public:
  // `servers` are IPv4 or IPv6 addresses (port 53) that all hold `records` for `origin`. A
  // server may hold several zones; the same zone may be added again with other servers and
  // other data (a server that disagrees with its peers).
  void AddZone(const std::string& origin, const std::vector<std::string>& servers,
               const std::vector<std::string>& records);

  // The reply `server` sends to the question, from the deepest zone it holds that encloses
  // qname; REFUSED when it holds none (RFC 8906 3.1.2's answer for a zone not served). The
  // question section is the question as asked, letter case kept (0x20 is echoed).
  LdnsPktPtr Answer(const std::string& server, const ldns_rdf* qname, ldns_rr_type qtype,
                    ldns_rr_class qclass) const;

  // Root hints for the resolver: the root zone's NS RRset and its servers' addresses.
  LdnsRrListPtr RootHints() const;

 private:
  struct Served {
    std::vector<std::string> servers;
    ZoneData zone;
  };
  const ZoneData* ZoneFor(const std::string& server, const ldns_rdf* qname) const;

  std::vector<Served> zones_;
};

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_FAKE_INTERNET_H_
