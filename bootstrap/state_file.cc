#include "bootstrap/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "resolver/core/owned_file.h"

namespace rebound {
namespace {

constexpr int kStateVersion = 1;

using Json = nlohmann::json;

// Closes a descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error close() may return (NFS reports write errors there).
  int Close() {
    const int rc = close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, "write");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Serialize(const BootstrapState& state) {
  Json doc = Json::object();
  doc["version"] = kStateVersion;
  if (state.last_good.has_value()) doc["last_good"] = state.last_good->ToString();
  Json answers = Json::array();
  for (const PersistedAnswer& answer : state.answers) {
    answers.push_back({
        {"qname", answer.qname},
        {"qtype", answer.qtype},
        {"expires", absl::ToUnixSeconds(answer.expires)},
        {"wire", absl::Base64Escape(absl::string_view(
                     reinterpret_cast<const char*>(answer.wire.data()), answer.wire.size()))},
    });
  }
  doc["answers"] = std::move(answers);
  try {
    return doc.dump() + "\n";
  } catch (const Json::exception& e) {
    // dump() refuses strings that are not UTF-8; only a qname can be one.
    return absl::InvalidArgumentError(absl::StrCat("state cannot be written: ", e.what()));
  }
}

// Writes `text` to a new file beside `path` and renames it over `path`.
absl::Status ReplaceFile(const std::string& path, absl::string_view text) {
  std::string temp = path + ".tmp.XXXXXX";
  FileDescriptor fd(mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat(path, ": cannot create ", temp));
  }
  absl::Status status = WriteAll(fd.get(), text);
  // The data must be on disk before the rename makes it the state file, or a crash could leave
  // an empty file under the old name (the rename may reach the disk before the data).
  if (status.ok() && fsync(fd.get()) != 0) status = absl::ErrnoToStatus(errno, "fsync");
  if (fd.Close() != 0 && status.ok()) status = absl::ErrnoToStatus(errno, "close");
  if (status.ok() && rename(temp.c_str(), path.c_str()) != 0) {
    status = absl::ErrnoToStatus(errno, "rename");
  }
  if (!status.ok()) {
    unlink(temp.c_str());
    return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
  }
  // The rename is an entry in the directory; fsync the directory so that it lasts.
  const std::string dir = DirectoryOf(path);
  FileDescriptor dir_fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat(dir, ": cannot open"));
  }
  // Some file systems cannot sync a directory (EINVAL); the file is in place all the same.
  if (fsync(dir_fd.get()) != 0 && errno != EINVAL) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat(dir, ": fsync"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  // Its answers go into the cache: a symlink, another user's file or a directory others may
  // write to could hand rebound answers nobody asked a relay for.
  absl::StatusOr<int> opened = OpenOwnedFileForReading(path);
  if (absl::IsNotFound(opened.status())) {
    return absl::NotFoundError(absl::StrCat(path, ": no state file"));
  }
  if (!opened.ok()) return opened.status();
  FileDescriptor fd(*opened);
  std::string text;
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      return absl::ErrnoToStatus(error, absl::StrCat(path, ": cannot read"));
    }
    if (n == 0) break;
    if (text.size() + static_cast<size_t>(n) > kMaxStateFileSize) {
      return absl::DataLossError(
          absl::StrCat(path, ": larger than ", kMaxStateFileSize, " bytes; not a state file"));
    }
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

// The reason an answer entry is unusable, or empty when it is fine.
std::string ParseAnswer(const Json& entry, PersistedAnswer& out) {
  if (!entry.is_object()) return "not an object";
  const auto qname = entry.find("qname");
  if (qname == entry.end() || !qname->is_string() || qname->get_ref<const std::string&>().empty()) {
    return "qname is not a name";
  }
  const auto qtype = entry.find("qtype");
  if (qtype == entry.end() || !qtype->is_number_unsigned() ||
      qtype->get<uint64_t>() > std::numeric_limits<uint16_t>::max()) {
    return "qtype is not a number from 0 to 65535";
  }
  const auto expires = entry.find("expires");
  if (expires == entry.end() || !expires->is_number_integer()) {
    return "expires is not a number of seconds";
  }
  const auto wire = entry.find("wire");
  std::string bytes;
  if (wire == entry.end() || !wire->is_string() ||
      !absl::Base64Unescape(wire->get_ref<const std::string&>(), &bytes)) {
    return "wire is not base64";
  }
  out.qname = qname->get<std::string>();
  out.qtype = static_cast<uint16_t>(qtype->get<uint64_t>());
  out.expires = absl::FromUnixSeconds(expires->get<int64_t>());
  out.wire.assign(bytes.begin(), bytes.end());
  return "";
}

absl::StatusOr<BootstrapState> Parse(const std::string& path, const std::string& text) {
  auto corrupt = [&path](absl::string_view why) {
    return absl::DataLossError(absl::StrCat(path, ": corrupt state file: ", why));
  };
  const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return corrupt("not valid JSON (truncated?)");
  if (!doc.is_object()) return corrupt("not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) return corrupt("no version");
  if (version->get<int64_t>() != kStateVersion) {
    return corrupt(absl::StrCat("version ", version->get<int64_t>(), ", expected ", kStateVersion));
  }
  BootstrapState state;
  const auto last_good = doc.find("last_good");
  if (last_good != doc.end() && !last_good->is_null()) {
    if (!last_good->is_string()) return corrupt("last_good is not a relay line");
    absl::StatusOr<Relay> relay = ParseRelayLine(last_good->get_ref<const std::string&>());
    if (!relay.ok()) return corrupt(absl::StrCat("last_good: ", relay.status().message()));
    state.last_good = *std::move(relay);
  }
  const auto answers = doc.find("answers");
  if (answers != doc.end()) {
    if (!answers->is_array()) return corrupt("answers is not an array");
    for (size_t i = 0; i < answers->size(); ++i) {
      PersistedAnswer answer;
      if (std::string why = ParseAnswer((*answers)[i], answer); !why.empty()) {
        return corrupt(absl::StrCat("answers[", i, "]: ", why));
      }
      state.answers.push_back(std::move(answer));
    }
  }
  return state;
}

}  // namespace

absl::Status WriteStateFile(const std::string& path, const BootstrapState& state) {
  if (path.empty()) return absl::InvalidArgumentError("no state file name");
  absl::StatusOr<std::string> text = Serialize(state);
  if (!text.ok()) return text.status();
  return ReplaceFile(path, *text);
}

absl::StatusOr<BootstrapState> ReadStateFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  try {
    return Parse(path, *text);
  } catch (const Json::exception& e) {
    // Every access above checks the type first; this is the guarantee, not the expected path.
    return absl::DataLossError(absl::StrCat(path, ": corrupt state file: ", e.what()));
  }
}

}  // namespace rebound
