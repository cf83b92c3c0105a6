#include "collector/http/http_request_reader.h"

#include <algorithm>
#include <array>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <limits>
#include <optional>
#include <string_view>

namespace vigil::collector {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// How much one read asks for at most.
constexpr std::size_t kReadBytes = 16 << 10;

// Fields a request may carry once: a second one is either a mistake or an attempt to make two
// readers see different requests (two Authorization headers, the last one winning).
constexpr std::array<std::string_view, 6> kSingletonFields = {
    "authorization", "host", "content-type", "content-length", "cookie", "transfer-encoding"};

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Error BadRequest(std::string message) {
  return MakeError(ErrorCode::kBadRequest, std::move(message));
}

bool IsHttpError(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

}  // namespace

class HttpRequestReader::Impl {
 public:
  explicit Impl(const HttpLimits& limits) : limits_(limits), buffer_(BufferLimit(limits)) {
    StartRequest();
  }

  std::span<char> ReadSpace() {
    const std::size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) return {};
    auto space = buffer_.prepare(std::min(room, kReadBytes));
    return {static_cast<char*>(space.data()), space.size()};
  }

  void Received(std::size_t count) { buffer_.commit(count); }
  void ReceivedEnd() { ended_ = true; }

  Progress Parse() {
    if (refusal_) return Progress::kRefused;
    if (request_ready_) return Progress::kRequest;
    while (buffer_.size() > 0) {
      boost::system::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      consumed_ += used;
      if (ec == http::error::need_more) break;
      if (ec) return Refuse(FromParseError(ec));
      if (!headers_checked_ && parser_->is_header_done()) {
        headers_checked_ = true;
        if (std::optional<Error> wrong = CheckHeader(); wrong) return Refuse(*wrong);
        parser_->eager(true);
      }
      if (std::optional<Error> over = CheckFraming(); over) return Refuse(*over);
      if (parser_->is_done()) {
        request_ready_ = true;
        return Progress::kRequest;
      }
      if (used == 0) break;
    }
    if (std::optional<Error> over = CheckFraming(); over) return Refuse(*over);
    if (ended_) return Progress::kClosed;
    if (buffer_.size() == buffer_.max_size()) {
      // A line (request line, header field, chunk size, trailer) longer than the bound.
      return Refuse(MakeError(ErrorCode::kRequestHeaderFieldsTooLarge, FramingMessage()));
    }
    return Progress::kNeedMore;
  }

  HttpRequest TakeRequest() {
    const http::request<http::string_body>& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.path = request.target.substr(0, request.target.find('?'));
    request.version = message.version();
    request.keep_alive = message.keep_alive();
    for (const auto& field : message) {
      auto [it, inserted] =
          request.headers.emplace(Lowercase(View(field.name_string())), std::string(field.value()));
      // A list field given twice means the two joined (RFC 9110 §5.3); singletons were refused.
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(parser_->get().body());
    StartRequest();
    return request;
  }

  const Error& refusal() const { return *refusal_; }
  bool Idle() const { return buffer_.size() == 0 && consumed_ == 0; }
  std::size_t buffered_bytes() const { return buffer_.size(); }
  std::size_t buffer_capacity() const { return buffer_.capacity(); }

 private:
  void StartRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        limits_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(limits_.max_body_bytes);
    parser_->eager(false);  // stop after the header, which is checked before any body is read
    consumed_ = 0;
    headers_checked_ = false;
    request_ready_ = false;
  }

  Progress Refuse(Error refusal) {
    refusal_ = std::move(refusal);
    return Progress::kRefused;
  }

  std::string FramingMessage() const {
    return "the request line, headers, chunk sizes, chunk extensions and trailers exceed " +
           std::to_string(limits_.max_header_bytes) + " bytes";
  }

  // The bytes of this request that are not its body: line, headers, chunk framing, trailers.
  std::optional<Error> CheckFraming() const {
    const std::size_t body = parser_->get().body().size();
    const std::size_t framing = consumed_ - std::min(consumed_, body);
    if (framing > limits_.max_header_bytes) {
      return MakeError(ErrorCode::kRequestHeaderFieldsTooLarge, FramingMessage());
    }
    return std::nullopt;
  }

  Error FromParseError(const boost::system::error_code& ec) const {
    if (ec == http::error::header_limit) {
      return MakeError(
          ErrorCode::kRequestHeaderFieldsTooLarge,
          "request line and headers exceed " + std::to_string(limits_.max_header_bytes) + " bytes");
    }
    if (ec == http::error::body_limit) {
      return MakeError(ErrorCode::kPayloadTooLarge,
                       "request body exceeds " + std::to_string(limits_.max_body_bytes) + " bytes");
    }
    if (IsHttpError(ec)) return BadRequest("malformed HTTP request: " + ec.message());
    return BadRequest("malformed HTTP request");
  }

  std::optional<Error> CheckHeader() const {
    const http::request<http::string_body>& message = parser_->get();
    const unsigned version = message.version();  // 10 or 11: Beast reads no other
    std::array<std::size_t, kSingletonFields.size()> seen{};
    std::string transfer_encoding;
    for (const auto& field : message) {
      const std::string name = Lowercase(View(field.name_string()));
      for (std::size_t i = 0; i < kSingletonFields.size(); ++i) {
        if (name != kSingletonFields[i]) continue;
        if (++seen[i] > 1) {
          return BadRequest("the " + std::string(field.name_string()) +
                            " header is given more than once");
        }
      }
      if (name == "transfer-encoding") transfer_encoding = Lowercase(Trim(View(field.value())));
    }
    const bool has_host = seen[1] == 1;
    const bool has_transfer_encoding = seen[5] == 1;
    const bool has_content_length = seen[3] == 1;
    if (version == 11 && !has_host) return BadRequest("an HTTP/1.1 request needs a Host header");
    if (has_transfer_encoding) {
      if (version == 10) return BadRequest("HTTP/1.0 has no Transfer-Encoding");
      if (transfer_encoding != "chunked") {
        return BadRequest("Transfer-Encoding \"" + transfer_encoding +
                          "\" is not accepted: only \"chunked\", alone");
      }
      if (has_content_length) {
        return BadRequest("a request may not have both Transfer-Encoding and Content-Length");
      }
    }
    return std::nullopt;
  }

  const HttpLimits limits_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t consumed_ = 0;  // bytes of the current request the parser has taken
  bool headers_checked_ = false;
  bool request_ready_ = false;
  bool ended_ = false;
  std::optional<Error> refusal_;
};

HttpRequestReader::HttpRequestReader(const HttpLimits& limits)
    : impl_(std::make_unique<Impl>(limits)) {}
HttpRequestReader::~HttpRequestReader() = default;

std::size_t HttpRequestReader::BufferLimit(const HttpLimits& limits) {
  return limits.max_header_bytes + kReadBytes;
}

std::span<char> HttpRequestReader::ReadSpace() { return impl_->ReadSpace(); }
void HttpRequestReader::Received(std::size_t count) { impl_->Received(count); }
void HttpRequestReader::ReceivedEnd() { impl_->ReceivedEnd(); }
HttpRequestReader::Progress HttpRequestReader::Parse() { return impl_->Parse(); }
HttpRequest HttpRequestReader::TakeRequest() { return impl_->TakeRequest(); }
const Error& HttpRequestReader::refusal() const { return impl_->refusal(); }
bool HttpRequestReader::Idle() const { return impl_->Idle(); }
std::size_t HttpRequestReader::buffered_bytes() const { return impl_->buffered_bytes(); }
std::size_t HttpRequestReader::buffer_capacity() const { return impl_->buffer_capacity(); }

}  // namespace vigil::collector
