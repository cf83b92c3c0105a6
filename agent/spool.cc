#include "agent/spool.h"

#include <map>

#include "common/log.h"
#include "common/sqlite.h"

namespace vigil::agent {

struct Spool::Database {
  std::unique_ptr<sqlite::Database> db;
  // Statements of the steady state, prepared once: preparing costs more than running them.
  std::map<std::string_view, sqlite::Statement> prepared;

  Result<sqlite::Statement*> Statement(std::string_view sql) {
    if (auto it = prepared.find(sql); it != prepared.end()) return &it->second;
    Result<sqlite::Statement> statement = db->Prepare(sql);
    if (!statement) return statement.error();
    return &prepared.emplace(sql, std::move(*statement)).first->second;
  }
};

namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
      CREATE TABLE batches (
        sequence INTEGER PRIMARY KEY,
        payload  BLOB NOT NULL
      );
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
      INSERT INTO meta (key, value) VALUES ('next_sequence', 1), ('dropped_batches', 0);
    )sql",
};

Status WithPath(const std::string& path, Status status) {
  if (status) return status;
  return WithContext(status.error(), "spool " + path);
}

}  // namespace

Result<std::unique_ptr<Spool>> Spool::Open(const std::string& path, std::uint64_t max_bytes) {
  // The spool survives the agent being killed at any point (WAL); after a power loss it may miss
  // its last few seconds, which is why it does not pay for an fsync per batch (synchronous=NORMAL).
  // Only this agent uses it, and an exclusive lock keeps a second one out.
  sqlite::OpenOptions options;
  options.synchronous_full = false;
  options.exclusive = true;
  auto db = sqlite::Database::Open(path, options);
  if (!db) return db.error();
  if (Status migrated = (*db)->Migrate(kMigrations); !migrated) return migrated.error();
  auto holder = std::make_unique<Database>();
  holder->db = std::move(*db);
  std::unique_ptr<Spool> spool(new Spool(std::move(holder), max_bytes));
  if (Status loaded = spool->Load(); !loaded) return loaded.error();
  return spool;
}

Spool::Spool(std::unique_ptr<Database> db, std::uint64_t max_bytes)
    : db_(std::move(db)), max_bytes_(max_bytes) {}

Spool::~Spool() = default;

Status Spool::Load() {
  auto meta = db_->Statement("SELECT key, value FROM meta");
  if (!meta) return meta.error();
  for (;;) {
    Result<bool> row = (*meta)->Step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string key = (*meta)->Text(0);
    if (key == "next_sequence") next_sequence_ = static_cast<std::uint64_t>((*meta)->Int(1));
    if (key == "dropped_batches") {
      stats_.dropped_batches = static_cast<std::uint64_t>((*meta)->Int(1));
    }
  }
  (*meta)->Reset();
  return CountPending();
}

Status Spool::CountPending() {
  auto totals = db_->Statement("SELECT count(*), coalesce(sum(length(payload)), 0) FROM batches");
  if (!totals) return totals.error();
  Result<bool> row = (*totals)->Step();
  if (!row) return row.error();
  stats_.pending_batches = static_cast<std::uint64_t>((*totals)->Int(0));
  stats_.pending_bytes = static_cast<std::uint64_t>((*totals)->Int(1));
  (*totals)->Reset();
  return OkStatus();
}

Status Spool::Append(const wire::Batch& batch) {
  if (batch.sequence() != next_sequence_) {
    return MakeError(ErrorCode::kIoError, "batch sequence " + std::to_string(batch.sequence()) +
                                              " is not the next one (" +
                                              std::to_string(next_sequence_) + ")");
  }
  const std::string payload = batch.SerializeAsString();
  sqlite::Database& db = *db_->db;
  auto tx = sqlite::Transaction::Begin(db);
  if (!tx) return WithPath(db.path(), tx.error());
  auto insert = db_->Statement("INSERT INTO batches (sequence, payload) VALUES (?1, ?2)");
  if (!insert) return insert.error();
  (*insert)->Bind(1, static_cast<std::int64_t>(batch.sequence())).BindBlob(2, payload);
  if (Status done = (*insert)->Run(); !done) return WithPath(db.path(), done);
  auto bump = db_->Statement("UPDATE meta SET value = ?1 WHERE key = 'next_sequence'");
  if (!bump) return bump.error();
  (*bump)->Bind(1, static_cast<std::int64_t>(next_sequence_ + 1));
  if (Status done = (*bump)->Run(); !done) return WithPath(db.path(), done);
  if (Status committed = tx->Commit(); !committed) return WithPath(db.path(), committed);
  ++next_sequence_;
  ++stats_.pending_batches;
  stats_.pending_bytes += payload.size();
  return EnforceLimit();
}

