#include "resolver/iterator/root_hints.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// RFC 1035 and named.root: hints are kept as if forever; the priming query replaces them.
constexpr uint32_t kHintTtl = 3600000;

struct RootServer {
  const char* name;
  const char* ipv4;
  const char* ipv6;
};

// IANA's named.root (https://www.internic.net/domain/named.root), with b.root-servers.net's
// addresses as renumbered in 2023.
constexpr RootServer kRootServers[] = {
    {"a.root-servers.net.", "198.41.0.4", "2001:503:ba3e::2:30"},
    {"b.root-servers.net.", "170.247.170.2", "2801:1b8:10::b"},
    {"c.root-servers.net.", "192.33.4.12", "2001:500:2::c"},
    {"d.root-servers.net.", "199.7.91.13", "2001:500:2d::d"},
    {"e.root-servers.net.", "192.203.230.10", "2001:500:a8::e"},
    {"f.root-servers.net.", "192.5.5.241", "2001:500:2f::f"},
    {"g.root-servers.net.", "192.112.36.4", "2001:500:12::d0d"},
    {"h.root-servers.net.", "198.97.190.53", "2001:500:1::53"},
    {"i.root-servers.net.", "192.36.148.17", "2001:7fe::53"},
    {"j.root-servers.net.", "192.58.128.30", "2001:503:c27::2:30"},
    {"k.root-servers.net.", "193.0.14.129", "2001:7fd::1"},
    {"l.root-servers.net.", "199.7.83.42", "2001:500:9f::42"},
    {"m.root-servers.net.", "202.12.27.33", "2001:dc3::35"},
};

// The table above is constant: a record that does not parse is a bug in this file, found by the
// first start-up (and the unit test), so it aborts.
ldns_rr* MustParse(const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), kHintTtl, nullptr, nullptr) != LDNS_STATUS_OK) {
    std::fprintf(stderr, "built-in root hint does not parse: %s\n", text.c_str());
    std::abort();
  }
  return rr;
}

std::string ClassName(ldns_rr_class klass) { return TakeLdnsString(ldns_rr_class2str(klass)); }

// Lowercased wire form: ldns_dname_compare ignores case, so the set must too (RFC 4343).
std::string NameKey(const ldns_rdf* name) {
  std::string key(reinterpret_cast<const char*>(ldns_rdf_data(name)), ldns_rdf_size(name));
  absl::AsciiStrToLower(&key);
  return key;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Maps offsets in the text to 1-based line numbers. ldns counts the lines it consumed, which is
// the last line of a record; an error is clearer at the line where the record starts.
class LineIndex {
 public:
  explicit LineIndex(absl::string_view text) : text_(text) {}

  // The offset of the first character at or after `offset` that is neither white space nor in a
  // comment: where ldns's next record or directive starts.
  size_t SkipBlank(size_t offset) const {
    while (offset < text_.size()) {
      if (IsSpace(text_[offset])) {
        ++offset;
      } else if (text_[offset] == ';') {
        while (offset < text_.size() && text_[offset] != '\n') ++offset;
      } else {
        break;
      }
    }
    return offset;
  }

  // Offsets must not decrease between calls, so the whole text is scanned once.
  int LineAt(size_t offset) {
    offset = std::min(offset, text_.size());
    for (; scanned_ < offset; ++scanned_) {
      if (text_[scanned_] == '\n') ++newlines_;
    }
    return newlines_ + 1;
  }

  // The rest of the line from `offset`, without its comment.
  absl::string_view LineFrom(size_t offset) const {
    absl::string_view rest = text_.substr(std::min(offset, text_.size()));
    return rest.substr(0, rest.find_first_of(";\n"));
  }

 private:
  absl::string_view text_;
  size_t scanned_ = 0;
  int newlines_ = 0;
};

// ldns accepts "$TTL junk" silently (its period parser stops at the first bad character and the
// rest is ignored), so the directive is checked here: one TTL value, in seconds or with units
// ("1h30m"), at most 2^31 - 1 (RFC 2181 8).
bool ValidTtlDirective(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  if (!absl::StartsWithIgnoreCase(line, "$TTL")) return false;
  const std::string value(absl::StripAsciiWhitespace(line.substr(4)));
  if (value.empty() || value.find_first_of(" \t") != std::string::npos) return false;
  const char* end = nullptr;
  const uint32_t ttl = ldns_str2period(value.c_str(), &end);
  return end == value.c_str() + value.size() && ttl <= 0x7fffffffu;
}

struct ParsedRecord {
  LdnsRrPtr rr;
  int line;
};

// Owns the FILE* over the text and the directive state ldns updates as it reads.
class HintsReader {
 public:
  explicit HintsReader(std::string& text)
      : fp_(fmemopen(text.data(), text.size(), "r")), origin_(ldns_dname_new_frm_str(".")) {}
  ~HintsReader() {
    if (fp_ != nullptr) std::fclose(fp_);
    ldns_rdf_deep_free(origin_);
    ldns_rdf_deep_free(prev_);
  }
  HintsReader(const HintsReader&) = delete;
  HintsReader& operator=(const HintsReader&) = delete;

  bool ok() const { return fp_ != nullptr && origin_ != nullptr; }
  bool at_end() const { return std::feof(fp_) != 0; }
  size_t offset() const { return static_cast<size_t>(std::ftell(fp_)); }

  ldns_status Next(LdnsRrPtr* rr) {
    ldns_rr* raw = nullptr;
    const ldns_status status =
        ldns_rr_new_frm_fp_l(&raw, fp_, &default_ttl_, &origin_, &prev_, &ldns_line_);
    rr->reset(raw);
    return status;
  }

 private:
  FILE* fp_;
  uint32_t default_ttl_ = kHintTtl;
  ldns_rdf* origin_;
  ldns_rdf* prev_ = nullptr;
  int ldns_line_ = 0;
};

absl::Status LineError(absl::string_view filename, int line, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(filename, ":", line, ": ", reason));
}

