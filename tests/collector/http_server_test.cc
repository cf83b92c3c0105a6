#include "collector/http/http_server.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <zlib.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::collector {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr int kPieces = 200;

std::string ExpectedPieces() {
  std::string text = "first\n";
  for (int i = 0; i < kPieces; ++i)
    text += "piece " + std::to_string(i) + " " + std::string(1000, 'x') + "\n";
  return text;
}

std::string Gunzip(const std::string& compressed) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[4096];
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  EXPECT_EQ(status, Z_STREAM_END) << "not a whole gzip stream";
  inflateEnd(&z);
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpLimits limits) {
    auto server = HttpServer::Create(
        io_, "127.0.0.1:0", limits,
        [](const HttpRequest& request) {
          if (request.path == "/echo") return HttpResponse{200, "text/plain", request.target};
          if (request.path == "/healthz") return HttpResponse{200, "text/plain", "ok\n"};
          if (request.path == "/pieces") {
            HttpResponse response{200, "text/plain", "first\n"};
            auto count = std::make_shared<int>(0);
            response.more_body = [count](std::string& out) {
              out += "piece " + std::to_string(*count) + " " + std::string(1000, 'x') + "\n";
              return ++*count < kPieces;
            };
            return response;
          }
          return ErrorResponse(
              MakeError(ErrorCode::kNotFound, "no such endpoint: " + request.path));
        },
        nullptr, {"/healthz"});
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    server_->Start();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  // Sends raw bytes and returns whatever the server answers before closing.
  std::string Raw(const std::string& bytes) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(socket, asio::buffer(bytes));
    std::string answer;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(answer), ec);
    return answer;
  }

  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, PassesTheRequestToTheHandler) {
  StartServer({});
  testing::HttpResult result = testing::HttpGet(server_->port(), "/echo?x=1");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "/echo?x=1");
}

TEST_F(HttpServerTest, ErrorsAreJsonWithCodeAndMessage) {
  StartServer({});
  testing::HttpResult result = testing::HttpGet(server_->port(), "/missing");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.content_type, "application/json");
  EXPECT_EQ(result.body,
            "{\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint: /missing\"}}\n");
}

TEST_F(HttpServerTest, RefusesHeadersOverTheirLimitWith431) {
  StartServer({16, 1024, 1024, std::chrono::seconds(5)});
  const std::string answer =
      Raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer;
}

TEST_F(HttpServerTest, RefusesABodyOverItsLimitWith413) {
  StartServer({16, 1024, 1024, std::chrono::seconds(5)});
  const std::string answer = Raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                                 std::string(4096, 'a'));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
}

