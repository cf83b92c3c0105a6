// libFuzzer target: whatever bytes a peer sends after the TLS handshake must be refused or parsed,
// never crash, hang or allocate more than the frame limit.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/framing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxFrame = 1 << 20;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (input.size() >= vigil::kFrameHeaderBytes) {
    vigil::FrameHeader header{};
    for (std::size_t i = 0; i < vigil::kFrameHeaderBytes; ++i) {
      header[i] = static_cast<unsigned char>(input[i]);
    }
    input.remove_prefix(vigil::kFrameHeaderBytes);
    vigil::Result<std::size_t> length = vigil::DecodeFrameLength(header, kMaxFrame);
    if (!length || *length > input.size()) break;
    vigil::Result<vigil::wire::Envelope> envelope = vigil::ParseEnvelope(input.substr(0, *length));
    if (envelope) (void)vigil::EncodeFrame(*envelope, kMaxFrame);
    input.remove_prefix(*length);
  }
  return 0;
}
