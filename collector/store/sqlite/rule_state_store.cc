// The SQLite engine of RuleStateStore.

#include <cmath>

#include "collector/store/sqlite/engines.h"
#include "common/clock.h"

namespace vigil::collector::sqlite_store {
namespace {

constexpr std::string_view kSave =
    "INSERT OR REPLACE INTO rule_states (fingerprint, rule, series_key, labels, state,"
    " active_since_ms, cleared_ms, value, severity) VALUES (:fingerprint, :rule, :series_key,"
    " :labels, :state, :active_since_ms, :cleared_ms, :value, :severity)";
constexpr std::string_view kDelete = "DELETE FROM rule_states WHERE fingerprint = :fingerprint";
constexpr std::string_view kAll =
    "SELECT fingerprint, rule, series_key, labels, state, active_since_ms, cleared_ms, value,"
    " severity FROM rule_states ORDER BY rule, fingerprint";

std::string LabelsToJson(const alerting::Labels& labels) {
  StringPairs pairs;
  for (const alerting::Label& label : labels) pairs.emplace_back(label.name, label.value);
  return PairsToJson(pairs);
}

alerting::Labels LabelsFromJson(const std::string& text) {
  alerting::Labels out;
  for (auto& [name, value] : PairsFromJson(text)) out.push_back({name, value});
  return alerting::Normalized(std::move(out));
}

alerting::SeriesStateRecord ReadState(const sqlite::Statement& row) {
  alerting::SeriesStateRecord state;
  state.fingerprint = row.Text(0);
  state.rule = row.Text(1);
  state.series_key = row.Text(2);
  state.labels = LabelsFromJson(row.Text(3));
  state.state =
      row.Text(4) == "firing" ? alerting::AlertState::kFiring : alerting::AlertState::kPending;
  state.active_since = FromUnixMillis(row.Int(5));
  if (!row.IsNull(6)) state.cleared_at = FromUnixMillis(row.Int(6));
  state.value = row.IsNull(7) ? NAN : row.Double(7);
  state.severity = ParseSeverity(row.Text(8)).value_or(Severity::kHigh);
  return state;
}

class SqliteRuleStateStore final : public EngineBound<RuleStateStore> {
 public:
  using EngineBound::EngineBound;

  Status SaveRuleState(const alerting::SeriesStateRecord& state) override {
    auto lock = engine_.Lock();
    return Run(engine_, kSave, [&](sqlite::Statement& upsert) {
      upsert.Bind(":fingerprint", state.fingerprint)
          .Bind(":rule", state.rule)
          .Bind(":series_key", state.series_key)
          .Bind(":labels", LabelsToJson(state.labels))
          .Bind(":state", alerting::AlertStateName(state.state))
          .Bind(":active_since_ms", ToUnixMillis(state.active_since))
          .BindOptional(":cleared_ms", state.cleared_at ? std::optional<std::int64_t>(
                                                              ToUnixMillis(*state.cleared_at))
                                                        : std::nullopt)
          .Bind(":severity", SeverityName(state.severity));
      if (std::isnan(state.value)) {
        upsert.BindNull(":value");
      } else {
        upsert.BindDouble(":value", state.value);
      }
    });
  }

  Status DeleteRuleState(const std::string& fingerprint) override {
    auto lock = engine_.Lock();
    return Run(engine_, kDelete,
               [&](sqlite::Statement& erase) { erase.Bind(":fingerprint", fingerprint); });
  }

  Result<std::vector<alerting::SeriesStateRecord>> LoadRuleStates() override {
    auto lock = engine_.Lock();
    return All<alerting::SeriesStateRecord>(engine_, kAll, NoParameters, &ReadState);
  }
};

}  // namespace

std::unique_ptr<RuleStateStore> MakeRuleStateStore(Engine& engine) {
  return std::make_unique<SqliteRuleStateStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