// Checks one record's class, type and owner; NS records go to `ns`, addresses to `addresses`.
absl::Status Classify(ParsedRecord record, absl::string_view filename,
                      std::vector<ParsedRecord>* ns, std::vector<ParsedRecord>* addresses) {
  const ldns_rr* rr = record.rr.get();
  if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
    return LineError(filename, record.line,
                     absl::StrCat("record of class ", ClassName(ldns_rr_get_class(rr)),
                                  "; root hints are class IN"));
  }
  switch (ldns_rr_get_type(rr)) {
    case LDNS_RR_TYPE_NS:
      if (ldns_dname_label_count(ldns_rr_owner(rr)) != 0) {
        return LineError(filename, record.line,
                         absl::StrCat("NS record owned by ", NameString(ldns_rr_owner(rr)),
                                      "; root hints name the servers of \".\" only"));
      }
      if (ldns_rr_rd_count(rr) != 1 ||
          ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) != LDNS_RDF_TYPE_DNAME) {
        return LineError(filename, record.line, "NS record without a server name");
      }
      ns->push_back(std::move(record));
      return absl::OkStatus();
    case LDNS_RR_TYPE_A:
    case LDNS_RR_TYPE_AAAA:
      // ldns's text parser demands the address today; the iterator relies on exactly one.
      if (ldns_rr_rd_count(rr) != 1) {
        return LineError(filename, record.line, "address record without an address");
      }
      addresses->push_back(std::move(record));
      return absl::OkStatus();
    default:
      return LineError(filename, record.line,
                       absl::StrCat("unexpected ", TypeString(ldns_rr_get_type(rr)),
                                    " record; root hints hold only NS, A and AAAA records"));
  }
}

