#include "common/framing.h"

#include <algorithm>

namespace vigil {

Result<std::string> EncodeFrame(const wire::Envelope& envelope, std::size_t max_frame_bytes) {
  const std::size_t body_size = envelope.ByteSizeLong();
  if (body_size > max_frame_bytes) {
    return MakeError(ErrorCode::kFrameTooLarge, "message of " + std::to_string(body_size) +
                                                    " bytes exceeds the frame limit of " +
                                                    std::to_string(max_frame_bytes) + " bytes");
  }
  std::string frame(kFrameHeaderBytes + body_size, '\0');
  const auto length = static_cast<std::uint32_t>(body_size);
  frame[0] = static_cast<char>((length >> 24) & 0xff);
  frame[1] = static_cast<char>((length >> 16) & 0xff);
  frame[2] = static_cast<char>((length >> 8) & 0xff);
  frame[3] = static_cast<char>(length & 0xff);
  if (!envelope.SerializeToArray(frame.data() + kFrameHeaderBytes, static_cast<int>(body_size))) {
    return MakeError(ErrorCode::kMalformedMessage, "message could not be serialized");
  }
  return frame;
}

namespace {

void AppendVarint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void AppendLength(std::string& out, std::size_t length) {
  out += static_cast<char>((length >> 24) & 0xff);
  out += static_cast<char>((length >> 16) & 0xff);
  out += static_cast<char>((length >> 8) & 0xff);
  out += static_cast<char>(length & 0xff);
}

}  // namespace

Result<std::string> EncodeBatchFrame(std::string_view batch, std::uint64_t sequence,
                                     std::size_t max_frame_bytes) {
  // Batch.sequence is field 1 (varint): tag 0x08. Envelope.batch is field 3 (length-delimited):
  // tag 0x1A.
  std::string sequence_field;
  sequence_field += static_cast<char>(0x08);
  AppendVarint(sequence_field, sequence);
  const std::size_t batch_size = batch.size() + sequence_field.size();
  std::string batch_length;
  AppendVarint(batch_length, batch_size);
  const std::size_t body_size = 1 + batch_length.size() + batch_size;
  if (body_size > max_frame_bytes) {
    return MakeError(ErrorCode::kFrameTooLarge, "message of " + std::to_string(body_size) +
                                                    " bytes exceeds the frame limit of " +
                                                    std::to_string(max_frame_bytes) + " bytes");
  }
  std::string frame;
  frame.reserve(kFrameHeaderBytes + body_size);
  AppendLength(frame, body_size);
  frame += static_cast<char>(0x1A);
  frame += batch_length;
  frame.append(batch);
  frame += sequence_field;
  return frame;
}

Result<std::size_t> DecodeFrameLength(const FrameHeader& header, std::size_t max_frame_bytes) {
  const std::size_t length = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                             (std::size_t{header[2]} << 8) | std::size_t{header[3]};
  if (length == 0) return MakeError(ErrorCode::kMalformedMessage, "empty frame");
  if (length > max_frame_bytes) {
    return MakeError(ErrorCode::kFrameTooLarge, "frame of " + std::to_string(length) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(max_frame_bytes) + " bytes");
  }
  return length;
}

Result<wire::Envelope> ParseEnvelope(std::string_view body) {
  wire::Envelope envelope;
  if (!envelope.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return MakeError(ErrorCode::kMalformedMessage, "frame is not a valid protocol message");
  }
  if (envelope.message_case() == wire::Envelope::MESSAGE_NOT_SET) {
    return MakeError(ErrorCode::kMalformedMessage, "frame carries no known message");
  }
  return envelope;
}

FrameAssembler::FrameAssembler(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

std::span<char> FrameAssembler::Space() {
  if (!length_) {
    return {reinterpret_cast<char*>(header_.data()) + header_received_,
            kFrameHeaderBytes - header_received_};
  }
  const std::size_t step = std::min(kReadBytes, std::max(kFirstReadBytes, body_received_));
  const std::size_t wanted = std::min(*length_ - body_received_, step);
  const std::size_t needed = body_received_ + wanted;
  if (body_.capacity() < needed) body_.reserve(needed);
  if (body_.size() < needed) body_.resize(needed);
  return {body_.data() + body_received_, wanted};
}

Status FrameAssembler::Received(std::size_t count) {
  if (!length_) {
    header_received_ += count;
    if (header_received_ < kFrameHeaderBytes) return OkStatus();
    Result<std::size_t> length = DecodeFrameLength(header_, max_frame_bytes_);
    if (!length) return length.error();
    length_ = *length;
    return OkStatus();
  }
  body_received_ += count;
  return OkStatus();
}

Result<wire::Envelope> FrameAssembler::Parse() const {
  return ParseEnvelope(std::string_view(body_.data(), body_received_));
}

}  // namespace vigil
