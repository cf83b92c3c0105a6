#pragma once
// Gzip (RFC 1952) compression of a body produced in pieces, with zlib: each piece is compressed as
// it comes, so neither the plain nor the compressed body is ever whole in memory.

#include <memory>
#include <string>
#include <string_view>

namespace vigil::collector {

class GzipStream {
 public:
  GzipStream();
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Appends to `out` what zlib has ready after taking `in` (possibly nothing yet).
  void Compress(std::string_view in, std::string& out);
  // Appends the rest and the trailer; the stream takes nothing after this.
  void Finish(std::string& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigil::collector