TEST_F(HttpServerTest, AnswersMalformedRequestsWith400) {
  StartServer({});
  EXPECT_EQ(Raw("NOT HTTP AT ALL\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(HttpServerTest, AnswersASlowRequestWith408AndClosesAnIdleClient) {
  StartServer({16, 1024, 1024, std::chrono::milliseconds(200)});
  EXPECT_EQ(Raw("GET /echo HTTP/1.1\r\n").rfind("HTTP/1.1 408", 0), 0u);
  EXPECT_EQ(Raw(""), "");  // nothing sent: closed without an answer
}

// A keep-alive connection that has had its answer and waits for a next request.
std::unique_ptr<tcp::socket> IdleConnection(asio::io_context& io, std::uint16_t port,
                                            const std::string& then_send = "") {
  namespace http = boost::beast::http;
  auto socket = std::make_unique<tcp::socket>(io);
  socket->connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(*socket, asio::buffer("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n" + then_send));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(*socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200);
  return socket;
}

// Whether the server closes the connection within a few seconds.
bool ClosedByServer(tcp::socket& socket) {
  pollfd ready{socket.native_handle(), POLLIN, 0};
  if (poll(&ready, 1, 5000) != 1) return false;
  char byte;
  boost::system::error_code ec;
  socket.read_some(asio::buffer(&byte, 1), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

std::string Answer(tcp::socket& socket, const std::string& request) {
  asio::write(socket, asio::buffer(request));
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> response;
  boost::system::error_code ec;
  boost::beast::http::read(socket, buffer, response, ec);
  return ec ? "error: " + ec.message() : std::to_string(response.result_int());
}

// Item 11 of the outside attack: as many idle connections as the limit made /healthz answer 503.
TEST_F(HttpServerTest, ANewClientTakesTheSlotOfTheConnectionIdleLongest) {
  StartServer({4, 1024, 1024, std::chrono::seconds(30)});
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(IdleConnection(io, server_->port()));
  // Two newcomers, served: the two idle longest made room for them.
  std::unique_ptr<tcp::socket> newer = IdleConnection(io, server_->port());
  std::unique_ptr<tcp::socket> newest = IdleConnection(io, server_->port());
  EXPECT_TRUE(ClosedByServer(*idle[0]));
  EXPECT_TRUE(ClosedByServer(*idle[1]));
  // The others are still served on their connections.
  EXPECT_EQ(Answer(*idle[3], "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"), "200");
  EXPECT_EQ(Answer(*newer, "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"), "200");
  EXPECT_EQ(testing::HttpGet(server_->port(), "/healthz").status, 200);
}

TEST_F(HttpServerTest, WhenEveryConnectionIsBusyOnlyProbesAreAnswered) {
  StartServer({4, 1024, 1024, std::chrono::seconds(30), /*probe_connections=*/2});
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> busy;
  // Each is half-way through its second request: none may be closed for a newcomer.
  for (int i = 0; i < 4; ++i) {
    busy.push_back(IdleConnection(io, server_->port(), "GET /echo HTTP/1.1\r\nHo"));
  }
  EXPECT_EQ(testing::HttpGet(server_->port(), "/healthz").status, 200);
  const testing::HttpResult other = testing::HttpGet(server_->port(), "/echo");
  EXPECT_EQ(other.status, 503);
  EXPECT_NE(other.body.find("too many open connections"), std::string::npos);
  // The reserve is small, and each of its connections has one short request: holding both
  // leaves newcomers a 503 without reading them.
  tcp::socket first(io), second(io);
  first.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  second.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  std::string answer;
  ASSERT_TRUE(testing::WaitFor([&] {
    answer = Raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    return answer.rfind("HTTP/1.1 503", 0) == 0;
  })) << answer;
  // The busy connections finish their requests and are served as before.
  EXPECT_EQ(Answer(*busy[0], "st: x\r\n\r\n"), "200");
}

// Item 1: a chunk extension streamed without end grew the server by megabytes a second, before
// any handler ran and without a token.
TEST_F(HttpServerTest, AChunkExtensionWithoutEndIsCutOffAfterABoundedNumberOfBytes) {
  StartServer({16, 1024, 1024, std::chrono::seconds(30)});
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(socket,
              asio::buffer(std::string(
                  "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;")));
  const std::string piece(4096, 'e');
  std::size_t sent = 0;
  std::string answer;
  boost::system::error_code ec;
  while (sent < (32u << 20)) {
    sent += asio::write(socket, asio::buffer(piece), ec);
    if (ec) break;
    if (socket.available(ec) > 0) {
      asio::read(socket, asio::dynamic_buffer(answer), ec);
      break;
    }
  }
  EXPECT_LT(sent, 4u << 20) << "the server kept reading";
  if (!answer.empty()) {
    EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer;
  }
}

// Item 3: with Transfer-Encoding "xchunked" the body ran as the next request on the connection.
TEST_F(HttpServerTest, ABodyCannotBeSmuggledAsASecondRequest) {
  StartServer({});
  for (const std::string framing :
       {"Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: identity\r\nContent-Length: 0\r\n"}) {
    const std::string answer = Raw("POST /echo HTTP/1.1\r\nHost: x\r\n" + framing +
                                   "\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << framing << answer;
    EXPECT_EQ(answer.find("/smuggled"), std::string::npos) << framing << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << "a second answer: " << answer;
  }
}

// Items 8 and 10: two Authorization headers (the last one won), no Host, malformed chunk sizes
// (closed without an answer): each gets a 400 that says why.
TEST_F(HttpServerTest, AmbiguousRequestsAreAnsweredWith400) {
  StartServer({});
  const std::vector<std::string> requests = {
      "GET /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer viewer\r\n"
      "Authorization: Bearer admin\r\n\r\n",
      "GET /echo HTTP/1.1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nab\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nab\r\n0\r\n\r\n"};
  for (const std::string& request : requests) {
    const std::string answer = Raw(request);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << request << answer;
    EXPECT_NE(answer.find("\"bad_request\""), std::string::npos) << answer;
  }
}

TEST_F(HttpServerTest, RefusesConnectionsBeyondTheLimitWhenNoneIsIdle) {
  StartServer({1, 1024, 1024, std::chrono::seconds(5), /*probe_connections=*/0});
  asio::io_context io;
  // The only slot is taken by a connection half-way through a request.
  std::unique_ptr<tcp::socket> holder =
      IdleConnection(io, server_->port(), "GET /echo HTTP/1.1\r\n");
  const std::string answer = Raw("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  holder->close();
  EXPECT_TRUE(
      testing::WaitFor([&] { return testing::HttpGet(server_->port(), "/echo").status == 200; }));
}

// Out of file descriptors, accept fails while the connection waits in the backlog: the loop must
// pause between tries, not spin a core and flood the log, and serve the client once it can.
TEST_F(HttpServerTest, AnAcceptThatFailsForWantOfDescriptorsIsRetriedCalmly) {
  StartServer({});
  // This process's stderr goes to a file for a while, to count the log lines.
  const std::string log_path = ::testing::TempDir() + "/accept-failures.log";
  const int saved_stderr = dup(2);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(log_fd, 0);
  dup2(log_fd, 2);
  close(log_fd);
  asio::io_context io;
  tcp::socket client(io);
  client.open(tcp::v4());
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  std::size_t open_now = 0;  // the listing's own descriptor counts, and is closed after it
  for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd"))
    ++open_now;
  // Not one descriptor left: the client's socket is open already, the server's accept gets none.
  rlimit tight = saved;
  tight.rlim_cur = open_now - 1;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  boost::system::error_code connected;
  client.connect({asio::ip::make_address("127.0.0.1"), server_->port()}, connected);
  // An observation window: what is measured is that something does not happen often.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  dup2(saved_stderr, 2);
  close(saved_stderr);
  ASSERT_FALSE(connected) << connected.message();

  std::ifstream log(log_path);
  std::stringstream text;
  text << log.rdbuf();
  std::size_t failures = 0;
  for (std::string line; std::getline(text, line);) {
    if (line.find("http: accept failed") != std::string::npos) ++failures;
  }
  EXPECT_GE(failures, 1u) << "the limit did not bite: " << text.str();
  EXPECT_LE(failures, 10u) << "the accept loop spun";
  // With descriptors back, the waiting client is served.
  const std::string request = "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(client, asio::buffer(request));
  std::string answer;
  boost::system::error_code read_error;
  asio::read(client, asio::dynamic_buffer(answer), read_error);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
}

TEST_F(HttpServerTest, AStreamedBodyIsSentInChunksAndGzippedWhenTheClientAcceptsIt) {
  StartServer({});
  namespace beast = boost::beast;
  namespace http = beast::http;
  const auto get = [&](const std::string& accept_encoding, unsigned version) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    http::request<http::empty_body> request{http::verb::get, "/pieces", version};
    request.set(http::field::host, "127.0.0.1");
    if (!accept_encoding.empty()) request.set(http::field::accept_encoding, accept_encoding);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 << 20);
    http::read(stream, buffer, parser);
    return parser.release();
  };
  const std::string expected = ExpectedPieces();

  auto plain = get("", 11);
  EXPECT_TRUE(plain.chunked());
  EXPECT_EQ(plain.body(), expected);
  EXPECT_EQ(plain[http::field::content_encoding], "");

  auto compressed = get("deflate, gzip;q=0.8", 11);
  EXPECT_TRUE(compressed.chunked());
  EXPECT_EQ(compressed[http::field::content_encoding], "gzip");
  EXPECT_EQ(compressed[http::field::vary], "Accept-Encoding");
  EXPECT_LT(compressed.body().size(), expected.size() / 10);
  EXPECT_EQ(Gunzip(compressed.body()), expected);

  EXPECT_EQ(get("gzip;q=0", 11)[http::field::content_encoding], "");

  // HTTP/1.0 knows no chunks: the body comes whole, with its length.
  auto old = get("gzip", 10);
  EXPECT_FALSE(old.chunked());
  EXPECT_EQ(old.body(), expected);
}

TEST(ErrorResponse, EachApiCodeHasItsDocumentedStatusAndName) {
  const std::vector<std::tuple<ErrorCode, int, std::string>> documented = {
      {ErrorCode::kBadRequest, 400, "bad_request"},
      {ErrorCode::kInvalidTime, 400, "invalid_time"},
      {ErrorCode::kUnauthenticated, 401, "unauthenticated"},
      {ErrorCode::kForbidden, 403, "forbidden"},
      {ErrorCode::kNotFound, 404, "not_found"},
      {ErrorCode::kMethodNotAllowed, 405, "method_not_allowed"},
      {ErrorCode::kRequestTimeout, 408, "request_timeout"},
      {ErrorCode::kConflict, 409, "conflict"},
      {ErrorCode::kPayloadTooLarge, 413, "payload_too_large"},
      {ErrorCode::kUnsupportedMediaType, 415, "unsupported_media_type"},
      {ErrorCode::kTooManyRequests, 429, "too_many_requests"},
      {ErrorCode::kRequestHeaderFieldsTooLarge, 431, "request_header_fields_too_large"},
      {ErrorCode::kUnavailable, 503, "unavailable"}};
  for (const auto& [code, status, name] : documented) {
    const HttpResponse response = ErrorResponse(MakeError(code, "why"));
    EXPECT_EQ(response.status, status) << name;
    EXPECT_EQ(response.body, "{\"error\":{\"code\":\"" + name + "\",\"message\":\"why\"}}\n");
  }
}

TEST(ErrorResponse, AnErrorBelowTheApiIs500AndKeepsItsMessageInTheLog) {
  const HttpResponse response =
      ErrorResponse(MakeError(ErrorCode::kStoreFailed, "sqlite: disk I/O error in /var/lib"));
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find("\"internal\""), std::string::npos);
  EXPECT_EQ(response.body.find("/var/lib"), std::string::npos) << response.body;
}

TEST(AcceptsGzip, ReadsCodingsAndTheirWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("identity, *"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip(""));
}

}  // namespace
}  // namespace vigil::collector