// Reads every record of the text, with the line it starts on.
absl::Status ReadRecords(std::string& text, absl::string_view filename,
                         std::vector<ParsedRecord>* ns, std::vector<ParsedRecord>* addresses) {
  HintsReader reader(text);
  if (!reader.ok()) return absl::InternalError(absl::StrCat(filename, ": cannot read the text"));
  LineIndex lines(text);
  while (!reader.at_end()) {
    const size_t before = reader.offset();
    const size_t start = lines.SkipBlank(before);
    const int line = lines.LineAt(start);
    LdnsRrPtr rr;
    const ldns_status status = reader.Next(&rr);
    switch (status) {
      case LDNS_STATUS_OK:
        if (absl::Status s = Classify({std::move(rr), line}, filename, ns, addresses); !s.ok()) {
          return s;
        }
        break;
      case LDNS_STATUS_SYNTAX_EMPTY:  // comments and blank lines only
      case LDNS_STATUS_SYNTAX_ORIGIN:
        break;
      case LDNS_STATUS_SYNTAX_TTL:
        if (!ValidTtlDirective(lines.LineFrom(start))) {
          return LineError(filename, line, "$TTL needs one TTL value");
        }
        break;
      case LDNS_STATUS_SYNTAX_INCLUDE:
        return LineError(filename, line, "$INCLUDE is not supported in root hints");
      default:
        return LineError(filename, line,
                         absl::StrCat("cannot parse record: ", ldns_get_errorstr_by_id(status)));
    }
    // ldns consumes at least one line per call; should it ever stop short, fail rather than spin.
    if (!reader.at_end() && reader.offset() <= before) {
      return LineError(filename, line, "cannot parse record");
    }
  }
  return absl::OkStatus();
}

}  // namespace

LdnsRrListPtr BuiltInRootHints() {
  LdnsRrListPtr list(ldns_rr_list_new());
  for (const RootServer& server : kRootServers) {
    ldns_rr_list_push_rr(list.get(),
                         MustParse(absl::StrCat(". ", kHintTtl, " IN NS ", server.name)));
  }
  for (const RootServer& server : kRootServers) {
    ldns_rr_list_push_rr(
        list.get(), MustParse(absl::StrCat(server.name, " ", kHintTtl, " IN A ", server.ipv4)));
    ldns_rr_list_push_rr(
        list.get(), MustParse(absl::StrCat(server.name, " ", kHintTtl, " IN AAAA ", server.ipv6)));
  }
  return list;
}

absl::StatusOr<LdnsRrListPtr> ParseRootHints(absl::string_view text, absl::string_view filename) {
  // ldns reads from a FILE*, so the text gets one; a final newline keeps its line count exact.
  std::string buffer(text);
  if (buffer.empty() || buffer.back() != '\n') buffer.push_back('\n');
  std::vector<ParsedRecord> ns;
  std::vector<ParsedRecord> addresses;
  if (absl::Status s = ReadRecords(buffer, filename, &ns, &addresses); !s.ok()) return s;
  if (ns.empty())
    return absl::InvalidArgumentError(absl::StrCat(filename, ": no NS record for \".\""));
  if (addresses.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(filename, ": no A or AAAA record for any root server"));
  }
  // Only now: a file may list addresses before the NS records that make them relevant.
  absl::flat_hash_set<std::string> servers;
  for (const ParsedRecord& record : ns) servers.insert(NameKey(ldns_rr_rdf(record.rr.get(), 0)));
  for (const ParsedRecord& record : addresses) {
    const ldns_rdf* owner = ldns_rr_owner(record.rr.get());
    if (!servers.contains(NameKey(owner))) {
      return LineError(
          filename, record.line,
          absl::StrCat("address record for ", NameString(owner), ", which no NS record names"));
    }
  }
  LdnsRrListPtr list(ldns_rr_list_new());
  for (std::vector<ParsedRecord>* part : {&ns, &addresses}) {
    for (ParsedRecord& record : *part) ldns_rr_list_push_rr(list.get(), record.rr.release());
  }
  return list;
}

absl::StatusOr<LdnsRrListPtr> LoadRootHintsFile(const std::string& path) {
  // POSIX I/O rather than iostreams: the message should say why the file could not be read.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat(path, ": cannot read: ", strerror(errno)));
  std::string text;
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      close(fd);
      return absl::NotFoundError(absl::StrCat(path, ": cannot read: ", strerror(saved)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return ParseRootHints(text, path);
}

}  // namespace rebound
