#include "common/sqlite.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>

namespace vigil::sqlite {
namespace {

std::atomic<std::uint64_t> failed_operations{0};

// An operation SQLite refused: counted, and named.
Error Failure(std::string message) {
  failed_operations.fetch_add(1, std::memory_order_relaxed);
  return MakeError(ErrorCode::kStoreFailed, std::move(message));
}

}  // namespace

std::uint64_t FailedOperations() { return failed_operations.load(std::memory_order_relaxed); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), unknown_parameter_(std::move(other.unknown_parameter_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    unknown_parameter_ = std::move(other.unknown_parameter_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

int Statement::IndexOf(const char* name) {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0 && unknown_parameter_.empty()) unknown_parameter_ = name;
  return index;
}

Statement& Statement::Bind(const char* name, std::int64_t value) {
  return Bind(IndexOf(name), value);
}

Statement& Statement::Bind(const char* name, std::string_view text) {
  return Bind(IndexOf(name), text);
}

Statement& Statement::BindDouble(const char* name, double value) {
  return BindDouble(IndexOf(name), value);
}

Statement& Statement::BindNull(const char* name) { return BindNull(IndexOf(name)); }

Statement& Statement::BindOptional(const char* name, const std::optional<std::int64_t>& value) {
  return value ? Bind(name, *value) : BindNull(name);
}

Statement& Statement::BindOptional(const char* name, const std::optional<std::string>& value) {
  return value ? Bind(name, std::string_view(*value)) : BindNull(name);
}

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  if (!unknown_parameter_.empty()) {
    return Failure("sqlite: the statement has no parameter " + unknown_parameter_);
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Failure(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row) {
      Reset();
      return row.error();
    }
    if (!*row) break;
  }
  Reset();
  return OkStatus();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  unknown_parameter_.clear();
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return bytes == nullptr
             ? std::string()
             : std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenOptions options) {
  std::error_code ec;
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  if (ec) {
    return MakeError(ErrorCode::kStoreFailed,
                     "cannot create folder " + folder.string() + ": " + ec.message());
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK) return db->LastError("cannot open " + path);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  const std::string pragmas =
      std::string("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; ") +
      (options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;") +
      (options.exclusive ? " PRAGMA locking_mode=EXCLUSIVE;" : "");
  if (Status set = db->Exec(pragmas); !set) {
    return MakeError(ErrorCode::kStoreFailed,
                     "cannot configure " + path + ": " + set.error().message);
  }
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

namespace {

// Copies every page of `from` into `to` in one step: the source's read transaction spans the whole
// copy, so the copy is one snapshot.
Status CopyPages(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return Failure(what + ": " + sqlite3_errmsg(to));
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE || finished != SQLITE_OK) {
    return Failure(what + ": " + sqlite3_errstr(stepped != SQLITE_DONE ? stepped : finished));
  }
  return OkStatus();
}

}  // namespace

Status Database::BackupTo(const std::string& destination) {
  std::error_code ec;
  if (std::filesystem::exists(destination, ec)) {
    return MakeError(ErrorCode::kExists, destination + " exists; back up to a new file");
  }
  const std::string partial = destination + ".partial";
  std::filesystem::remove(partial, ec);
  sqlite3* target = nullptr;
  if (sqlite3_open_v2(partial.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    const std::string why = target != nullptr ? sqlite3_errmsg(target) : "out of memory";
    sqlite3_close_v2(target);
    return Failure("cannot create " + partial + ": " + why);
  }
  Status copied = CopyPages(db_, target, "backup of " + path_ + " to " + destination);
  // The copy keeps the source's journal mode; a backup file stands alone, without -wal or -shm.
  if (copied) sqlite3_exec(target, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  sqlite3_close_v2(target);
  if (copied) std::filesystem::rename(partial, destination, ec);
  if (!copied || ec) {
    std::filesystem::remove(partial, ec);
    return copied ? MakeError(ErrorCode::kStoreFailed,
                              "cannot rename " + partial + ": " + ec.message())
                  : copied;
  }
  return OkStatus();
}

Status Database::RestoreFrom(const std::string& source) {
  sqlite3* from = nullptr;
  if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string why = from != nullptr ? sqlite3_errmsg(from) : "out of memory";
    sqlite3_close_v2(from);
    return Failure("cannot open " + source + ": " + why);
  }
  Status copied = CopyPages(from, db_, "restore of " + path_ + " from " + source);
  sqlite3_close_v2(from);
  if (!copied) return copied;
  // The copy brought the backup's journal mode along; the store runs in WAL.
  return Exec("PRAGMA journal_mode=WAL");
}

Result<std::vector<std::string>> Database::IntegrityProblems() {
  auto check = Prepare("PRAGMA integrity_check");
  if (!check) return check.error();
  std::vector<std::string> problems;
  while (true) {
    auto row = check->Step();
    if (!row) return row.error();
    if (!*row) break;
    if (std::string finding = check->Text(0); finding != "ok")
      problems.push_back(std::move(finding));
  }
  return problems;
}

Error Database::LastError(std::string_view context) const {
  return Failure(std::string(context) + ": " +
                 (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory"));
}

Status Database::Exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Failure(path_ + ": " + text);
  }
  return OkStatus();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return LastError(path_ + ": preparing \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  return Statement(db_, stmt);
}

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Status Database::Migrate(const std::vector<std::string_view>& migrations) {
  Result<Statement> version_query = Prepare("PRAGMA user_version");
  if (!version_query) return version_query.error();
  Result<bool> row = version_query->Step();
  if (!row) return row.error();
  const auto current = static_cast<std::size_t>(version_query->Int(0));
  version_query->Reset();
  if (current > migrations.size()) {
    return MakeError(ErrorCode::kSchemaTooNew,
                     path_ + ": schema version " + std::to_string(current) +
                         " is newer than this program knows (" + std::to_string(migrations.size()) +
                         "); use a newer version");
  }
  for (std::size_t version = current; version < migrations.size(); ++version) {
    Result<Transaction> tx = Transaction::Begin(*this);
    if (!tx) return tx.error();
    if (Status applied = Exec(migrations[version]); !applied) return applied.error();
    if (Status bumped = Exec("PRAGMA user_version=" + std::to_string(version + 1)); !bumped) {
      return bumped.error();
    }
    if (Status committed = tx->Commit(); !committed) return committed.error();
  }
  return OkStatus();
}

Result<Transaction> Transaction::Begin(Database& db) {
  if (Status begun = db.Exec("BEGIN IMMEDIATE"); !begun) return begun.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Database* db = db_;
  db_ = nullptr;
  Status committed = db->Exec("COMMIT");
  if (!committed) (void)db->Exec("ROLLBACK");
  return committed;
}

}  // namespace vigil::sqlite
