#include "config/detail/notifications_section.h"

#include <set>

#include "common/identity.h"

namespace vigil::config {
namespace {

using Notifications = CollectorConfig::Notifications;

bool IsHttpUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

void ReadUrl(const Field& field, std::string& out) {
  if (field.Read(out) && !IsHttpUrl(out)) field.Report("must start with http:// or https://");
}

Notifications::Located Locate(const Field& field, std::string text) {
  Diagnostic where;
  where.file = field.file();
  where.line = field.mark().line + 1;
  where.column = field.mark().column + 1;
  where.path = field.path();
  return {std::move(text), std::move(where)};
}

void ReadReceiver(const Field& field, Notifications::Receiver& receiver,
                  std::set<std::string>& names) {
  receiver.where = Locate(field, "").where;
  if (!field.ExpectMap({"name", "type", "url", "url_file", "format", "secret_file", "secret_files",
                        "routing_key_file"})) {
    return;
  }
  field["name"].Require();
  if (field["name"].Read(receiver.name)) {
    if (!IsSimpleName(receiver.name, 64)) {
      field["name"].Report("must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
    } else if (!names.insert(receiver.name).second) {
      field["name"].Report("another receiver is named \"" + receiver.name + "\"");
    }
  }
  field["type"].Require();
  field["type"].Read(receiver.type);
  const std::string& type = receiver.type;
  if (!type.empty() && type != "webhook" && type != "slack" && type != "pagerduty" &&
      type != "alertmanager") {
    field["type"].Report("expected webhook, slack, pagerduty or alertmanager, got \"" + type +
                         "\"");
    return;
  }
  ReadUrl(field["url"], receiver.url);
  field["url_file"].ReadPath(receiver.url_file);
  if (field["url"].Present() && field["url_file"].Present()) {
    field["url_file"].Report("give url or url_file, not both");
  }
  const bool has_url = field["url"].Present() || field["url_file"].Present();
  const auto only_for = [&](const char* key, const char* owner) {
    if (field[key].Present() && type != owner) {
      field[key].Report(std::string("applies to ") + owner + " receivers only");
    }
  };
  only_for("format", "webhook");
  only_for("secret_file", "webhook");
  only_for("secret_files", "webhook");
  only_for("routing_key_file", "pagerduty");
  if (type == "webhook" || type == "slack") {
    if (!has_url) field.Report("a " + type + " receiver needs url or url_file");
  }
  if (type == "alertmanager" && !field["url"].Present()) {
    field.Report("an alertmanager receiver needs url, its base address (http://host:9093)");
  }
  if (type == "webhook") {
    if (field["format"].Read(receiver.format) && receiver.format != "vigil" &&
        receiver.format != "alertmanager") {
      field["format"].Report("expected vigil or alertmanager, got \"" + receiver.format + "\"");
    }
    std::string secret;
    if (field["secret_file"].ReadPath(secret)) receiver.secret_files.push_back(secret);
    for (const Field& element : field["secret_files"].Elements()) {
      std::string path;
      if (element.ReadPath(path)) receiver.secret_files.push_back(path);
    }
    if (field["secret_file"].Present() && field["secret_files"].Present()) {
      field["secret_files"].Report("give secret_file or secret_files, not both");
    }
    if (receiver.secret_files.size() > 2) {
      field["secret_files"].Report("at most two secrets (the new and the old, while rotating)");
    }
  }
  if (type == "pagerduty") {
    field["routing_key_file"].Require();
    field["routing_key_file"].ReadPath(receiver.routing_key_file);
  }
}

void ReadRoute(const Field& field, Notifications::Route& route, bool root,
               const std::set<std::string>& receivers, int depth) {
  if (!field.ExpectMap({"matchers", "receiver", "send_resolved", "repeat_interval", "escalate",
                        "continue", "routes"})) {
    return;
  }
  if (depth > 16) {
    field.Report("routes are nested more than 16 deep");
    return;
  }
  if (root) {
    field["receiver"].Require();
    if (field["matchers"].Present()) field["matchers"].Report("the root route matches everything");
    if (field["continue"].Present()) field["continue"].Report("the root route has no siblings");
  }
  for (const Field& element : field["matchers"].Elements()) {
    std::string text;
    if (element.Read(text)) route.matchers.push_back(Locate(element, text));
  }
  const auto check_receiver = [&receivers](const Field& where, const std::string& name) {
    if (!name.empty() && receivers.count(name) == 0) {
      where.Report("no receiver is named \"" + name + "\"");
    }
  };
  if (field["receiver"].Read(route.receiver)) check_receiver(field["receiver"], route.receiver);
  bool send_resolved = true;
  if (field["send_resolved"].Read(send_resolved)) route.send_resolved = send_resolved;
  Duration repeat{0};
  if (field["repeat_interval"].ReadDuration(repeat, Duration(0))) route.repeat_interval = repeat;
  if (route.repeat_interval && route.repeat_interval->count() > 0 &&
      *route.repeat_interval < std::chrono::seconds(1)) {
    field["repeat_interval"].Report("must be 0 (no reminders) or at least 1s");
  }
  for (const Field& step : field["escalate"].Elements()) {
    if (!step.ExpectMap({"after", "receiver"})) continue;
    Notifications::Escalation escalation;
    step["after"].Require();
    step["after"].ReadDuration(escalation.after, Duration(0));
    step["receiver"].Require();
    if (step["receiver"].Read(escalation.receiver)) {
      check_receiver(step["receiver"], escalation.receiver);
    }
    route.escalate.push_back(std::move(escalation));
  }
  field["continue"].Read(route.continue_matching);
  for (const Field& child : field["routes"].Elements()) {
    Notifications::Route child_route;
    // A child without matchers matches everything, as in Alertmanager: the usual way to send
    // every incident to several receivers is such children with `continue: true`.
    ReadRoute(child, child_route, /*root=*/false, receivers, depth + 1);
    route.routes.push_back(std::move(child_route));
  }
}

}  // namespace

void ReadNotificationsSection(const Field& section, Notifications& notifications) {
  if (!section.ExpectMap({"delivery", "receivers", "route", "external_url"})) return;
  const Field delivery = section["delivery"];
  if (delivery.ExpectMap({"timeout", "max_age", "retry_initial", "retry_max", "breaker_failures",
                          "breaker_pause"})) {
    delivery["timeout"].ReadDuration(notifications.timeout, std::chrono::milliseconds(100));
    delivery["max_age"].ReadDuration(notifications.max_age, std::chrono::seconds(1));
    delivery["retry_initial"].ReadDuration(notifications.retry_initial,
                                           std::chrono::milliseconds(10));
    delivery["retry_max"].ReadDuration(notifications.retry_max, std::chrono::milliseconds(10));
    delivery["breaker_failures"].Read(notifications.breaker_failures, 1, 1000);
    delivery["breaker_pause"].ReadDuration(notifications.breaker_pause,
                                           std::chrono::milliseconds(100));
    if (notifications.retry_max < notifications.retry_initial) {
      delivery["retry_max"].Report("must not be shorter than retry_initial");
    }
  }
  ReadUrl(section["external_url"], notifications.external_url);
  std::set<std::string> names;
  for (const Field& element : section["receivers"].Elements()) {
    Notifications::Receiver receiver;
    ReadReceiver(element, receiver, names);
    notifications.receivers.push_back(std::move(receiver));
  }
  if (section["route"].HasValues()) {
    Notifications::Route route;
    ReadRoute(section["route"], route, /*root=*/true, names, 0);
    notifications.route = std::move(route);
  }
}

}  // namespace vigil::config
