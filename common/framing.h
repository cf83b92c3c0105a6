#pragma once
// Length-prefixed framing of protocol messages: a 4-byte big-endian length, then that many bytes
// of one serialized vigil.wire.Envelope. Pure functions; the socket code lives in frame_io.h.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "common/result.h"

namespace vigil {

inline constexpr std::uint32_t kProtocolVersion = 1;
inline constexpr std::size_t kFrameHeaderBytes = 4;

using FrameHeader = std::array<unsigned char, kFrameHeaderBytes>;

// Header plus serialized envelope, ready to write. Error "frame_too_large" when the envelope
// would exceed max_frame_bytes (the limit counts the envelope, not the header).
Result<std::string> EncodeFrame(const wire::Envelope& envelope, std::size_t max_frame_bytes);

// The frame of an Envelope holding the Batch whose serialized form is `batch` (as the spool keeps
// it), with its sequence set to `sequence` — without parsing the batch: protobuf's encoding of an
// embedded message is its bytes behind a tag and a length, and a scalar field given twice takes the
// last value. Same errors as EncodeFrame.
Result<std::string> EncodeBatchFrame(std::string_view batch, std::uint64_t sequence,
                                     std::size_t max_frame_bytes);

// The body length announced by a header; error "frame_too_large" above max_frame_bytes and
// "malformed_message" for an empty frame. Check before allocating the body.
Result<std::size_t> DecodeFrameLength(const FrameHeader& header, std::size_t max_frame_bytes);

// Collects one frame from a stream's bytes, holding for its body at most twice what has arrived
// plus kFirstReadBytes: a peer that announces a large frame and sends little costs little. Pure;
// frame_io.h reads a socket into it.
class FrameAssembler {
 public:
  // The most the first read of a body asks for; later reads ask for as much as has arrived, up to
  // kReadBytes.
  static constexpr std::size_t kFirstReadBytes = 4 << 10;
  static constexpr std::size_t kReadBytes = 64 << 10;

  explicit FrameAssembler(std::size_t max_frame_bytes);

  // Where the next read goes: the rest of the header, then a part of the body, never beyond the
  // frame (so a stream is read exactly up to the frame's end). Empty once complete().
  std::span<char> Space();
  // `count` bytes were read into Space(). Errors of DecodeFrameLength once the header is whole.
  Status Received(std::size_t count);

  bool header_complete() const { return length_.has_value(); }
  bool complete() const { return length_.has_value() && body_received_ == *length_; }
  // Once complete(): the envelope (errors of ParseEnvelope).
  Result<wire::Envelope> Parse() const;
  // Memory held for the body.
  std::size_t capacity() const { return body_.capacity(); }

 private:
  const std::size_t max_frame_bytes_;
  FrameHeader header_{};
  std::size_t header_received_ = 0;
  std::optional<std::size_t> length_;
  std::vector<char> body_;  // grown by exact reservations, so its capacity is what was asked for
  std::size_t body_received_ = 0;
};

// Parses a frame body. Error "malformed_message" when the bytes are not an Envelope or carry
// no message.
Result<wire::Envelope> ParseEnvelope(std::string_view body);

}  // namespace vigil
