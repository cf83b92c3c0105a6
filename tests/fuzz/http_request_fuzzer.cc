// libFuzzer target: whatever bytes an HTTP client sends, in whatever pieces, the request reader
// answers with requests or a refusal and never holds more than its bound: the request line,
// headers, chunk framing and trailers within max_header_bytes, the body within max_body_bytes, the
// buffer within BufferLimit(). A single allocation beyond that is caught too: scripts/test runs
// this target with -malloc_limit_mb (see run_fuzzers in scripts/lib.sh).
//
// Input: the first byte chooses how many bytes each read delivers (1 to 256); the rest is what the
// client sends.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "collector/http/http_request_reader.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vigil::collector::HttpRequestReader;
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0];
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  std::size_t left = size - 1;
  const vigil::collector::HttpLimits limits{/*max_connections=*/1, /*max_body_bytes=*/2048,
                                            /*max_header_bytes=*/512, std::chrono::seconds(1)};
  const std::size_t bound = HttpRequestReader::BufferLimit(limits);
  HttpRequestReader reader(limits);
  for (;;) {
    const HttpRequestReader::Progress progress = reader.Parse();
    Check(reader.buffer_capacity() <= bound);
    if (progress == HttpRequestReader::Progress::kRequest) {
      const vigil::collector::HttpRequest request = reader.TakeRequest();
      Check(request.body.size() <= limits.max_body_bytes);
      Check(request.version == 10 || request.version == 11);
      Check(request.version == 10 || request.headers.count("host") == 1);
      continue;
    }
    if (progress != HttpRequestReader::Progress::kNeedMore) break;
    if (left == 0) {
      reader.ReceivedEnd();
      continue;
    }
    std::span<char> space = reader.ReadSpace();
    Check(!space.empty());
    const std::size_t count = std::min({space.size(), piece, left});
    std::memcpy(space.data(), bytes, count);
    reader.Received(count);
    bytes += count;
    left -= count;
  }
  return 0;
}
