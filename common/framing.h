#pragma once
// Length-prefixed framing of protocol messages: a 4-byte big-endian length, then that many bytes
// of one serialized vigil.wire.Envelope. Pure functions; the socket code lives in frame_io.h.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// Parses a frame body. Error "malformed_message" when the bytes are not an Envelope or carry
// no message.
Result<wire::Envelope> ParseEnvelope(std::string_view body);

}  // namespace vigil
