#include "resolver/cache/cache_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "resolver/core/log.h"
#include "resolver/core/owned_file.h"

namespace rebound {
namespace {

constexpr absl::string_view kHeaderPrefix = "; rebound cache-file written ";

// A cache file larger than this is not one rebound wrote (the caches' own caps are far below).
constexpr size_t kMaxCacheFileBytes = size_t{1} << 30;

struct CacheFileText {
  std::string text;
  absl::Time modified;
};

absl::StatusOr<CacheFileText> ReadWhole(const std::string& path) {
  absl::StatusOr<int> fd = OpenOwnedFileForReading(path);
  if (!fd.ok()) return fd.status();
  CacheFileText file;
  struct stat st {};
  if (fstat(*fd, &st) == 0) file.modified = absl::FromUnixSeconds(st.st_mtime);
  char buf[65536];
  while (true) {
    const ssize_t n = read(*fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(*fd);
      return absl::ErrnoToStatus(error, absl::StrCat("cannot read ", path));
    }
    if (n == 0) break;
    if (file.text.size() + static_cast<size_t>(n) > kMaxCacheFileBytes) {
      close(*fd);
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is larger than ", kMaxCacheFileBytes, " bytes"));
    }
    file.text.append(buf, static_cast<size_t>(n));
  }
  close(*fd);
  return file;
}

// When the dump in `*text` was written: from its header line, which is taken off, or for an
// unbound dump without one, the file's modification time. An error for a bad header.
absl::StatusOr<absl::Time> TakeHeader(absl::string_view* text, absl::Time modified) {
  if (!absl::StartsWith(*text, ";")) return modified;
  const size_t end = text->find('\n');
  absl::string_view header = text->substr(0, end);
  int64_t written = 0;
  if (!absl::ConsumePrefix(&header, kHeaderPrefix) || !absl::SimpleAtoi(header, &written)) {
    return absl::InvalidArgumentError(
        absl::StrCat("line 1: expected \"", kHeaderPrefix, "UNIXTIME\""));
  }
  text->remove_prefix(end == absl::string_view::npos ? text->size() : end + 1);
  return absl::FromUnixSeconds(written);
}

}  // namespace

absl::StatusOr<DumpedCache> WriteCacheFile(const std::string& path, const RrsetCache& rrsets,
                                           const NegativeCache& negatives, absl::Time now) {
  std::string text = absl::StrCat(kHeaderPrefix, absl::ToUnixSeconds(now), "\n");
  const DumpedCache dumped = DumpCache(rrsets, negatives, [&text](absl::string_view piece) {
    text.append(piece.data(), piece.size());
    return true;
  });
  // 0600: like bootstrap-state-file, it lists the names that were looked up.
  if (absl::Status s = WriteOwnedFileAtomically(path, text, 0600); !s.ok()) return s;
  return dumped;
}

absl::StatusOr<LoadedCache> ReadCacheFile(const std::string& path, absl::Time now,
                                          CacheWriter* writer) {
  absl::StatusOr<CacheFileText> file = ReadWhole(path);
  if (!file.ok()) return file.status();
  absl::string_view text = file->text;
  absl::StatusOr<absl::Time> written = TakeHeader(&text, file->modified);
  if (!written.ok()) return written.status();
  const size_t header_lines = text.size() != file->text.size() ? 1 : 0;
  // A clock set back since the file was written makes no entry younger.
  const absl::Duration age = std::max(now - *written, absl::ZeroDuration());
  // Checked whole first: a file cut short or damaged loads nothing rather than a part.
  if (absl::StatusOr<LoadedCache> checked = LoadCacheFromString(text, age, nullptr, header_lines);
      !checked.ok()) {
    return checked.status();
  }
  return LoadCacheFromString(text, age, writer, header_lines);
}

void LoadCacheFileAtStart(const std::string& path, CacheWriter* writer) {
  const absl::Time now = absl::Now();
  absl::StatusOr<LoadedCache> loaded = ReadCacheFile(path, now, writer);
  if (absl::IsNotFound(loaded.status())) {
    Log(LogLevel::kOps, "cache-file %s: none yet; starting with empty caches", path);
    return;
  }
  if (!loaded.ok()) {
    Log(LogLevel::kError, "warning: cache-file %s: %s; starting with empty caches", path,
        loaded.status().message());
    return;
  }
  Log(LogLevel::kOps,
      "cache-file %s: loaded %d RRsets and %d negative answers (%d expired since it was written)",
      path, static_cast<int64_t>(loaded->rrsets), static_cast<int64_t>(loaded->negatives),
      static_cast<int64_t>(loaded->expired));
}

void SaveCacheFileAtStop(const std::string& path, const RrsetCache& rrsets,
                         const NegativeCache& negatives) {
  absl::StatusOr<DumpedCache> written = WriteCacheFile(path, rrsets, negatives, absl::Now());
  if (!written.ok()) {
    Log(LogLevel::kError, "warning: cache-file %s: %s; the cache is not kept", path,
        written.status().message());
    return;
  }
  Log(LogLevel::kOps, "cache-file %s: written, %d RRsets and %d messages", path,
      static_cast<int64_t>(written->rrsets), static_cast<int64_t>(written->messages));
}

}  // namespace rebound
