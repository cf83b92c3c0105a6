// fim.changed: watched files' SHA-256, mode and owner against an accepted baseline. A file is
// hashed again only when its size, mtime, ctime or inode changed since the last scan. The records
// are kept as tab-separated lines (fim.tsv), not JSON: a second scan of 100,000 unchanged files
// must cost a small part of the first.

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "agent/security/check_modules.h"

namespace vigil::agent {
namespace {

constexpr const char* kStateFile = "fim.tsv";

struct FileRecord {
  std::array<unsigned char, 32> sha256{};
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;

  bool SameFile(const FileRecord& other) const {
    return size == other.size && mtime_ns == other.mtime_ns && ctime_ns == other.ctime_ns &&
           inode == other.inode;
  }
  bool operator==(const FileRecord&) const = default;
};

using Records = std::unordered_map<std::string, FileRecord>;

// What fim.tsv holds: what the last scan saw, and the accepted baseline as the differences from
// it — in the usual case, no drift, none.
struct FimState {
  bool has_baseline = false;
  Records seen;
  Records accepted_differs;                      // accepted records unlike (or missing from) seen
  std::unordered_set<std::string> not_accepted;  // seen, but not in the baseline

  const FileRecord* Accepted(const std::string& path) const {
    if (not_accepted.count(path)) return nullptr;
    if (auto it = accepted_differs.find(path); it != accepted_differs.end()) return &it->second;
    if (auto it = seen.find(path); it != seen.end()) return &it->second;
    return nullptr;
  }
  template <typename Visit>
  void EachAccepted(Visit visit) const {
    for (const auto& [path, record] : seen) {
      if (const FileRecord* accepted = Accepted(path)) visit(path, *accepted);
    }
    for (const auto& [path, record] : accepted_differs) {
      if (seen.count(path) == 0) visit(path, record);
    }
  }
};

std::int64_t Nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::string Hex(const std::array<unsigned char, 32>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return out;
}

bool FromHex(std::string_view hex, std::array<unsigned char, 32>& out) {
  if (hex.size() != 64) return false;
  const auto value = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = value(hex[2 * i]);
    const int low = value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return true;
}

// Paths may hold any byte but NUL: tab, newline and "%" are written as %09, %0A, %25.
std::string Escape(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '\t')
      out += "%09";
    else if (c == '\n')
      out += "%0A";
    else if (c == '%')
      out += "%25";
    else
      out += c;
  }
  return out;
}

