#include "resolver/config/config_parser.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "resolver/config/refused_options.h"
#include "resolver/config/unbound_options.h"

namespace rebound {
namespace config_internal {
namespace {

// No config file or included file is this large; a file that is has not been written by hand.
constexpr uint64_t kMaxConfigFileSize = uint64_t{16} << 20;

// POSIX I/O rather than iostreams: the message should say why a file could not be read.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot read"));
  // A device or a pipe (include: /dev/zero, /dev/stdin) would never end, or never stop growing.
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a regular file"));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxConfigFileSize) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": larger than ", kMaxConfigFileSize, " bytes"));
  }
  std::string text;
  char buf[16384];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      return absl::ErrnoToStatus(saved, absl::StrCat(path, ": cannot read"));
    }
    if (n == 0 || text.size() + static_cast<size_t>(n) > kMaxConfigFileSize) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

// Two names for one file (a/../b, symlinks) must count as the same file for loop detection.
std::string CanonicalPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

bool HasGlobMagic(absl::string_view s) { return s.find_first_of("*?[") != absl::string_view::npos; }

// The including file's directory is literal text in a pattern; its own magic must not match.
std::string EscapeGlobMagic(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool IsZoneClauseKey(absl::string_view key) { return key == "forward-zone" || key == "stub-zone"; }

}  // namespace

ConfigParser::ConfigParser(std::vector<std::string>* warnings)
    : warnings_(warnings),
      server_(&config_, warnings),
      zones_(&config_, warnings),
      remote_control_(&config_.remote_control),
      dnstap_(&config_.dnstap) {}

absl::Status ConfigParser::ParseText(absl::string_view text, const std::string& filename) {
  include_stack_.push_back(CanonicalPath(filename));
  absl::Status status;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::StatusOr<ConfigLine> line =
        TokenizeConfigLine(raw, absl::StrCat(filename, ":", line_number));
    status = line.ok() ? HandleLine(*line, filename) : line.status();
    if (!status.ok()) break;
  }
  include_stack_.pop_back();
  return status;
}

absl::StatusOr<Config> ConfigParser::Finish() {
  if (absl::Status s = EndClause(); !s.ok()) return s;
  if (absl::Status s = server_.Finish(); !s.ok()) return s;
  if (absl::Status s = dnstap_.Finish(); !s.ok()) return s;
  if (absl::Status s =
          zones_.FinishTls(config_.tls_upstream ? server_.WhereSet("tls-upstream") : "");
      !s.ok()) {
    return s;
  }
  return std::move(config_);
}

absl::Status ConfigParser::HandleLine(const ConfigLine& line, const std::string& filename) {
  if (line.key.empty()) return absl::OkStatus();
  if (line.key == "include" || line.key == "include-toplevel") return Include(line, filename);
  if (line.key == "server" || IsZoneClauseKey(line.key) || line.key == "remote-control" ||
      line.key == "dnstap" || IsUnsupportedUnboundClause(line.key)) {
    // unbound reads tokens, not lines: "server:include: FILE", as pfSense writes it, is a
    // clause and an option on one line.
    if (!line.values.empty() && IsOptionName(line.values[0])) {
      ConfigLine clause{line.where, line.key, {}};
      ConfigLine option{line.where, line.values[0].substr(0, line.values[0].size() - 1),
                        std::vector<std::string>(line.values.begin() + 1, line.values.end())};
      if (absl::Status s = StartClause(clause); !s.ok()) return s;
      return HandleLine(option, filename);
    }
    return StartClause(line);
  }
  return HandleOption(line);
}

