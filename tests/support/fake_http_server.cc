#include "tests/support/fake_http_server.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <mutex>

namespace vigil::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

struct FakeHttpServer::State {
  std::mutex mutex;
  std::condition_variable stop;
  bool stopping = false;  // guarded by mutex
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  std::unique_ptr<asio::ssl::context> tls;
  Response response;
};

namespace {

template <typename Stream>
void Answer(Stream& stream, FakeHttpServer::State& state) {
  const FakeHttpServer::Response& response = state.response;
  boost::system::error_code ec;
  std::string request;
  asio::read_until(stream, asio::dynamic_buffer(request), "\r\n\r\n", ec);
  if (ec) return;
  {
    // The server's own slowness, cut short when the server stops.
    std::unique_lock lock(state.mutex);
    if (state.stop.wait_for(lock, response.delay, [&] { return state.stopping; })) return;
  }
  const std::string answer = "HTTP/1.1 " + std::to_string(response.status) +
                             " Status\r\nContent-Length: " + std::to_string(response.body.size()) +
                             "\r\nConnection: close\r\n\r\n" + response.body;
  asio::write(stream, asio::buffer(answer), ec);
}

}  // namespace

FakeHttpServer::FakeHttpServer(Response response, std::optional<Tls> tls)
    : state_(std::make_unique<State>()) {
  state_->response = std::move(response);
  if (tls) {
    state_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    state_->tls->use_certificate_chain_file(tls->cert_file);
    state_->tls->use_private_key_file(tls->key_file, asio::ssl::context::pem);
  }
  port_ = state_->acceptor.local_endpoint().port();
  thread_ = std::thread([state = state_.get()] {
    for (;;) {
      tcp::socket socket(state->io);
      boost::system::error_code ec;
      state->acceptor.accept(socket, ec);
      if (ec) return;  // shut down by the destructor
      if (state->tls) {
        asio::ssl::stream<tcp::socket&> stream(socket, *state->tls);
        stream.handshake(asio::ssl::stream_base::server, ec);
        if (!ec) Answer(stream, *state);
      } else {
        Answer(socket, *state);
      }
    }
  });
}

FakeHttpServer::~FakeHttpServer() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->stop.notify_all();
  // shutdown(2) wakes the thread blocked in accept(2).
  ::shutdown(state_->acceptor.native_handle(), SHUT_RDWR);
  thread_.join();
}

}  // namespace vigil::testing