std::string Unescape(std::string_view text) {
  if (text.find('%') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const std::string_view code = text.substr(i + 1, 2);
      if (code == "09") {
        out += '\t';
        i += 2;
        continue;
      }
      if (code == "0A") {
        out += '\n';
        i += 2;
        continue;
      }
      if (code == "25") {
        out += '%';
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

template <typename Number>
Number ParseNumber(std::string_view text) {
  Number value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void AppendRecord(std::string& out, char tag, const std::string& path, const FileRecord& r) {
  out += tag;
  out += '\t';
  out += Escape(path);
  out += '\t';
  out += Hex(r.sha256);
  for (std::int64_t number : {static_cast<std::int64_t>(r.mode), static_cast<std::int64_t>(r.uid),
                              static_cast<std::int64_t>(r.gid), r.size, r.mtime_ns, r.ctime_ns,
                              static_cast<std::int64_t>(r.inode)}) {
    out += '\t';
    out += std::to_string(number);
  }
  out += '\n';
}

// Lines: "B" (a baseline was taken); "S\tpath\tsha256\tmode\tuid\tgid\tsize\tmtime\tctime\tinode"
// for what the last scan saw; "A\t…" for an accepted record unlike it; "N\tpath" for a seen
// file the baseline lacks.
std::string Serialize(const FimState& state) {
  std::string out = state.has_baseline ? "B\n" : "";
  out.reserve(out.size() + state.seen.size() * 190);
  for (const auto& [path, record] : state.seen) AppendRecord(out, 'S', path, record);
  for (const auto& [path, record] : state.accepted_differs) AppendRecord(out, 'A', path, record);
  for (const std::string& path : state.not_accepted) out += "N\t" + Escape(path) + "\n";
  return out;
}

FimState Parse(const std::string& text) {
  FimState state;
  std::size_t start = 0;
  std::string_view fields[10];
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line == "B") {
      state.has_baseline = true;
      continue;
    }
    std::size_t count = 0, at = 0;
    while (count < 10) {
      const std::size_t tab = line.find('\t', at);
      fields[count++] =
          line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at);
      if (tab == std::string_view::npos) break;
      at = tab + 1;
    }
    if (count == 2 && fields[0] == "N") {
      state.not_accepted.insert(Unescape(fields[1]));
      continue;
    }
    if (count != 10 || (fields[0] != "A" && fields[0] != "S")) continue;  // damaged: ignored
    FileRecord r;
    if (!FromHex(fields[2], r.sha256)) continue;
    r.mode = ParseNumber<std::uint32_t>(fields[3]);
    r.uid = ParseNumber<std::uint32_t>(fields[4]);
    r.gid = ParseNumber<std::uint32_t>(fields[5]);
    r.size = ParseNumber<std::int64_t>(fields[6]);
    r.mtime_ns = ParseNumber<std::int64_t>(fields[7]);
    r.ctime_ns = ParseNumber<std::int64_t>(fields[8]);
    r.inode = ParseNumber<std::uint64_t>(fields[9]);
    (fields[0] == "A" ? state.accepted_differs : state.seen).emplace(Unescape(fields[1]), r);
  }
  return state;
}

// The state after a scan that saw `current`, with the baseline unchanged (or taken now).
FimState Advance(const FimState& before, Records current, bool accept) {
  FimState after;
  after.has_baseline = true;
  if (!accept) {
    before.EachAccepted([&](const std::string& path, const FileRecord& accepted) {
      auto now = current.find(path);
      if (now == current.end() || !(now->second == accepted))
        after.accepted_differs.emplace(path, accepted);
    });
    for (const auto& [path, record] : current) {
      if (before.Accepted(path) == nullptr) after.not_accepted.insert(path);
    }
  }
  after.seen = std::move(current);
  return after;
}

class FimCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"fim.changed"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("fim.changed") == 0) return {};
    CheckResult result{"fim.changed", std::nullopt, {}};
    const std::vector<std::string>& paths = context.config().CheckFor(result.check).paths;
    if (paths.empty()) return {result};  // nothing watched
    const std::optional<std::string> text = context.LoadStateFile(kStateFile);
    const FimState state = text ? Parse(*text) : FimState{};
    Records current;
    current.reserve(state.seen.size());
    context.Walk(paths, [&](const WalkedFile& file) {
      if (!S_ISREG(file.info.st_mode)) return;
      FileRecord record;
      record.mode = file.info.st_mode & 07777;
      record.uid = file.info.st_uid;
      record.gid = file.info.st_gid;
      record.size = file.info.st_size;
      record.mtime_ns = Nanoseconds(file.info.st_mtim);
      record.ctime_ns = Nanoseconds(file.info.st_ctim);
      record.inode = file.info.st_ino;
      auto before = state.seen.find(file.path);
      if (before != state.seen.end() && before->second.SameFile(record)) {
        record.sha256 = before->second.sha256;
      } else {
        Result<std::string> hash = context.Sha256(file.path);
        if (hash && FromHex(*hash, record.sha256)) {
          // hashed now
        } else if (before != state.seen.end()) {
          record.sha256 = before->second.sha256;  // out of budget: judged on what is known
        } else {
          return;
        }
      }
      current.emplace(file.path, record);
    });
    const bool accept = !state.has_baseline || context.Accepting(result.check);
    if (!accept) Compare(context, state, current, result);
    // Unchanged since the last scan (the common case): nothing to write.
    if (accept || current != state.seen) {
      if (Status saved = context.SaveStateFile(
              kStateFile, Serialize(Advance(state, std::move(current), accept)));
          !saved) {
        result.error = saved.error();
      }
    }
    return {result};
  }

 private:
  static void Compare(ScanContext& context, const FimState& state, const Records& current,
                      CheckResult& result) {
    const std::string severity = SeverityFor(context, result.check, "high");
    const std::string remediation =
        "If the change was intended, accept it (vigil-agent baseline accept fim.changed); "
        "otherwise restore the file from a known-good copy and find out who changed it.";
    for (const auto& [path, now] : current) {
      const FileRecord* before = state.Accepted(path);
      if (before == nullptr) {
        result.findings.push_back({result.check, severity, "Watched file " + path + " appeared",
                                   path + ": new, sha256 " + Hex(now.sha256), remediation, path});
        continue;
      }
      std::string changes;
      const auto note = [&](const std::string& what) {
        changes += (changes.empty() ? "" : "; ") + what;
      };
      if (before->sha256 != now.sha256)
        note("sha256 " + Hex(before->sha256) + " -> " + Hex(now.sha256));
      if (before->mode != now.mode)
        note("mode " + OctalMode(before->mode) + " -> " + OctalMode(now.mode));
      if (before->uid != now.uid || before->gid != now.gid) {
        note("owner " + std::to_string(before->uid) + ":" + std::to_string(before->gid) + " -> " +
             std::to_string(now.uid) + ":" + std::to_string(now.gid));
      }
      if (!changes.empty()) {
        result.findings.push_back({result.check, severity, "Watched file " + path + " changed",
                                   path + ": " + changes, remediation, path});
      }
    }
    if (!context.partial()) {  // a cut walk cannot tell what disappeared
      state.EachAccepted([&](const std::string& path, const FileRecord& before) {
        if (current.count(path) == 0) {
          result.findings.push_back(
              {result.check, severity, "Watched file " + path + " disappeared",
               path + ": gone (was sha256 " + Hex(before.sha256) + ")", remediation, path});
        }
      });
    }
    // Reported in path order, whatever the maps'.
    std::sort(result.findings.begin(), result.findings.end(),
              [](const Finding& a, const Finding& b) { return a.key < b.key; });
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeFimCheck() { return std::make_unique<FimCheck>(); }

}  // namespace vigil::agent
