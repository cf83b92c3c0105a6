// The SQLite engine of AgentStore.

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

constexpr std::string_view kUpsertHello =
    "INSERT INTO agents (customer, agent_id, hostname, version, first_seen_ms, last_seen_ms,"
    " labels) VALUES (:customer, :agent_id, :hostname, :version, :at_ms, :at_ms, :labels)"
    " ON CONFLICT (customer, agent_id) DO UPDATE SET"
    " hostname = excluded.hostname, version = excluded.version,"
    " last_seen_ms = excluded.last_seen_ms, labels = excluded.labels, goodbye_ms = NULL";
constexpr std::string_view kOne =
    "SELECT customer, agent_id, hostname, version, last_sequence, batches_applied, last_seen_ms,"
    " labels, goodbye_ms FROM agents WHERE customer = :customer AND agent_id = :agent_id";
constexpr std::string_view kAll =
    "SELECT customer, agent_id, hostname, version, last_sequence, batches_applied, last_seen_ms,"
    " labels, goodbye_ms FROM agents ORDER BY customer, agent_id";
constexpr std::string_view kApplyBatch =
    "UPDATE agents SET last_sequence = :sequence, batches_applied = batches_applied + 1,"
    " last_seen_ms = :at_ms"
    " WHERE customer = :customer AND agent_id = :agent_id AND last_sequence < :sequence";
constexpr std::string_view kGoodbye =
    "UPDATE agents SET goodbye_ms = :at_ms, last_seen_ms = max(last_seen_ms, :at_ms)"
    " WHERE customer = :customer AND agent_id = :agent_id";

AgentRecord ReadAgent(const sqlite::Statement& row) {
  AgentRecord agent;
  agent.customer = row.Text(0);
  agent.agent_id = row.Text(1);
  agent.hostname = row.Text(2);
  agent.version = row.Text(3);
  agent.last_sequence = static_cast<std::uint64_t>(row.Int(4));
  agent.batches_applied = static_cast<std::uint64_t>(row.Int(5));
  agent.last_seen_ms = row.Int(6);
  agent.labels = PairsFromJson(row.Text(7));
  agent.goodbye_ms = OptionalInt(row, 8);
  return agent;
}

auto BindAgent(const std::string& customer, const std::string& agent_id) {
  return [&customer, &agent_id](sqlite::Statement& statement) {
    statement.Bind(":customer", customer).Bind(":agent_id", agent_id);
  };
}

class SqliteAgentStore final : public EngineBound<AgentStore> {
 public:
  using EngineBound::EngineBound;

  Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                  const std::string& hostname, const std::string& version,
                                  std::int64_t at_ms, const StringPairs& labels) override {
    auto lock = engine_.Lock();
    Status upserted = Run(engine_, kUpsertHello, [&](sqlite::Statement& upsert) {
      upsert.Bind(":customer", customer)
          .Bind(":agent_id", agent_id)
          .Bind(":hostname", hostname)
          .Bind(":version", version)
          .Bind(":at_ms", at_ms)
          .Bind(":labels", PairsToJson(labels));
    });
    if (!upserted) return upserted.error();
    auto agent = One<AgentRecord>(engine_, kOne, BindAgent(customer, agent_id), &ReadAgent);
    if (!agent) return agent.error();
    if (!agent->has_value()) {
      return MakeError(ErrorCode::kStoreFailed, "agent row vanished after insert");
    }
    return std::move(**agent);
  }

  Result<BatchOutcome> RecordBatch(const std::string& customer, const std::string& agent_id,
                                   std::uint64_t sequence, std::int64_t at_ms) override {
    auto lock = engine_.Lock();
    auto changed = RunCounting(engine_, kApplyBatch, [&](sqlite::Statement& update) {
      BindAgent(customer, agent_id)(update);
      update.Bind(":sequence", static_cast<std::int64_t>(sequence)).Bind(":at_ms", at_ms);
    });
    if (!changed) return changed.error();
    return *changed == 1 ? BatchOutcome::kApplied : BatchOutcome::kDuplicate;
  }

  Status RecordGoodbye(const std::string& customer, const std::string& agent_id,
                       std::int64_t at_ms) override {
    auto lock = engine_.Lock();
    return Run(engine_, kGoodbye, [&](sqlite::Statement& update) {
      BindAgent(customer, agent_id)(update);
      update.Bind(":at_ms", at_ms);
    });
  }

  Result<std::vector<AgentRecord>> ListAgents() override {
    auto lock = engine_.Lock();
    return All<AgentRecord>(engine_, kAll, NoParameters, &ReadAgent);
  }
};

}  // namespace

std::unique_ptr<AgentStore> MakeAgentStore(Engine& engine) {
  return std::make_unique<SqliteAgentStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
