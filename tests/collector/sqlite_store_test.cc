#include <gtest/gtest.h>

#include "collector/store.h"
#include "collector/token.h"
#include "tests/support/temp_dir.h"

namespace vigil::collector {
namespace {

std::unique_ptr<Store> Open(const testing::TempDir& dir) {
  auto store = OpenSqliteStore(dir.File("vigil.db"));
  if (!store.ok()) ADD_FAILURE() << store.error().message;
  return std::move(*store);
}

TEST(SqliteStore, FindsTokensByHashAndStoresNoPlaintext) {
  testing::TempDir dir;
  const std::string token = GenerateToken();
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->AddToken({"id1", "acme", 1000, std::nullopt}, HashToken(token)).ok());
    auto found = store->FindToken(HashToken(token));
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->customer, "acme");
    EXPECT_FALSE(store->FindToken(HashToken(token + "x"))->has_value());
  }
  for (const char* file : {"vigil.db", "vigil.db-wal"}) {
    const std::string bytes = testing::ReadFile(dir.File(file));
    EXPECT_EQ(bytes.find(token), std::string::npos) << file;
  }
}

TEST(SqliteStore, RevokingKeepsTheFirstTimeAndUnknownIdsAreNotFound) {
  testing::TempDir dir;
  auto store = Open(dir);
  ASSERT_TRUE(store->AddToken({"id1", "acme", 1000, std::nullopt}, "h1").ok());
  ASSERT_TRUE(store->RevokeToken("id1", 2000).ok());
  ASSERT_TRUE(store->RevokeToken("id1", 3000).ok());
  EXPECT_EQ(*(*store->FindToken("h1"))->revoked_ms, 2000);
  EXPECT_EQ(store->RevokeToken("nope", 1).error().code, "not_found");
}

TEST(SqliteStore, AppliesEachSequenceOnceAcrossReopening) {
  testing::TempDir dir;
  {
    auto store = Open(dir);
    auto agent = store->RecordHello("acme", "web-01", "host", "0.1.0", 1);
    ASSERT_TRUE(agent.ok());
    EXPECT_EQ(agent->last_sequence, 0u);
    EXPECT_EQ(*store->RecordBatch("acme", "web-01", 1, 2), BatchOutcome::kApplied);
    EXPECT_EQ(*store->RecordBatch("acme", "web-01", 2, 3), BatchOutcome::kApplied);
    EXPECT_EQ(*store->RecordBatch("acme", "web-01", 2, 4), BatchOutcome::kDuplicate);
    EXPECT_EQ(*store->RecordBatch("acme", "web-01", 1, 4), BatchOutcome::kDuplicate);
    EXPECT_EQ(*store->RecordBatch("acme", "web-01", 7, 5), BatchOutcome::kApplied);  // gap ok
  }
  auto store = Open(dir);
  auto agent = store->RecordHello("acme", "web-01", "host", "0.1.1", 9);
  EXPECT_EQ(agent->last_sequence, 7u);
  EXPECT_EQ(agent->batches_applied, 3u);
  EXPECT_EQ(agent->version, "0.1.1");
}

TEST(SqliteStore, KeepsAgentsOfDifferentCustomersApart) {
  testing::TempDir dir;
  auto store = Open(dir);
  ASSERT_TRUE(store->RecordHello("acme", "web-01", "h", "v", 1).ok());
  ASSERT_TRUE(store->RecordHello("globex", "web-01", "h", "v", 1).ok());
  EXPECT_EQ(*store->RecordBatch("acme", "web-01", 5, 2), BatchOutcome::kApplied);
  EXPECT_EQ(*store->RecordBatch("globex", "web-01", 1, 2), BatchOutcome::kApplied);
  EXPECT_EQ(store->ListAgents()->size(), 2u);
}

}  // namespace
}  // namespace vigil::collector
