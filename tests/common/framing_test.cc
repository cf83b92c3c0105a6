#include "common/framing.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(frame.error().code, "frame_too_large");
}

TEST(Framing, RejectsAHeaderClaimingOneGibibyteBeforeReadingIt) {
  const FrameHeader header{0x40, 0x00, 0x00, 0x00};  // 1 GiB
  Result<std::size_t> length = DecodeFrameLength(header, 4 << 20);
  ASSERT_FALSE(length.ok());
  EXPECT_EQ(length.error().code, "frame_too_large");
  EXPECT_NE(length.error().message.find("1073741824"), std::string::npos);
}

TEST(Framing, RejectsAnEmptyFrame) {
  EXPECT_EQ(DecodeFrameLength(FrameHeader{0, 0, 0, 0}, 100).error().code, "malformed_message");
}

TEST(Framing, RejectsBytesThatAreNotAnEnvelope) {
  EXPECT_EQ(ParseEnvelope("\xff\xff\xff\xff\xff").error().code, "malformed_message");
}

TEST(Framing, RejectsAnEnvelopeWithNoMessage) {
  // Field 99 (unknown), varint 1: valid protobuf, but no message Vigil knows.
  const std::string unknown_only("\x98\x06\x01", 3);
  Result<wire::Envelope> parsed = ParseEnvelope(unknown_only);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "malformed_message");
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
  EXPECT_EQ(EncodeBatchFrame(std::string(5000, 'x'), 1, 4096).error().code, "frame_too_large");
}

}  // namespace
}  // namespace vigil
