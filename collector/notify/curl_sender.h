#pragma once
// The real HttpSender: POSTs over libcurl's multi interface, many at once, on the thread that runs
// Perform(). Each transfer has a connect timeout and a total timeout; redirects are not followed;
// only http and https are allowed; answers are read and discarded (up to 64 KiB). This header
// keeps <curl/curl.h> out of its users.

#include <chrono>
#include <functional>
#include <memory>

#include "alerting/delivery.h"

namespace vigil::collector {

class CurlSender final : public alerting::HttpSender {
 public:
  CurlSender();
  ~CurlSender() override;
  CurlSender(const CurlSender&) = delete;
  CurlSender& operator=(const CurlSender&) = delete;

  // Starts the transfer; `done` runs later, inside Perform(), on its caller's thread.
  void Send(alerting::HttpCall call, std::function<void(alerting::HttpOutcome)> done) override;

  // Waits up to `timeout` for network activity or Wakeup(), advances every transfer and runs the
  // completions of those that finished.
  void Perform(std::chrono::milliseconds timeout);
  // Makes a Perform() that is waiting return now. Thread-safe.
  void Wakeup();
  std::size_t in_flight() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigil::collector