// "name:" with a name as unbound's options have them: a lowercase letter, then letters, digits
// and dashes. (A value such as "::" or "fe80::" is no option.)
bool ConfigParser::IsOptionName(absl::string_view token) {
  if (token.size() < 2 || token.back() != ':' || !absl::ascii_islower(token[0])) return false;
  token.remove_suffix(1);
  return std::all_of(token.begin(), token.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

absl::Status ConfigParser::StartClause(const ConfigLine& line) {
  if (!line.values.empty()) {
    return line.Error(absl::StrCat("'", line.key,
                                   ":' starts a clause and takes no value; put each option on "
                                   "its own line"));
  }
  if (absl::Status s = EndClause(); !s.ok()) return s;
  clause_name_ = line.key;
  if (line.key == "server") {
    clause_ = Clause::kServer;
  } else if (line.key == "forward-zone") {
    clause_ = Clause::kForwardZone;
    zones_.Begin(ZoneKind::kForward, line);
  } else if (line.key == "stub-zone") {
    clause_ = Clause::kStubZone;
    zones_.Begin(ZoneKind::kStub, line);
  } else if (line.key == "remote-control") {
    clause_ = Clause::kRemoteControl;
    remote_control_.Begin(line);
  } else if (line.key == "dnstap") {
    clause_ = Clause::kDnstap;
  } else if (std::optional<std::string> refusal = ClauseRefusalOf(line.key)) {
    return line.Error(*refusal);
  } else {
    clause_ = Clause::kSkipped;
    line.Warn(warnings_, absl::StrCat("not supported: ", line.key,
                                      ": clause (its options are "
                                      "ignored)"));
  }
  return absl::OkStatus();
}

absl::Status ConfigParser::EndClause() {
  clause_ = Clause::kNone;
  return zones_.End();
}

absl::string_view ConfigParser::HomeClauseOf(absl::string_view key) {
  if (ServerClause::Handles(key)) return "server:";
  if (RemoteControlClause::Handles(key)) return "remote-control:";
  bool forward = ZoneClause::Handles(ZoneKind::kForward, key);
  bool stub = ZoneClause::Handles(ZoneKind::kStub, key);
  if (forward && stub) return "forward-zone: or stub-zone:";
  if (forward) return "forward-zone:";
  if (stub) return "stub-zone:";
  if (DnstapClause::Handles(key)) return "dnstap:";
  return "";
}

absl::Status ConfigParser::HandleOption(const ConfigLine& line) {
  switch (clause_) {
    case Clause::kSkipped:
      return absl::OkStatus();
    case Clause::kServer:
      if (ServerClause::Handles(line.key)) return server_.Apply(line);
      break;
    case Clause::kForwardZone:
      if (ZoneClause::Handles(ZoneKind::kForward, line.key)) return zones_.Apply(line);
      break;
    case Clause::kStubZone:
      if (ZoneClause::Handles(ZoneKind::kStub, line.key)) return zones_.Apply(line);
      break;
    case Clause::kRemoteControl:
      if (RemoteControlClause::Handles(line.key)) return remote_control_.Apply(line);
      break;
    case Clause::kDnstap:
      if (DnstapClause::Handles(line.key)) return dnstap_.Apply(line);
      break;
    case Clause::kNone:
      break;
  }
  absl::string_view home = HomeClauseOf(line.key);
  if (clause_ == Clause::kNone && (!home.empty() || IsUnsupportedUnboundOption(line.key))) {
    return line.Error(absl::StrCat("'", line.key, "' is outside of any clause; it belongs after ",
                                   home.empty() ? "a clause line such as server:" : home));
  }
  if (!home.empty()) {
    return line.Error(absl::StrCat("'", line.key, "' belongs in a ", home, " clause, not in ",
                                   clause_name_, ":"));
  }
  if (IsUnsupportedUnboundOption(line.key)) {
    if (std::optional<std::string> refusal = RefusalOf(line.key, line.values)) {
      return line.Error(*refusal);
    }
    line.Warn(warnings_, absl::StrCat("not supported: ", line.key));
    return absl::OkStatus();
  }
  return line.Error(absl::StrCat("unknown option '", line.key, "'"));
}

absl::Status ConfigParser::Include(const ConfigLine& line, const std::string& filename) {
  if (line.values.size() != 1) {
    return line.Error(absl::StrCat(line.key, ": expects one file name or glob pattern"));
  }
  // The top file is on the stack too, so nesting depth is one less than its size.
  if (include_stack_.size() > static_cast<size_t>(kMaxIncludeDepth)) {
    return line.Error(absl::StrCat(line.key, ": nested more than ", kMaxIncludeDepth,
                                   " deep (an include loop?)"));
  }
  // include-toplevel: the included file and the rest of this one must each start a clause.
  bool toplevel = line.key == "include-toplevel";
  if (toplevel) {
    if (absl::Status s = EndClause(); !s.ok()) return s;
  }
  const std::string& target = line.values[0];
  std::filesystem::path dir = std::filesystem::path(filename).parent_path();
  bool relative = !target.starts_with('/') && !dir.empty();
  absl::Status status;
  if (HasGlobMagic(target)) {
    std::string pattern =
        relative ? absl::StrCat(EscapeGlobMagic(dir.string()), "/", target) : target;
    glob_t matches{};
    int rc = glob(pattern.c_str(), 0, nullptr, &matches);
    if (rc == 0) {
      // glob(3) sorts its matches, so the order files are read in is stable.
      for (size_t i = 0; i < matches.gl_pathc && status.ok(); ++i) {
        status = IncludeFile(line, matches.gl_pathv[i]);
      }
    } else if (rc != GLOB_NOMATCH) {
      // No match is fine, as in unbound (an empty or absent conf.d/; without GLOB_ERR unreadable
      // directories count as no match too), so only running out of memory is left.
      status = line.Error(absl::StrCat(line.key, ": cannot expand '", target, "'"));
    }
    globfree(&matches);
  } else {
    status = IncludeFile(line, relative ? (dir / target).string() : target);
  }
  if (status.ok() && toplevel) status = EndClause();
  return status;
}

absl::Status ConfigParser::IncludeFile(const ConfigLine& line, const std::string& path) {
  std::string canonical = CanonicalPath(path);
  if (std::find(include_stack_.begin(), include_stack_.end(), canonical) != include_stack_.end()) {
    return line.Error(absl::StrCat(line.key, ": include loop: ", path, " is already being read"));
  }
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return line.Error(absl::StrCat(line.key, ": ", text.status().message()));
  return ParseText(*text, path);
}

}  // namespace config_internal

absl::StatusOr<Config> ParseConfigText(absl::string_view text, const std::string& filename,
                                       std::vector<std::string>* warnings) {
  config_internal::ConfigParser parser(warnings);
  if (absl::Status s = parser.ParseText(text, filename); !s.ok()) return s;
  return parser.Finish();
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings) {
  absl::StatusOr<std::string> text = config_internal::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseConfigText(*text, path, warnings);
}

}  // namespace rebound
