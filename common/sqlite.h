#pragma once
// A thin RAII layer over SQLite used by the agent's spool and the collector's store. This header
// keeps <sqlite3.h> out of its users; sqlite.cc is the one file that includes it.
//
// A Database and its Statements belong to one thread at a time; callers serialize access.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::sqlite {

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters by name, as in SQL ":name" (one name may stand in several places). A name the
  // statement does not have is a programmer's error: the next Step() fails and names it. Text is
  // copied.
  Statement& Bind(const char* name, std::int64_t value);
  Statement& Bind(const char* name, std::string_view text);
  Statement& BindDouble(const char* name, double value);
  Statement& BindNull(const char* name);
  // NULL when empty.
  Statement& BindOptional(const char* name, const std::optional<std::int64_t>& value);
  Statement& BindOptional(const char* name, const std::optional<std::string>& value);

  // Parameters by position, 1-based, as in SQL "?1". Text and blobs are copied.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindDouble(int index, double value);
  Statement& BindNull(int index);

  // Advances: true when a row is ready, false when done. Errors carry SQLite's message.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Clears bindings (and a bad parameter name) and rewinds, so the statement can be used again.
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // The index of `name`, or 0 (remembered in unknown_parameter_) when the statement has none.
  int IndexOf(const char* name);
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string unknown_parameter_;
};

struct OpenOptions {
  int busy_timeout_ms = 5000;
  // FULL: a committed transaction survives power loss, not only a process crash.
  bool synchronous_full = true;
  // Hold the file lock from the first transaction to close: for a database only this process uses,
  // it saves the lock calls of every transaction and keeps a second process out.
  bool exclusive = false;
};

// SQLite operations that failed in this process (open, prepare, step, exec), ever: what the
// daemons export as their store-error counters.
std::uint64_t FailedOperations();

class Database {
 public:
  // Opens or creates the file (creating its folder), in WAL mode. Errors name the path.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  std::int64_t Changes() const;
  const std::string& path() const { return path_; }

  // A consistent copy of the whole database, as of the moment the copy starts, into a new file at
  // `destination` (written beside it and renamed into place, so it is never seen half-written).
  // Writers to this database go on meanwhile (WAL). Errors "exists" when `destination` does.
  Status BackupTo(const std::string& destination);
  // Replaces this database's content with `source`'s, page for page (the restore of BackupTo).
  // Only for a database that no other connection uses.
  Status RestoreFrom(const std::string& source);
  // PRAGMA integrity_check: empty when the file is sound, else SQLite's findings.
  Result<std::vector<std::string>> IntegrityProblems();

  // Brings the schema to the newest version: migrations[i] takes it from version i to i+1, each in
  // its own transaction; PRAGMA user_version records where it stands. A database newer than this
  // binary is an error ("schema_too_new").
  Status Migrate(const std::vector<std::string_view>& migrations);

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Error LastError(std::string_view context) const;
  sqlite3* db_;
  std::string path_;
};

// Runs Begin at construction; Commit() makes it durable; destruction without Commit rolls back.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace vigil::sqlite
