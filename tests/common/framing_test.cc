#include "common/framing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>

namespace vigil {
namespace {

wire::Envelope PingEnvelope(std::uint64_t nonce) {
  wire::Envelope envelope;
  envelope.mutable_ping()->set_nonce(nonce);
  return envelope;
}

FrameHeader HeaderOf(const std::string& frame) {
  FrameHeader header{};
  for (std::size_t i = 0; i < kFrameHeaderBytes; ++i) {
    header[i] = static_cast<unsigned char>(frame[i]);
  }
  return header;
}

TEST(Framing, RoundTripsAnEnvelopeWithABigEndianLength) {
  Result<std::string> frame = EncodeFrame(PingEnvelope(42), 1024);
  ASSERT_TRUE(frame.ok());
  const std::size_t body = frame->size() - kFrameHeaderBytes;
  EXPECT_EQ(static_cast<unsigned char>((*frame)[3]), body);
  EXPECT_EQ((*frame)[0], 0);
  Result<std::size_t> length = DecodeFrameLength(HeaderOf(*frame), 1024);
  ASSERT_TRUE(length.ok());
  EXPECT_EQ(*length, body);
  Result<wire::Envelope> parsed = ParseEnvelope(frame->substr(kFrameHeaderBytes));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ping().nonce(), 42u);
}

TEST(Framing, RefusesToEncodeAMessageOverTheLimit) {
  wire::Envelope envelope;
  envelope.mutable_goodbye()->set_message(std::string(2000, 'x'));
  Result<std::string> frame = EncodeFrame(envelope, 1000);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, ErrorCode::kFrameTooLarge);
}

TEST(Framing, RejectsAHeaderClaimingOneGibibyteBeforeReadingIt) {
  const FrameHeader header{0x40, 0x00, 0x00, 0x00};  // 1 GiB
  Result<std::size_t> length = DecodeFrameLength(header, 4 << 20);
  ASSERT_FALSE(length.ok());
  EXPECT_EQ(length.error().code, ErrorCode::kFrameTooLarge);
  EXPECT_NE(length.error().message.find("1073741824"), std::string::npos);
}

TEST(Framing, RejectsAnEmptyFrame) {
  EXPECT_EQ(DecodeFrameLength(FrameHeader{0, 0, 0, 0}, 100).error().code,
            ErrorCode::kMalformedMessage);
}

TEST(Framing, RejectsBytesThatAreNotAnEnvelope) {
  EXPECT_EQ(ParseEnvelope("\xff\xff\xff\xff\xff").error().code, ErrorCode::kMalformedMessage);
}

TEST(Framing, RejectsAnEnvelopeWithNoMessage) {
  // Field 99 (unknown), varint 1: valid protobuf, but no message Vigil knows.
  const std::string unknown_only("\x98\x06\x01", 3);
  Result<wire::Envelope> parsed = ParseEnvelope(unknown_only);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kMalformedMessage);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST(EncodeBatchFrame, WrapsASerializedBatchAndOverridesItsSequence) {
  wire::Batch batch;
  batch.set_sequence(7);
  batch.set_created_ms(1234);
  batch.add_events()->set_message(std::string(300, 'e'));  // a multi-byte length
  Result<std::string> frame = EncodeBatchFrame(batch.SerializeAsString(), 1'000'000, 1 << 20);
  ASSERT_TRUE(frame.ok());
  FrameHeader header{};
  for (std::size_t i = 0; i < kFrameHeaderBytes; ++i) {
    header[i] = static_cast<unsigned char>((*frame)[i]);
  }
  ASSERT_EQ(*DecodeFrameLength(header, 1 << 20), frame->size() - kFrameHeaderBytes);
  Result<wire::Envelope> envelope = ParseEnvelope(frame->substr(kFrameHeaderBytes));
  ASSERT_TRUE(envelope.ok() && envelope->has_batch());
  EXPECT_EQ(envelope->batch().sequence(), 1'000'000u);
  EXPECT_EQ(envelope->batch().created_ms(), 1234);
  EXPECT_EQ(envelope->batch().events(0).message().size(), 300u);
}

TEST(EncodeBatchFrame, RefusesABatchOverTheLimit) {
  EXPECT_EQ(EncodeBatchFrame(std::string(5000, 'x'), 1, 4096).error().code,
            ErrorCode::kFrameTooLarge);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// Feeds `bytes` to the assembler in reads of at most `piece` bytes, as a socket would deliver them.
Status FeedFrame(FrameAssembler& frame, const std::string& bytes, std::size_t piece) {
  std::size_t at = 0;
  while (!frame.complete() && at < bytes.size()) {
    std::span<char> space = frame.Space();
    const std::size_t count = std::min({space.size(), piece, bytes.size() - at});
    std::copy_n(bytes.data() + at, count, space.data());
    at += count;
    if (Status received = frame.Received(count); !received) return received;
  }
  return OkStatus();
}

TEST(FrameAssembler, CollectsAFrameFromReadsOfAnySize) {
  wire::Envelope envelope;
  envelope.mutable_hello()->set_agent_id("web-01");
  envelope.mutable_hello()->set_hostname(std::string(20000, 'h'));
  const std::string frame_bytes = EncodeFrame(envelope, 1 << 20).value();
  for (std::size_t piece :
       {std::size_t{1}, std::size_t{3}, std::size_t{4096}, frame_bytes.size()}) {
    FrameAssembler frame(1 << 20);
    ASSERT_TRUE(FeedFrame(frame, frame_bytes, piece).ok());
    ASSERT_TRUE(frame.complete()) << piece;
    EXPECT_TRUE(frame.Space().empty());
    auto parsed = frame.Parse();
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->hello().agent_id(), "web-01");
  }
}

// Item 5 of the outside attack: a frame announced before Hello had its whole size set aside at
// once; memory now follows what arrives.
TEST(FrameAssembler, HoldsLittleForALargeFrameUntilItsBytesArrive) {
  FrameAssembler frame(4 << 20);
  ASSERT_TRUE(FeedFrame(frame, std::string("\x00\x3f\xff\xff", 4) + "0123456789", 1 << 20).ok());
  EXPECT_TRUE(frame.header_complete());
  EXPECT_FALSE(frame.complete());
  EXPECT_LE(frame.capacity(), FrameAssembler::kFirstReadBytes);
  ASSERT_TRUE(FeedFrame(frame, std::string(100000, 'x'), 1 << 20).ok());
  EXPECT_LE(frame.capacity(), 2 * 100010 + FrameAssembler::kFirstReadBytes);
}

TEST(FrameAssembler, RefusesAnAnnouncedLengthOverItsLimitBeforeAnyBody) {
  FrameAssembler frame(64 << 10);
  Status status = FeedFrame(frame, std::string("\x00\x02\x00\x00", 4) + "x", 1);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kFrameTooLarge);
  EXPECT_EQ(frame.capacity(), 0u);
}

}  // namespace
}  // namespace vigil
