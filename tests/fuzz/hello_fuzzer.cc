// libFuzzer target: the ingest's path before an agent is known. Whatever a peer sends after the
// TLS handshake, in whatever pieces, is collected by the same FrameAssembler under the same small
// limit (limits.max_hello_size) and checked by the same CheckFirstMessage as the ingest server
// uses: it is refused or accepted, never crashes, and never holds more memory than twice what
// arrived (plus one read) — a peer that announces a large first frame and sends little costs
// little. scripts/test runs it with -malloc_limit_mb as well.
//
// Input: the first byte chooses how many bytes each read delivers (1 to 256); the rest is what the
// peer sends.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include "collector/ingest/hello_check.h"
#include "common/framing.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::size_t kMaxHelloBytes = 64 << 10;  // the default limits.max_hello_size

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0];
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  std::size_t left = size - 1;
  vigil::FrameAssembler frame(kMaxHelloBytes);
  std::size_t received = 0;
  while (!frame.complete()) {
    if (left == 0) return 0;  // the peer went quiet: the hello_timeout ends it
    const std::span<char> space = frame.Space();
    Check(!space.empty());
    const std::size_t count = std::min({space.size(), piece, left});
    std::memcpy(space.data(), bytes, count);
    bytes += count;
    left -= count;
    received += count;
    if (!frame.Received(count)) return 0;  // refused: frame_too_large or malformed_message
    Check(frame.capacity() <= 2 * received + vigil::FrameAssembler::kFirstReadBytes);
  }
  vigil::Result<vigil::wire::Envelope> first = frame.Parse();
  if (!first) return 0;
  if (vigil::collector::CheckFirstMessage(*first)) return 0;
  // Accepted: every label is allowed and given once.
  std::set<std::string> names;
  for (const vigil::wire::Label& label : first->hello().labels()) {
    Check(label.name() != "agent" && label.name() != "customer");
    Check(names.insert(label.name()).second);
  }
  return 0;
}
