#include "collector/notify/notify_setup.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "alerting/webhook_signature.h"

namespace vigil::collector {
namespace {

using Notifications = config::CollectorConfig::Notifications;

constexpr std::uintmax_t kMaxSecretFileBytes = 64 << 10;

// The file's content without surrounding whitespace, or why it cannot be had.
Result<std::string> ReadSmallFile(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return MakeError(ErrorCode::kIoError, "cannot read " + path + ": " + error.message());
  if (size > kMaxSecretFileBytes)
    return MakeError(ErrorCode::kIoError, path + " is larger than 64 KiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  const auto first = content.find_first_not_of(" \t\r\n");
  const auto last = content.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) return MakeError(ErrorCode::kIoError, path + " is empty");
  return content.substr(first, last - first + 1);
}

// A problem with one of a receiver's files, located at the receiver.
config::Diagnostic Problem(const Notifications::Receiver& receiver, const std::string& key,
                           std::string message) {
  config::Diagnostic problem = receiver.where;
  problem.path += "." + key;
  problem.message = std::move(message);
  return problem;
}

alerting::Route CompileRoute(const Notifications::Route& source,
                             std::vector<config::Diagnostic>& problems) {
  alerting::Route route;
  for (const Notifications::Located& text : source.matchers) {
    auto matcher = alerting::ParseMatcherText(text.text);
    if (!matcher) {
      config::Diagnostic problem = text.where;
      problem.message = matcher.error().message;
      problems.push_back(std::move(problem));
      continue;
    }
    route.matchers.push_back(std::move(*matcher));
  }
  route.receiver = source.receiver;
  route.send_resolved = source.send_resolved;
  route.repeat_interval = source.repeat_interval;
  for (const Notifications::Escalation& step : source.escalate) {
    route.escalate.push_back({step.after, step.receiver});
  }
  route.continue_matching = source.continue_matching;
  for (const Notifications::Route& child : source.routes) {
    route.routes.push_back(CompileRoute(child, problems));
  }
  return route;
}

}  // namespace

config::Loaded<alerting::NotifyConfig> LoadNotifyConfig(const config::CollectorConfig& config) {
  config::Loaded<alerting::NotifyConfig> loaded;
  const Notifications& source = config.notifications;
  alerting::NotifyConfig& out = loaded.config;
  out.timeout = source.timeout;
  out.max_age = source.max_age;
  out.retry = {source.retry_initial, source.retry_max, 2.0};
  out.breaker_failures = static_cast<int>(source.breaker_failures);
  out.breaker_pause = source.breaker_pause;
  out.external_url = source.external_url;
  for (std::size_t i = 0; i < source.receivers.size(); ++i) {
    const Notifications::Receiver& from = source.receivers[i];
    alerting::Receiver receiver;
    receiver.name = from.name;
    receiver.type = from.type == "slack"          ? alerting::Receiver::Type::kSlack
                    : from.type == "pagerduty"    ? alerting::Receiver::Type::kPagerDuty
                    : from.type == "alertmanager" ? alerting::Receiver::Type::kAlertmanager
                                                  : alerting::Receiver::Type::kWebhook;
    receiver.alertmanager_format = from.format == "alertmanager";
    receiver.url = from.url;
    if (!from.url_file.empty()) {
      auto url = ReadSmallFile(from.url_file);
      if (!url) {
        loaded.problems.push_back(Problem(from, "url_file", url.error().message));
      } else if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
        loaded.problems.push_back(
            Problem(from, "url_file", from.url_file + " must hold an http:// or https:// URL"));
      } else {
        receiver.url = *url;
      }
    }
    for (const std::string& file : from.secret_files) {
      auto text = ReadSmallFile(file);
      auto key = text ? alerting::DecodeWebhookSecret(*text) : Result<std::string>(text.error());
      if (!key) {
        loaded.problems.push_back(Problem(from, "secret_file", file + ": " + key.error().message));
        continue;
      }
      receiver.signing_keys.push_back(std::move(*key));
    }
    if (!from.routing_key_file.empty()) {
      auto key = ReadSmallFile(from.routing_key_file);
      if (!key) {
        loaded.problems.push_back(Problem(from, "routing_key_file", key.error().message));
      } else {
        receiver.routing_key = std::move(*key);
      }
    }
    out.receivers.push_back(std::move(receiver));
  }
  if (source.route) out.route = CompileRoute(*source.route, loaded.problems);
  return loaded;
}

}  // namespace vigil::collector
