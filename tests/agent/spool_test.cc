#include "agent/spool.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

wire::Batch MakeBatch(std::uint64_t sequence, std::size_t padding = 0) {
  wire::Batch batch;
  batch.set_sequence(sequence);
  batch.set_created_ms(1000 + static_cast<std::int64_t>(sequence));
  if (padding > 0) {
    wire::Event* event = batch.add_events();
    event->set_message(std::string(padding, 'x'));
  }
  return batch;
}

std::vector<std::uint64_t> Sequences(Spool& spool, std::uint64_t after = 0) {
  std::vector<std::uint64_t> out;
  Result<std::vector<SpooledBatch>> batches = spool.ReadAfter(after, 1000);
  for (const SpooledBatch& batch : *batches) out.push_back(batch.sequence);
  return out;
}

std::unique_ptr<Spool> OpenSpool(const testing::TempDir& dir, std::uint64_t max = 1 << 20) {
  auto spool = Spool::Open(dir.File("spool.db"), max);
  if (!spool.ok()) ADD_FAILURE() << spool.error().message;
  return std::move(*spool);
}

TEST(Spool, HandsBackBatchesInOrderWithTheirPayload) {
  testing::TempDir dir;
  auto spool = OpenSpool(dir);
  EXPECT_EQ(spool->NextSequence(), 1u);
  for (std::uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(spool->Append(MakeBatch(seq)).ok());
  auto batches = spool->ReadAfter(1, 10);
  ASSERT_EQ(batches->size(), 2u);
  wire::Batch second;
  ASSERT_TRUE(second.ParseFromString((*batches)[0].payload));
  EXPECT_EQ(second.created_ms(), 1002);
  EXPECT_EQ(spool->stats().pending_batches, 3u);
}

TEST(Spool, RefusesABatchOutOfSequence) {
  testing::TempDir dir;
  auto spool = OpenSpool(dir);
  EXPECT_FALSE(spool->Append(MakeBatch(2)).ok());
  EXPECT_EQ(spool->stats().pending_batches, 0u);
}

TEST(Spool, AcknowledgementForgetsOnlyCoveredBatches) {
  testing::TempDir dir;
  auto spool = OpenSpool(dir);
  for (std::uint64_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE(spool->Append(MakeBatch(seq)).ok());
  ASSERT_TRUE(spool->AcknowledgeThrough(3).ok());
  EXPECT_EQ(Sequences(*spool), (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(spool->stats().pending_batches, 2u);
}

TEST(Spool, SurvivesReopeningWithPendingBatchesAndItsSequence) {
  testing::TempDir dir;
  {
    auto spool = OpenSpool(dir);
    for (std::uint64_t seq = 1; seq <= 4; ++seq) ASSERT_TRUE(spool->Append(MakeBatch(seq)).ok());
    ASSERT_TRUE(spool->AcknowledgeThrough(4).ok());
    ASSERT_TRUE(spool->Append(MakeBatch(5)).ok());
  }
  auto spool = OpenSpool(dir);
  EXPECT_EQ(spool->NextSequence(), 6u);
  EXPECT_EQ(Sequences(*spool), (std::vector<std::uint64_t>{5}));
}

TEST(Spool, OverTheLimitDropsTheOldestAndCountsThemDurably) {
  testing::TempDir dir;
  {
    auto spool = OpenSpool(dir, 10'000);
    for (std::uint64_t seq = 1; seq <= 10; ++seq) {
      ASSERT_TRUE(spool->Append(MakeBatch(seq, 3000)).ok());
    }
    EXPECT_LE(spool->stats().pending_bytes, 10'000u);
    EXPECT_EQ(Sequences(*spool), (std::vector<std::uint64_t>{8, 9, 10}));
    EXPECT_EQ(spool->stats().dropped_batches, 7u);
  }
  auto spool = OpenSpool(dir, 10'000);
  EXPECT_EQ(spool->stats().dropped_batches, 7u);
}

TEST(Spool, KeepsTheNewestBatchEvenWhenItAloneExceedsTheLimit) {
  testing::TempDir dir;
  auto spool = OpenSpool(dir, 100);
  ASSERT_TRUE(spool->Append(MakeBatch(1, 500)).ok());
  ASSERT_TRUE(spool->Append(MakeBatch(2, 500)).ok());
  EXPECT_EQ(Sequences(*spool), (std::vector<std::uint64_t>{2}));
}

TEST(Spool, RenumberMovesPendingBatchesAfterTheGivenSequence) {
  testing::TempDir dir;
  auto spool = OpenSpool(dir);
  for (std::uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(spool->Append(MakeBatch(seq)).ok());
  ASSERT_TRUE(spool->AcknowledgeThrough(1).ok());
  ASSERT_TRUE(spool->Renumber(101).ok());
  EXPECT_EQ(Sequences(*spool), (std::vector<std::uint64_t>{101, 102}));
  EXPECT_EQ(spool->NextSequence(), 103u);
  wire::Batch first;
  Result<std::vector<SpooledBatch>> oldest = spool->ReadAfter(0, 1);
  ASSERT_TRUE(first.ParseFromString((*oldest)[0].payload));
  EXPECT_EQ(first.created_ms(), 1002);  // the old second batch, order kept
}

TEST(Spool, DiscardRemovesOneBatch) {
  testing::TempDir dir;
  auto spool = OpenSpool(dir);
  for (std::uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(spool->Append(MakeBatch(seq)).ok());
  ASSERT_TRUE(spool->Discard(2).ok());
  EXPECT_EQ(Sequences(*spool), (std::vector<std::uint64_t>{1, 3}));
}

}  // namespace
}  // namespace vigil::agent
