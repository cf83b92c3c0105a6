// The SQLite engine of SilenceStore.

#include <nlohmann/json.hpp>

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kInsert =
    "INSERT INTO silences (id, matchers, starts_ms, ends_ms, comment, created_by, created_ms)"
    " VALUES (:id, :matchers, :starts_ms, :ends_ms, :comment, :created_by, :created_ms)";
constexpr std::string_view kSetEnd = "UPDATE silences SET ends_ms = :ends_ms WHERE id = :id";
constexpr std::string_view kAll =
    "SELECT id, matchers, starts_ms, ends_ms, comment, created_by, created_ms FROM silences"
    " ORDER BY seq DESC";

std::string MatchersToJson(const std::vector<SilenceMatcher>& matchers) {
  Json array = Json::array();
  for (const SilenceMatcher& m : matchers) {
    array.push_back({{"name", m.name}, {"op", m.op}, {"value", m.value}});
  }
  return array.dump();
}

std::vector<SilenceMatcher> MatchersFromJson(const std::string& text) {
  std::vector<SilenceMatcher> out;
  Json array = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) return out;
  for (const Json& m : array) {
    out.push_back({m.value("name", ""), m.value("op", "="), m.value("value", "")});
  }
  return out;
}

SilenceRecord ReadSilence(const sqlite::Statement& row) {
  return SilenceRecord{
      row.Text(0), MatchersFromJson(row.Text(1)), row.Int(2), row.Int(3), row.Text(4), row.Text(5),
      row.Int(6)};
}

class SqliteSilenceStore final : public EngineBound<SilenceStore> {
 public:
  using EngineBound::EngineBound;

  Status CreateSilence(const SilenceRecord& silence) override {
    auto lock = engine_.Lock();
    return Run(engine_, kInsert, [&](sqlite::Statement& insert) {
      insert.Bind(":id", silence.id)
          .Bind(":matchers", MatchersToJson(silence.matchers))
          .Bind(":starts_ms", silence.starts_ms)
          .Bind(":ends_ms", silence.ends_ms)
          .Bind(":comment", silence.comment)
          .Bind(":created_by", silence.created_by)
          .Bind(":created_ms", silence.created_ms);
    });
  }

  Status SetSilenceEnd(const std::string& id, std::int64_t ends_ms) override {
    auto lock = engine_.Lock();
    auto changed = RunCounting(engine_, kSetEnd, [&](sqlite::Statement& update) {
      update.Bind(":id", id).Bind(":ends_ms", ends_ms);
    });
    if (!changed) return changed.error();
    if (*changed == 0) return MakeError(ErrorCode::kNotFound, "no silence with id " + id);
    return OkStatus();
  }

  Result<std::vector<SilenceRecord>> ListSilences() override {
    auto lock = engine_.Lock();
    return All<SilenceRecord>(engine_, kAll, NoParameters, &ReadSilence);
  }
};

}  // namespace

std::unique_ptr<SilenceStore> MakeSilenceStore(Engine& engine) {
  return std::make_unique<SqliteSilenceStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