Status Spool::EnforceLimit() {
  if (stats_.pending_bytes <= max_bytes_ || stats_.pending_batches <= 1) {
    overflowing_ = false;
    return OkStatus();
  }
  sqlite::Database& db = *db_->db;
  auto oldest =
      db.Prepare("SELECT sequence, length(payload) FROM batches ORDER BY sequence LIMIT ?1");
  if (!oldest) return oldest.error();
  oldest->Bind(1, static_cast<std::int64_t>(stats_.pending_batches - 1));
  std::uint64_t drop_through = 0;
  std::uint64_t dropped = 0;
  std::uint64_t bytes = stats_.pending_bytes;
  while (bytes > max_bytes_) {
    Result<bool> row = oldest->Step();
    if (!row) return row.error();
    if (!*row) break;
    drop_through = static_cast<std::uint64_t>(oldest->Int(0));
    bytes -= static_cast<std::uint64_t>(oldest->Int(1));
    ++dropped;
  }
  oldest->Reset();
  if (dropped == 0) return OkStatus();
  auto tx = sqlite::Transaction::Begin(db);
  if (!tx) return tx.error();
  auto remove = db.Prepare("DELETE FROM batches WHERE sequence <= ?1");
  if (!remove) return remove.error();
  remove->Bind(1, static_cast<std::int64_t>(drop_through));
  if (Status done = remove->Run(); !done) return done;
  auto count = db.Prepare("UPDATE meta SET value = value + ?1 WHERE key = 'dropped_batches'");
  if (!count) return count.error();
  count->Bind(1, static_cast<std::int64_t>(dropped));
  if (Status done = count->Run(); !done) return done;
  if (Status committed = tx->Commit(); !committed) return committed;
  // Warn when dropping starts; while it goes on (the collector is away) each drop is only debug,
  // and vigil_agent_spool_dropped_batches_total counts them all.
  const std::string message = "spool is over its limit of " + std::to_string(max_bytes_) +
                              " bytes: dropped " + std::to_string(dropped) +
                              " oldest batch(es) through sequence " + std::to_string(drop_through);
  if (!overflowing_) {
    LogWarning(message + "; further drops are logged at debug level");
  } else {
    LogDebug(message);
  }
  overflowing_ = true;
  stats_.pending_batches -= dropped;
  stats_.pending_bytes = bytes;
  stats_.dropped_batches += dropped;
  return OkStatus();
}

Result<std::vector<SpooledBatch>> Spool::ReadAfter(std::uint64_t after, std::size_t limit) {
  auto query = db_->Statement(
      "SELECT sequence, payload FROM batches WHERE sequence > ?1 ORDER BY sequence LIMIT ?2");
  if (!query) return query.error();
  (*query)->Bind(1, static_cast<std::int64_t>(after)).Bind(2, static_cast<std::int64_t>(limit));
  std::vector<SpooledBatch> out;
  for (;;) {
    Result<bool> row = (*query)->Step();
    if (!row) {
      (*query)->Reset();
      return row.error();
    }
    if (!*row) break;
    out.push_back({static_cast<std::uint64_t>((*query)->Int(0)), (*query)->Blob(1)});
  }
  (*query)->Reset();
  return out;
}

Status Spool::AcknowledgeThrough(std::uint64_t sequence) {
  auto remove = db_->Statement("DELETE FROM batches WHERE sequence <= ?1");
  if (!remove) return remove.error();
  (*remove)->Bind(1, static_cast<std::int64_t>(sequence));
  if (Status done = (*remove)->Run(); !done) return done;
  return CountPending();
}

Status Spool::Discard(std::uint64_t sequence) {
  auto remove = db_->db->Prepare("DELETE FROM batches WHERE sequence = ?1");
  if (!remove) return remove.error();
  remove->Bind(1, static_cast<std::int64_t>(sequence));
  if (Status done = remove->Run(); !done) return done;
  return CountPending();
}

Status Spool::Renumber(std::uint64_t first) {
  sqlite::Database& db = *db_->db;
  auto tx = sqlite::Transaction::Begin(db);
  if (!tx) return tx.error();
  // Negate first so that no renumbered row collides with one not yet renumbered.
  if (Status done = db.Exec("UPDATE batches SET sequence = -sequence"); !done) return done;
  auto old_numbers = db.Prepare("SELECT sequence FROM batches ORDER BY sequence DESC");
  if (!old_numbers) return old_numbers.error();
  std::vector<std::int64_t> negated;
  for (;;) {
    Result<bool> row = old_numbers->Step();
    if (!row) return row.error();
    if (!*row) break;
    negated.push_back(old_numbers->Int(0));
  }
  old_numbers->Reset();
  auto assign = db.Prepare("UPDATE batches SET sequence = ?1 WHERE sequence = ?2");
  if (!assign) return assign.error();
  std::uint64_t next = first;
  for (std::int64_t old : negated) {  // descending negated = ascending original
    assign->Bind(1, static_cast<std::int64_t>(next++)).Bind(2, old);
    if (Status done = assign->Run(); !done) return done;
  }
  const std::uint64_t pending = negated.size();
  auto bump = db.Prepare("UPDATE meta SET value = ?1 WHERE key = 'next_sequence'");
  if (!bump) return bump.error();
  bump->Bind(1, static_cast<std::int64_t>(first + pending));
  if (Status done = bump->Run(); !done) return done;
  if (Status committed = tx->Commit(); !committed) return committed;
  next_sequence_ = first + pending;
  return OkStatus();
}

}  // namespace vigil::agent
