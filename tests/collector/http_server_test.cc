#include "collector/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::collector {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpLimits limits) {
    auto server = HttpServer::Create(io_, "127.0.0.1:0", limits, [](const HttpRequest& request) {
      if (request.path == "/echo") return HttpResponse{200, "text/plain", request.target};
      return JsonError(404, "not_found", "no such endpoint: " + request.path);
    });
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

TEST_F(HttpServerTest, RefusesConnectionsBeyondTheLimit) {
  StartServer({1, 1024, 1024, std::chrono::seconds(5)});
  asio::io_context io;
  tcp::socket holder(io);
  holder.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  // The first connection holds the only slot once the server has accepted it.
  std::string answer;
  ASSERT_TRUE(testing::WaitFor([&] {
    answer = Raw("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
    return answer.rfind("HTTP/1.1 503", 0) == 0;
  })) << answer;
  holder.close();
  EXPECT_TRUE(testing::WaitFor([&] { return testing::HttpGet(server_->port(), "/echo").status == 200; }));
}

}  // namespace
}  // namespace vigil::collector
