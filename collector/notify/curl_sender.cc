#include "collector/notify/curl_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>
#include <string>

namespace vigil::collector {
namespace {

constexpr std::size_t kMaxAnswerBytes = 64 << 10;
constexpr long kMaxConnectMs = 5000;

struct Transfer {
  alerting::HttpCall call;
  std::function<void(alerting::HttpOutcome)> done;
  curl_slist* headers = nullptr;
  std::string answer;
  char error[CURL_ERROR_SIZE] = {};
};

// Keeps the start of the answer (for nothing but debugging) and drops the rest.
std::size_t Discard(char* data, std::size_t size, std::size_t count, void* out) {
  auto* answer = static_cast<std::string*>(out);
  const std::size_t bytes = size * count;
  if (answer->size() < kMaxAnswerBytes) {
    answer->append(data, std::min(bytes, kMaxAnswerBytes - answer->size()));
  }
  return bytes;
}

}  // namespace

struct CurlSender::State {
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
};

CurlSender::CurlSender() : state_(std::make_unique<State>()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  state_->multi = curl_multi_init();
}

CurlSender::~CurlSender() {
  for (auto& [easy, transfer] : state_->transfers) {
    curl_multi_remove_handle(state_->multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->headers);
  }
  curl_multi_cleanup(state_->multi);
}

void CurlSender::Send(alerting::HttpCall call, std::function<void(alerting::HttpOutcome)> done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->call = std::move(call);
  transfer->done = std::move(done);
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    transfer->done({0, "libcurl could not make a transfer", std::nullopt});
    return;
  }
  const alerting::HttpCall& c = transfer->call;
  for (const auto& [name, value] : c.headers) {
    transfer->headers = curl_slist_append(transfer->headers, (name + ": " + value).c_str());
  }
  transfer->headers = curl_slist_append(transfer->headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_URL, c.url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, c.body.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(c.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(c.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   std::min<long>(kMaxConnectMs, static_cast<long>(c.timeout.count())));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Discard);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer->answer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  curl_multi_add_handle(state_->multi, easy);
  state_->transfers.emplace(easy, std::move(transfer));
}

void CurlSender::Perform(std::chrono::milliseconds timeout) {
  int running = 0;
  curl_multi_perform(state_->multi, &running);
  curl_multi_poll(state_->multi, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
  curl_multi_perform(state_->multi, &running);
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(state_->multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    auto found = state_->transfers.find(easy);
    if (found == state_->transfers.end()) continue;
    std::unique_ptr<Transfer> transfer = std::move(found->second);
    state_->transfers.erase(found);
    alerting::HttpOutcome outcome;
    if (message->data.result == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      outcome.status = static_cast<int>(status);
      curl_off_t retry_after = 0;
      if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
          retry_after > 0) {
        // Capped before it becomes milliseconds: a receiver may send any number, and no wait
        // outlasts notifications.delivery.max_age anyway.
        constexpr curl_off_t kLongestWait = 7 * 24 * 3600;
        outcome.retry_after = std::chrono::seconds(std::min(retry_after, kLongestWait));
      }
      if (status < 200 || status >= 300) outcome.error = "HTTP " + std::to_string(status);
    } else {
      outcome.error =
          transfer->error[0] != '\0' ? transfer->error : curl_easy_strerror(message->data.result);
    }
    curl_multi_remove_handle(state_->multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->headers);
    transfer->done(outcome);
  }
}

void CurlSender::Wakeup() { curl_multi_wakeup(state_->multi); }

std::size_t CurlSender::in_flight() const { return state_->transfers.size(); }

}  // namespace vigil::collector
