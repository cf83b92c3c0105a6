#pragma once
// A tiny HTTP/1.1 (optionally HTTPS) server on 127.0.0.1, port 0, that answers every request with
// the same response, for probe tests. Runs on its own thread; one connection at a time.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace vigil::testing {

class FakeHttpServer {
 public:
  struct Response {
    int status = 200;
    std::string body = "ok";
    std::chrono::milliseconds delay{0};  // before answering
  };
  struct Tls {
    std::string cert_file;
    std::string key_file;
  };

  explicit FakeHttpServer(Response response, std::optional<Tls> tls = std::nullopt);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const { return port_; }

  struct State;  // defined in the .cc file

 private:
  std::unique_ptr<State> state_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace vigil::testing
