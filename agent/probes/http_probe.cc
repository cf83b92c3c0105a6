#include "agent/probes/http_probe.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <ctime>
#include <optional>
#include <regex>

#include "common/frame_io.h"
#include "common/tls.h"

namespace vigil::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using Deadline = std::chrono::steady_clock::time_point;

// The earliest notAfter in the peer's chain, in seconds since the epoch.
std::optional<double> EarliestExpiry(SSL* ssl) {
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  if (chain == nullptr) return std::nullopt;
  std::optional<double> earliest;
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    std::tm expiry{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(sk_X509_value(chain, i)), &expiry) != 1) continue;
    const double seconds = static_cast<double>(timegm(&expiry));
    if (!earliest || seconds < *earliest) earliest = seconds;
  }
  return earliest;
}

struct Exchange {
  std::optional<http::response<http::string_body>> response;
  std::optional<double> cert_expiry;
  std::string failure;
};

template <typename Stream>
awaitable<Exchange> Request(Stream& stream, const ParsedUrl& url, std::uint64_t max_body,
                            Deadline deadline) {
  Exchange exchange;
  boost::system::error_code ec;
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, std::string("vigil-agent/") + VIGIL_VERSION);
  request.set(http::field::connection, "close");
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await http::async_write(stream, request, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    exchange.failure = "sending the request: " + ec.message();
    co_return exchange;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec == http::error::body_limit) {
    exchange.failure = "the body is larger than " + std::to_string(max_body) + " bytes";
    co_return exchange;
  }
  if (ec) {
    exchange.failure = ec == beast::error::timeout ? "timed out waiting for the response"
                                                   : "reading the response: " + ec.message();
    co_return exchange;
  }
  exchange.response = parser.release();
  co_return exchange;
}

}  // namespace

Result<ParsedUrl> ParseUrl(std::string_view url) {
  const auto invalid = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid URL \"" + std::string(url) + "\": " + why);
  };
  ParsedUrl parsed;
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    parsed.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return invalid("the scheme must be http or https");
  }
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  parsed.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (parsed.target.front() == '?') parsed.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return invalid("credentials are not allowed");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("missing ']'");
    parsed.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return invalid("unexpected text after ']'");
      port = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) return invalid("missing host");
  parsed.port = port.empty() ? (parsed.tls ? "443" : "80") : std::string(port);
  if (parsed.port.find_first_not_of("0123456789") != std::string::npos || parsed.port.size() > 5 ||
      std::stoul(parsed.port) > 65535 || std::stoul(parsed.port) == 0) {
    return invalid("bad port");
  }
  return parsed;
}

bool StatusExpected(int status, const std::vector<int>& expected) {
  if (expected.empty()) return status >= 200 && status < 300;
  for (int one : expected) {
    if (one == status) return true;
  }
  return false;
}

Result<std::unique_ptr<HttpProbe>> HttpProbe::Create(const config::AgentConfig::Probe& probe) {
  Result<ParsedUrl> url = ParseUrl(probe.url);
  if (!url) return url.error();
  std::shared_ptr<asio::ssl::context> tls;
  if (url->tls) {
    auto context = MakeClientTlsContext({probe.ca_file, "", ""});
    if (!context) return context.error();
    tls = std::move(*context);
  }
  return std::unique_ptr<HttpProbe>(new HttpProbe(probe, std::move(*url), std::move(tls)));
}

HttpProbe::HttpProbe(config::AgentConfig::Probe probe, ParsedUrl url,
                     std::shared_ptr<asio::ssl::context> tls)
    : probe_(std::move(probe)), url_(std::move(url)), tls_(std::move(tls)) {
  if (!probe_.body_match.empty()) body_match_.emplace(probe_.body_match, std::regex::optimize);
}

HttpProbe::~HttpProbe() = default;

awaitable<ProbeResult> HttpProbe::Run(asio::any_io_executor executor) {
  const auto start = std::chrono::steady_clock::now();
  const Deadline deadline = start + probe_.timeout;
  ProbeResult result;
  const auto finish = [&](std::string failure, int status, std::optional<double> cert_expiry) {
    result.failure = std::move(failure);
    result.success = result.failure.empty();
    result.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.gauges.push_back({"vigil_probe_http_status_code",
                             "HTTP status code of the probe's last response (0 without one).",
                             static_cast<double>(status)});
    if (cert_expiry) {
      result.gauges.push_back({"vigil_probe_tls_cert_expiry_timestamp_seconds",
                               "Earliest expiry in the server's certificate chain, in unixtime.",
                               *cert_expiry});
    }
  };
  const auto fail = [&](std::string failure) { finish(std::move(failure), 0, std::nullopt); };

  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(url_.host, url_.port,
                                                   asio::redirect_error(use_awaitable, ec));
  if (ec) {
    fail("cannot resolve " + url_.host + ": " + ec.message());
    co_return result;
  }
  beast::tcp_stream tcp(executor);
  tcp.expires_at(deadline);
  co_await tcp.async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    fail(ec == beast::error::timeout ? "timed out connecting" : "cannot connect: " + ec.message());
    co_return result;
  }
  Exchange exchange;
  if (url_.tls) {
    TlsStream stream(std::move(tcp), *tls_);
    ExpectServerName(stream, url_.host);
    beast::get_lowest_layer(stream).expires_at(deadline);
    co_await stream.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(use_awaitable, ec));
    if (ec) {
      fail(ec == beast::error::timeout ? "timed out in the TLS handshake"
                                       : "TLS handshake: " + ec.message());
      co_return result;
    }
    exchange = co_await Request(stream, url_, probe_.max_body_bytes, deadline);
    exchange.cert_expiry = EarliestExpiry(stream.native_handle());
  } else {
    exchange = co_await Request(tcp, url_, probe_.max_body_bytes, deadline);
  }
  const int status = exchange.response ? static_cast<int>(exchange.response->result_int()) : 0;
  std::string failure = exchange.failure;
  if (failure.empty() && !StatusExpected(status, probe_.expect_status)) {
    failure = "unexpected status " + std::to_string(status);
  } else if (failure.empty() && body_match_ &&
             !std::regex_search(exchange.response->body(), *body_match_)) {
    failure = "the body does not match /" + probe_.body_match + "/";
  }
  finish(std::move(failure), status, exchange.cert_expiry);
  co_return result;
}

}  // namespace vigil::agent
