#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/service/alerting_service.h"
#include "collector/views/views.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

// Alerts listed per rule; the counts cover all of them.
constexpr std::size_t kMaxAlertsListed = 100;

double Seconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

Json RuleJson(const AlertingService::RuleView& view) {
  const alerting::Rule& rule = view.rule;
  Json labels = Json::object();
  for (const alerting::Label& label : rule.labels) labels[label.name] = label.value;
  Json annotations = Json::object();
  for (const auto& [name, text] : rule.annotations) annotations[name] = text.source();
  Json alerts = Json::array();
  for (const alerting::AlertStatus& alert : view.status.alerts) {
    Json alert_labels = Json::object();
    for (const alerting::Label& label : alert.labels) alert_labels[label.name] = label.value;
    alerts.push_back(
        {{"labels", std::move(alert_labels)},
         {"state", alerting::AlertStateName(alert.state)},
         {"active_since", FormatRfc3339(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            alert.active_since.time_since_epoch())
                                            .count())},
         {"value", std::isnan(alert.value) ? Json(nullptr) : Json(alert.value)}});
  }
  return {{"name", rule.name},
          {"key", rule.Key()},
          {"group", rule.group.empty() ? Json(nullptr) : Json(rule.group)},
          {"scope", rule.fleet ? "fleet" : "agent"},
          {"interval", rule.fleet ? Json(Seconds(rule.interval)) : Json(nullptr)},
          {"expr", rule.ExprText()},
          {"for", Seconds(rule.for_duration)},
          {"keep_firing_for", Seconds(rule.keep_firing_for)},
          {"severity", SeverityName(rule.severity)},
          {"labels", std::move(labels)},
          {"annotations", std::move(annotations)},
          {"builtin", rule.builtin},
          {"origin", rule.origin},
          {"state", alerting::AlertStateName(view.status.state)},
          {"pending", view.status.pending},
          {"firing", view.status.firing},
          {"alerts", std::move(alerts)}};
}

}  // namespace

void AddRuleRoutes(ApiRouter& router, AlertingService& alerting) {
  router.Add("GET", "/api/v1/rules", Role::kViewer, [&alerting](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {"state"}); !known) {
      return ErrorResponse(known.error());
    }
    auto page = ReadPageRequest(request.query);
    if (!page) return ErrorResponse(page.error());
    auto state = request.query.find("state");
    std::vector<Json> items;
    for (const AlertingService::RuleView& view : alerting.Rules(kMaxAlertsListed)) {
      if (state != request.query.end() &&
          alerting::AlertStateName(view.status.state) != state->second) {
        continue;
      }
      items.push_back(RuleJson(view));
    }
    return JsonResponse(200, PageOf(std::move(items), *page));
  });
}

}  // namespace vigil::collector
