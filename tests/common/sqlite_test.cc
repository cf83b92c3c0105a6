#include "common/sqlite.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

namespace vigil::sqlite {
namespace {

const std::vector<std::string_view> kTwoVersions = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);",
    "ALTER TABLE t ADD COLUMN extra INTEGER NOT NULL DEFAULT 7;",
};

TEST(SqliteDatabase, MigratesOnceAndRemembersTheVersion) {
  testing::TempDir dir;
  const std::string path = dir.File("sub/folder/db.sqlite");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->Migrate({kTwoVersions[0]}).ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES ('a')").ok());
  }
  auto db = Database::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Migrate(kTwoVersions).ok());  // only the second step runs
  auto query = (*db)->Prepare("SELECT name, extra FROM t");
  ASSERT_TRUE(query.ok());
  ASSERT_TRUE(*query->Step());
  EXPECT_EQ(query->Text(0), "a");
  EXPECT_EQ(query->Int(1), 7);
}

TEST(SqliteDatabase, RefusesASchemaNewerThanTheProgram) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db"));
  ASSERT_TRUE((*db)->Migrate(kTwoVersions).ok());
  Status older = (*db)->Migrate({kTwoVersions[0]});
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.error().code, ErrorCode::kSchemaTooNew);
}

TEST(SqliteTransaction, RollsBackUnlessCommitted) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db"));
  ASSERT_TRUE((*db)->Migrate({kTwoVersions[0]}).ok());
  {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES ('lost')").ok());
  }
  {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES ('kept')").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto query = (*db)->Prepare("SELECT group_concat(name) FROM t");
  ASSERT_TRUE(*query->Step());
  EXPECT_EQ(query->Text(0), "kept");
}

// The rows of t, by name, joined.
std::string Names(Database& db) {
  auto query = db.Prepare("SELECT group_concat(name) FROM (SELECT name FROM t ORDER BY id)");
  if (!query.ok()) return "?";
  auto row = query->Step();
  if (!row.ok() || !*row) return "?";
  return query->Text(0);
}

TEST(SqliteBackup, CopiesTheCommittedRowsAndNeverOverwrites) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db"));
  ASSERT_TRUE((*db)->Migrate({kTwoVersions[0]}).ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES ('a'), ('b')").ok());
  {
    // Not committed when the backup starts: not in it.
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES ('uncommitted')").ok());
  }
  ASSERT_TRUE((*db)->BackupTo(dir.File("backup.db")).ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES ('after')").ok());
  Status again = (*db)->BackupTo(dir.File("backup.db"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kExists);

  auto restored = Database::Open(dir.File("restored.db"));
  ASSERT_TRUE((*restored)->RestoreFrom(dir.File("backup.db")).ok());
  EXPECT_EQ(Names(**restored), "a,b");
  EXPECT_TRUE((*restored)->IntegrityProblems()->empty());
  EXPECT_FALSE(std::filesystem::exists(dir.File("backup.db-wal"))) << "a backup stands alone";
}

TEST(SqliteBackup, AFileThatIsNoDatabaseIsRefusedAndCounted) {
  testing::TempDir dir;
  const std::uint64_t failures = FailedOperations();
  auto db = Database::Open(dir.File("db"));
  Status restored = (*db)->RestoreFrom(dir.Write("junk", std::string(4096, 'x')));
  EXPECT_FALSE(restored.ok());
  EXPECT_GT(FailedOperations(), failures);
}

TEST(SqliteStatement, ANameBindsEveryPlaceItStandsAndAnUnknownNameFailsTheStep) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db.sqlite"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Migrate(kTwoVersions).ok());
  auto insert =
      (*db)->Prepare("INSERT INTO t (name, extra) VALUES (:name, coalesce(length(:name), 0))");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->Bind(":name", "four").Run().ok());
  ASSERT_TRUE(insert->BindOptional(":name", std::optional<std::string>()).Run().ok());
  auto query = (*db)->Prepare("SELECT name, extra FROM t WHERE (:name IS NULL OR name = :name)");
  ASSERT_TRUE(query.ok());
  query->Bind(":name", "four");
  ASSERT_TRUE(*query->Step());
  EXPECT_EQ(query->Text(0), "four");
  EXPECT_EQ(query->Int(1), 4);
  query->Reset();

  query->Bind(":nmae", "four");
  Result<bool> misspelt = query->Step();
  ASSERT_FALSE(misspelt.ok());
  EXPECT_NE(misspelt.error().message.find(":nmae"), std::string::npos);
  query->Reset();  // a reset statement is usable again
  query->BindOptional(":name", std::optional<std::string>());
  int rows = 0;
  while (*query->Step()) ++rows;
  EXPECT_EQ(rows, 2);
}

TEST(SqliteDatabase, ErrorsNameThePath) {
  Result<std::unique_ptr<Database>> db = Database::Open("/proc/vigil-cannot-exist/db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("/proc/vigil-cannot-exist"), std::string::npos);
}

}  // namespace
}  // namespace vigil::sqlite
