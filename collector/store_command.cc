#include "collector/store_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <ostream>

#include "collector/store/store.h"
#include "collector/store/store_lock.h"
#include "common/command_line.h"
#include "common/sqlite.h"

namespace vigil::collector {
namespace {

int Backup(const std::string& store_path, const std::string& destination, std::ostream& out,
           std::ostream& err) {
  // While the collector runs, too: the copy is one read transaction, and writers go on beside it.
  auto db = sqlite::Database::Open(store_path);
  if (!db) {
    err << "vigil-collector: store backup: " << db.error().message << "\n";
    return kExitFailure;
  }
  if (Status copied = (*db)->BackupTo(destination); !copied) {
    err << "vigil-collector: store backup: " << copied.error().message << "\n";
    return copied.error().code == ErrorCode::kExists ? kExitUsage : kExitFailure;
  }
  std::error_code ec;
  out << "backed up " << store_path << " to " << destination << " ("
      << std::filesystem::file_size(destination, ec) << " bytes)\n";
  return kExitOk;
}

int Restore(const std::string& store_path, const std::string& source, std::ostream& out,
            std::ostream& err) {
  auto lock = StoreLock::Acquire(store_path);
  if (!lock) {
    err << "vigil-collector: store restore refused: " << lock.error().message
        << "; stop it first (systemctl stop vigil-collector)\n";
    return kExitFailure;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec)) {
    err << "vigil-collector: store restore: no backup file at " << source << "\n";
    return kExitUsage;
  }
  // Into a new file beside the store, checked and brought to this binary's schema before it
  // replaces anything: a bad backup leaves the store as it was.
  const std::string staged = store_path + ".restoring";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(staged + suffix, ec);
  const auto fail = [&](const std::string& why) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(staged + suffix, ec);
    err << "vigil-collector: store restore from " << source << ": " << why
        << "; the store is unchanged\n";
    return kExitFailure;
  };
  {
    auto db = sqlite::Database::Open(staged);
    if (!db) return fail(db.error().message);
    if (Status copied = (*db)->RestoreFrom(source); !copied) return fail(copied.error().message);
    auto problems = (*db)->IntegrityProblems();
    if (!problems) return fail(problems.error().message);
    if (!problems->empty()) return fail("the backup is damaged: " + problems->front());
  }
  if (auto store = OpenSqliteStore(staged); !store) return fail(store.error().message);
  // The restored file belongs to whoever owned the store (the collector's user when run as root).
  struct stat owner {};
  const bool had_store = stat(store_path.c_str(), &owner) == 0;
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(staged + suffix, ec);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(store_path + suffix, ec);
  std::filesystem::rename(staged, store_path, ec);
  if (ec) return fail("cannot move it into place: " + ec.message());
  if (had_store && chown(store_path.c_str(), owner.st_uid, owner.st_gid) != 0 && geteuid() == 0) {
    err << "vigil-collector: store restore: cannot give " << store_path << " back to its owner\n";
  }
  out << "restored " << store_path << " from " << source << "\n";
  return kExitOk;
}

int Check(const std::string& store_path, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::exists(store_path, ec)) {
    err << "vigil-collector: store check: no store at " << store_path << "\n";
    return kExitFailure;
  }
  auto db = sqlite::Database::Open(store_path);
  if (!db) {
    err << "vigil-collector: store check: " << db.error().message << "\n";
    return kExitFailure;
  }
  auto problems = (*db)->IntegrityProblems();
  if (!problems) {
    err << "vigil-collector: store check: " << problems.error().message << "\n";
    return kExitFailure;
  }
  for (const std::string& problem : *problems) err << store_path << ": " << problem << "\n";
  if (!problems->empty()) return kExitFailure;
  out << store_path << ": ok\n";
  return kExitOk;
}

}  // namespace

int RunStoreCommand(const config::CollectorConfig& config, const StoreCommand& command,
                    std::ostream& out, std::ostream& err) {
  const std::string& store_path = config.store.sqlite;
  if (command.action == "backup") {
    std::error_code ec;
    if (!std::filesystem::exists(store_path, ec)) {
      err << "vigil-collector: store backup: no store at " << store_path << "\n";
      return kExitFailure;
    }
    return Backup(store_path, command.path, out, err);
  }
  if (command.action == "restore") return Restore(store_path, command.path, out, err);
  return Check(store_path, out, err);
}

}  // namespace vigil::collector
