#include "vigilctl/api_client.h"

#include <curl/curl.h>

namespace vigil::ctl {
namespace {

std::size_t Append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Answers larger than this are cut off with an error: no API object is near it.
constexpr std::size_t kMaxAnswerBytes = 256 << 20;

}  // namespace

struct ApiClient::State {
  CURL* curl = nullptr;
  ~State() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

ApiClient::ApiClient(ApiClientOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  state_->curl = curl_easy_init();
}

ApiClient::~ApiClient() = default;

Result<ApiAnswer> ApiClient::Call(const std::string& method, const std::string& target,
                                  const std::string& body) {
  CURL* curl = state_->curl;
  if (curl == nullptr) return MakeError(ErrorCode::kIoError, "libcurl could not start");
  curl_easy_reset(curl);
  std::string server = options_.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  const std::string url = server + target;
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxAnswerBytes));
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_slist* headers = nullptr;
  const std::string authorization = "Authorization: Bearer " + options_.token;
  if (!options_.token.empty()) headers = curl_slist_append(headers, authorization.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!body.empty() || method == "POST") {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return MakeError(ErrorCode::kIoError,
                     "cannot reach " + server + ": " + curl_easy_strerror(code));
  }
  ApiAnswer out;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  out.body = std::move(answer);
  return out;
}

std::string UrlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace vigil::ctl
