#include "tests/support/webhook_receiver.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace vigil::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct WebhookReceiver::State {
  mutable std::mutex mutex;
  std::condition_variable stopped;
  bool stopping = false;
  std::uint16_t port = 0;
  Policy policy = [](const Request&, int) { return 200; };
  std::vector<Request> requests;
  std::vector<int> statuses;
  asio::io_context io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::thread accept_thread;
  std::vector<std::thread> connection_threads;
};

namespace {

void Serve(const std::shared_ptr<WebhookReceiver::State>& state,
           std::shared_ptr<tcp::socket> socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> message;
    boost::system::error_code ec;
    http::read(*socket, buffer, message, ec);
    if (ec) return;
    WebhookReceiver::Request request;
    request.path = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    request.body = message.body();
    request.at = std::chrono::steady_clock::now();
    int status = 0;
    {
      std::unique_lock lock(state->mutex);
      const int index = static_cast<int>(state->requests.size());
      status = state->policy(request, index);
      state->requests.push_back(request);
      state->statuses.push_back(status);
      if (status == 0) {
        state->stopped.wait(lock, [&] { return state->stopping; });
        return;
      }
    }
    http::response<http::string_body> response{static_cast<http::status>(status), 11};
    response.body() = "{}";
    response.set(http::field::content_type, "application/json");
    response.keep_alive(message.keep_alive());
    response.prepare_payload();
    http::write(*socket, response, ec);
    if (ec || !message.keep_alive()) return;
  }
}

}  // namespace

WebhookReceiver::WebhookReceiver(std::uint16_t port) : state_(std::make_shared<State>()) {
  state_->port = port;
  Start();
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

void WebhookReceiver::SetPolicy(Policy policy) {
  std::lock_guard lock(state_->mutex);
  state_->policy = std::move(policy);
}

void WebhookReceiver::Start() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = false;
    state_->acceptor = std::make_unique<tcp::acceptor>(state_->io);
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), state_->port);
    state_->acceptor->open(endpoint.protocol());
    state_->acceptor->set_option(tcp::acceptor::reuse_address(true));
    state_->acceptor->bind(endpoint);
    state_->acceptor->listen();
    state_->port = state_->acceptor->local_endpoint().port();
  }
  state_->accept_thread = std::thread([state = state_] {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(state->io);
      boost::system::error_code ec;
      state->acceptor->accept(*socket, ec);
      std::lock_guard lock(state->mutex);
      if (ec || state->stopping) return;
      state->sockets.push_back(socket);
      state->connection_threads.emplace_back([state, socket] { Serve(state, socket); });
    }
  });
}

void WebhookReceiver::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping || !state_->acceptor) return;
    state_->stopping = true;
    boost::system::error_code ignored;
    for (auto& socket : state_->sockets) {
      socket->shutdown(tcp::socket::shutdown_both, ignored);
      socket->close(ignored);
    }
    state_->sockets.clear();
    threads.swap(state_->connection_threads);
  }
  state_->stopped.notify_all();
  // Wake the accepting thread, which then sees that it is stopping.
  {
    asio::io_context io;
    tcp::socket poke(io);
    boost::system::error_code ignored;
    poke.connect({asio::ip::make_address("127.0.0.1"), state_->port}, ignored);
  }
  if (state_->accept_thread.joinable()) state_->accept_thread.join();
  boost::system::error_code ignored;
  state_->acceptor->close(ignored);
  for (std::thread& thread : threads) thread.join();
}

std::uint16_t WebhookReceiver::port() const { return state_->port; }

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<WebhookReceiver::Request> WebhookReceiver::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::vector<WebhookReceiver::Request> WebhookReceiver::accepted() const {
  std::lock_guard lock(state_->mutex);
  std::vector<Request> out;
  for (std::size_t i = 0; i < state_->requests.size(); ++i) {
    if (state_->statuses[i] >= 200 && state_->statuses[i] < 300) out.push_back(state_->requests[i]);
  }
  return out;
}

}  // namespace vigil::testing
