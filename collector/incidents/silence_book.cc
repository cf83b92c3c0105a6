#include "collector/incidents/silence_book.h"

#include <algorithm>

#include "collector/store/token.h"
#include "common/exposition.h"

namespace vigil::collector {
namespace {

Result<std::vector<alerting::LabelMatcher>> Compile(const std::vector<SilenceMatcher>& matchers) {
  std::vector<alerting::LabelMatcher> out;
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    const SilenceMatcher& m = matchers[i];
    const std::string where = "matchers[" + std::to_string(i) + "]";
    if (!IsValidLabelName(m.name)) {
      return MakeError(ErrorCode::kBadRequest,
                       where + ".name: \"" + m.name + "\" is not a label name");
    }
    auto op = alerting::ParseMatchOp(m.op);
    if (!op) return MakeError(ErrorCode::kBadRequest, where + ".op: " + op.error().message);
    auto matcher = alerting::LabelMatcher::Make(m.name, *op, m.value);
    if (!matcher)
      return MakeError(ErrorCode::kBadRequest, where + ".value: " + matcher.error().message);
    out.push_back(std::move(*matcher));
  }
  return out;
}

}  // namespace

SilenceBook::SilenceBook(SilenceStore& store) : store_(store) {}

Status SilenceBook::Load() {
  auto records = store_.ListSilences();
  if (!records) return records.error();
  std::vector<Entry> loaded;
  for (SilenceRecord& record : *records) {
    auto matchers = Compile(record.matchers);
    if (!matchers) continue;  // cannot happen for what Create stored; skip rather than fail
    loaded.push_back({std::move(record), std::move(*matchers)});
  }
  std::lock_guard lock(mutex_);
  silences_ = std::move(loaded);
  return OkStatus();
}

Result<SilenceRecord> SilenceBook::Create(SilenceRecord silence, std::int64_t now_ms) {
  if (silence.matchers.empty()) {
    return MakeError(ErrorCode::kBadRequest, "matchers: at least one matcher is needed");
  }
  if (silence.matchers.size() > kMaxSilenceMatchers) {
    return MakeError(ErrorCode::kBadRequest,
                     "matchers: at most " + std::to_string(kMaxSilenceMatchers) + " matchers");
  }
  for (std::size_t i = 0; i < silence.matchers.size(); ++i) {
    const SilenceMatcher& m = silence.matchers[i];
    if (m.name.size() > kMaxSilenceMatcherBytes || m.value.size() > kMaxSilenceMatcherBytes) {
      return MakeError(ErrorCode::kBadRequest,
                       "matchers[" + std::to_string(i) + "]." +
                           (m.name.size() > kMaxSilenceMatcherBytes ? "name" : "value") +
                           ": at most " + std::to_string(kMaxSilenceMatcherBytes) + " bytes");
    }
  }
  auto matchers = Compile(silence.matchers);
  if (!matchers) return matchers.error();
  if (std::all_of(matchers->begin(), matchers->end(),
                  [](const alerting::LabelMatcher& m) { return m.Matches(std::string_view()); })) {
    return MakeError(ErrorCode::kBadRequest,
                     "matchers: at least one matcher must not match the empty value, or the "
                     "silence would mute everything");
  }
  if (silence.ends_ms <= silence.starts_ms) {
    return MakeError(ErrorCode::kBadRequest, "ends_at: must be after starts_at");
  }
  if (silence.ends_ms <= now_ms)
    return MakeError(ErrorCode::kBadRequest, "ends_at: must be in the future");
  if (silence.ends_ms - silence.starts_ms > kMaxSilenceMillis) {
    return MakeError(ErrorCode::kBadRequest, "ends_at: a silence lasts at most 366 days");
  }
  if (silence.starts_ms - now_ms > kMaxSilenceMillis) {
    return MakeError(ErrorCode::kBadRequest, "starts_at: at most 366 days ahead");
  }
  if (silence.comment.size() > 4096) {
    return MakeError(ErrorCode::kBadRequest, "comment: at most 4096 bytes");
  }
  silence.id = "sil-" + GenerateTokenId();
  silence.created_ms = now_ms;
  std::lock_guard lock(mutex_);
  if (silences_.size() >= kMaxSilences) {
    return MakeError(ErrorCode::kConflict,
                     "there are " + std::to_string(kMaxSilences) +
                         " silences already; expired ones are kept for the record");
  }
  if (Status stored = store_.CreateSilence(silence); !stored) return stored.error();
  silences_.insert(silences_.begin(), Entry{silence, std::move(*matchers)});
  return silence;
}

Result<SilenceRecord> SilenceBook::Expire(const std::string& id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(silences_.begin(), silences_.end(),
                         [&](const Entry& e) { return e.record.id == id; });
  if (it == silences_.end()) return MakeError(ErrorCode::kNotFound, "no silence with id " + id);
  if (it->record.ends_ms <= now_ms) return it->record;
  const std::int64_t end = std::max(now_ms, it->record.starts_ms);
  if (Status stored = store_.SetSilenceEnd(id, end); !stored) return stored.error();
  it->record.ends_ms = end;
  return it->record;
}

std::string SilenceBook::StateAt(const SilenceRecord& record, std::int64_t now_ms) {
  if (now_ms < record.starts_ms) return "pending";
  if (now_ms < record.ends_ms) return "active";
  return "expired";
}

std::vector<SilenceState> SilenceBook::List(std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  std::vector<SilenceState> out;
  out.reserve(silences_.size());
  for (const Entry& entry : silences_) out.push_back({entry.record, StateAt(entry.record, now_ms)});
  return out;
}

std::optional<SilenceState> SilenceBook::Get(const std::string& id, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  for (const Entry& entry : silences_) {
    if (entry.record.id == id) return SilenceState{entry.record, StateAt(entry.record, now_ms)};
  }
  return std::nullopt;
}

std::optional<std::string> SilenceBook::Matching(const alerting::Labels& labels,
                                                 std::int64_t at_ms) const {
  std::lock_guard lock(mutex_);
  for (const Entry& entry : silences_) {
    if (at_ms < entry.record.starts_ms || at_ms >= entry.record.ends_ms) continue;
    if (std::all_of(entry.matchers.begin(), entry.matchers.end(),
                    [&](const alerting::LabelMatcher& m) { return m.Matches(labels); })) {
      return entry.record.id;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> SilenceBook::NextChange(std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  std::optional<std::int64_t> next;
  for (const Entry& entry : silences_) {
    for (std::int64_t t : {entry.record.starts_ms, entry.record.ends_ms}) {
      if (t > now_ms && (!next || t < *next)) next = t;
    }
  }
  return next;
}

}  // namespace vigil::collector
