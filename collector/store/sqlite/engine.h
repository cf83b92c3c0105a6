#pragma once
// What the SQLite engines of the collector's stores share (internal to collector/store): one
// connection (WAL, synchronous=FULL) and its lock, statements prepared once, and the helpers that
// read rows. A change that spans two stores (an incident and the notifications it causes) runs in
// one transaction on the one connection, through the helpers of shared_rows.h.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "collector/store/page.h"
#include "common/result.h"
#include "common/sqlite.h"

namespace vigil::collector::sqlite_store {

// A prepared statement lent for one use: its bindings are cleared and it is rewound when the lease
// ends, ready for the next.
class Lease {
 public:
  Lease(sqlite::Statement* cached, bool* in_use) : statement_(cached), in_use_(in_use) {}
  explicit Lease(sqlite::Statement owned)
      : owned_(std::make_unique<sqlite::Statement>(std::move(owned))), statement_(owned_.get()) {}
  Lease(Lease&& other) noexcept
      : owned_(std::move(other.owned_)),
        statement_(std::exchange(other.statement_, nullptr)),
        in_use_(std::exchange(other.in_use_, nullptr)) {}
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  sqlite::Statement* operator->() const { return statement_; }
  sqlite::Statement& operator*() const { return *statement_; }

 private:
  std::unique_ptr<sqlite::Statement> owned_;  // a statement prepared while the cached one was lent
  sqlite::Statement* statement_;
  bool* in_use_ = nullptr;
};

class Engine {
 public:
  // Opens or creates the file and brings its schema to the newest version (schema.cc).
  static Result<std::unique_ptr<Engine>> Open(const std::string& path);

  // Held for every call of a store: the connection is one.
  std::unique_lock<std::mutex> Lock() { return std::unique_lock(mutex_); }
  // The statement for `sql`, prepared on its first use and kept. Under Lock().
  Result<Lease> Prepare(std::string_view sql);
  // Under Lock().
  Result<sqlite::Transaction> Begin() { return sqlite::Transaction::Begin(*db_); }
  // Rows the last statement changed. Under Lock().
  std::int64_t Changes() const { return db_->Changes(); }

 private:
  explicit Engine(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

  struct Cached {
    sqlite::Statement statement;
    bool in_use = false;
  };

  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;              // guarded by mutex_
  std::unordered_map<std::string, Cached> prepared_;  // by SQL text; guarded by mutex_
};

// Sets no parameter: for statements that have none.
inline void NoParameters(sqlite::Statement&) {}

// The steps every store call takes, for statements of one of the shapes below: `sql` prepared (or
// taken from the cache), `bind` given it to set its parameters, then run. Under Lock().
template <typename Bind>
Status Run(Engine& engine, std::string_view sql, Bind bind);
// Run, and how many rows it changed.
template <typename Bind>
Result<std::int64_t> RunCounting(Engine& engine, std::string_view sql, Bind bind);
// The first row, read by `read` (nullopt when there is none).
template <typename T, typename Bind, typename Read>
Result<std::optional<T>> One(Engine& engine, std::string_view sql, Bind bind, Read read);
// Every row, read by `read`.
template <typename T, typename Bind, typename Read>
Result<std::vector<T>> All(Engine& engine, std::string_view sql, Bind bind, Read read);

// Binds the store engine `Interface` to the engine: the base of each store's SQLite engine.
template <typename Interface>
class EngineBound : public Interface {
 public:
  explicit EngineBound(Engine& engine) : engine_(engine) {}

 protected:
  Engine& engine_;
};

// The schema's migrations, oldest first (schema.cc).
const std::vector<std::string_view>& Migrations();

template <typename T, typename Read>
Result<std::optional<T>> FirstRow(sqlite::Statement& query, Read read) {
  Result<bool> row = query.Step();
  if (!row) return row.error();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(query));
}

template <typename T, typename Read>
Result<std::vector<T>> AllRows(sqlite::Statement& query, Read read) {
  std::vector<T> out;
  for (;;) {
    Result<bool> row = query.Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read(query));
  }
  return out;
}

// Up to `limit` rows of a query that asked for limit + 1; `next` is the seq (in column
// `seq_column`) of the last row returned when there were more.
template <typename T, typename Read>
Result<Page<T>> ReadPage(sqlite::Statement& query, std::size_t limit, int seq_column, Read read) {
  Page<T> page;
  std::int64_t last_seq = 0;
  for (;;) {
    Result<bool> row = query.Step();
    if (!row) return row.error();
    if (!*row) break;
    if (page.items.size() == limit) {
      page.next = last_seq;
      break;
    }
    last_seq = query.Int(seq_column);
    page.items.push_back(read(query));
  }
  return page;
}

template <typename Bind>
Status Run(Engine& engine, std::string_view sql, Bind bind) {
  auto prepared = engine.Prepare(sql);
  if (!prepared) return prepared.error();
  bind(**prepared);
  return (*prepared)->Run();
}

template <typename Bind>
Result<std::int64_t> RunCounting(Engine& engine, std::string_view sql, Bind bind) {
  if (Status done = Run(engine, sql, bind); !done) return done.error();
  return engine.Changes();
}

template <typename T, typename Bind, typename Read>
Result<std::optional<T>> One(Engine& engine, std::string_view sql, Bind bind, Read read) {
  auto prepared = engine.Prepare(sql);
  if (!prepared) return prepared.error();
  bind(**prepared);
  return FirstRow<T>(**prepared, read);
}

template <typename T, typename Bind, typename Read>
Result<std::vector<T>> All(Engine& engine, std::string_view sql, Bind bind, Read read) {
  auto prepared = engine.Prepare(sql);
  if (!prepared) return prepared.error();
  bind(**prepared);
  return AllRows<T>(**prepared, read);
}

std::optional<std::int64_t> OptionalInt(const sqlite::Statement& row, int column);
std::optional<std::string> OptionalText(const sqlite::Statement& row, int column);

// Label and annotation pairs as a JSON object, as the stores keep them.
std::string PairsToJson(const StringPairs& pairs);
StringPairs PairsFromJson(const std::string& text);

}  // namespace vigil::collector::sqlite_store
