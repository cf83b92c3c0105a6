#pragma once
// An HTTP receiver for notification tests, on 127.0.0.1: records every request (path, headers,
// body, arrival) and answers each as its policy says: a status, or no answer at all (hang until
// the receiver stops). Connections are served concurrently, keep-alive included. It can stop and
// start again on the same port, to play a receiver that is down for a while.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vigil::testing {

class WebhookReceiver {
 public:
  struct Request {
    std::string path;
    std::map<std::string, std::string> headers;  // lowercase names
    std::string body;
    std::chrono::steady_clock::time_point at;
  };
  // The status to answer request number `index` (0-based, over the receiver's life) with; 0
  // means never answer.
  using Policy = std::function<int(const Request& request, int index)>;

  // Listens on `port` (0: any free one) and answers 200 until told otherwise.
  explicit WebhookReceiver(std::uint16_t port = 0);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  void SetPolicy(Policy policy);
  // Closes the listener and every connection (hanging requests end unanswered).
  void Stop();
  // Listens again on the same port.
  void Start();

  std::uint16_t port() const;
  std::string url(const std::string& path = "/hook") const;
  std::vector<Request> requests() const;
  // Requests answered with a 2xx.
  std::vector<Request> accepted() const;

  struct State;  // defined in the .cc file

 private:
  std::shared_ptr<State> state_;
};

}  // namespace vigil::testing
