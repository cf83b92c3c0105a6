#include "collector/http/gzip_stream.h"

#include <zlib.h>

#include <stdexcept>

namespace vigil::collector {
namespace {

// 15 window bits, plus 16 for a gzip header and trailer instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;
// Level 1: a scrape answer compresses about 10:1 even so, at a fraction of level 6's CPU.
constexpr int kLevel = 1;
constexpr int kMemLevel = 8;

}  // namespace

struct GzipStream::State {
  z_stream z{};
};

GzipStream::GzipStream() : state_(std::make_unique<State>()) {
  if (deflateInit2(&state_->z, kLevel, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();  // zlib fails only for want of memory with these constant arguments
  }
}

GzipStream::~GzipStream() { deflateEnd(&state_->z); }

namespace {

void Run(z_stream& z, std::string_view in, int flush, std::string& out) {
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buffer[16384];
  do {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    deflate(&z, flush);
    out.append(buffer, sizeof buffer - z.avail_out);
  } while (z.avail_out == 0);
}

}  // namespace

void GzipStream::Compress(std::string_view in, std::string& out) {
  Run(state_->z, in, Z_NO_FLUSH, out);
}

void GzipStream::Finish(std::string& out) { Run(state_->z, {}, Z_FINISH, out); }

}  // namespace vigil::collector
