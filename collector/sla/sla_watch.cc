#include "collector/sla/sla_watch.h"
#include "common/clock.h"

#include "collector/notify/notifier.h"
#include "common/log.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

// The alert name an SLA event goes out under: SlaResponseAtRisk, SlaResolutionBreached, ...
std::string AlertName(const std::string& target, bool breached) {
  return std::string(target == "response" ? "SlaResponse" : "SlaResolution") +
         (breached ? "Breached" : "AtRisk");
}

}  // namespace

SlaWatch::SlaWatch(Store& store, const SlaEngine& engine, Notifier* notifier)
    : store_(store), engine_(engine), notifier_(notifier) {}

void SlaWatch::CheckEvery(TimePoint now, Duration interval) {
  if (last_check_ && now - *last_check_ < interval) return;
  last_check_ = now;
  if (auto checked = Check(now); !checked) {
    LogError("sla: checking open items: " + checked.error().message);
  }
}

Result<int> SlaWatch::Check(TimePoint now) {
  int raised = 0;
  std::set<std::string> open;
  std::map<AtRiskKey, int> at_risk;
  auto incidents = store_.incidents().OpenIncidents();
  if (!incidents) return incidents.error();
  for (const IncidentRecord& incident : *incidents) {
    std::shared_ptr<const SlaSetup> keep;
    auto sla = engine_.ForIncident(incident, now, keep);
    if (!sla) continue;
    open.insert(incident.id);
    const Item item{{SlaItemRef::Kind::kIncident, incident.id},
                    "incident",
                    incident.severity,
                    incident.customer,
                    incident.agent,
                    incident.summary};
    auto count = CheckItem(item, *sla, now, at_risk);
    if (!count) return count.error();
    raised += *count;
  }
  auto reports = store_.fault_reports().OpenFaultReports();
  if (!reports) return reports.error();
  for (const FaultReportRecord& report : *reports) {
    std::shared_ptr<const SlaSetup> keep;
    auto sla = engine_.ForReport(report, now, keep);
    if (!sla) continue;
    open.insert(report.id);
    const Item item{{SlaItemRef::Kind::kFaultReport, report.id},
                    report.kind,
                    report.severity,
                    report.customer,
                    "",
                    report.title};
    auto count = CheckItem(item, *sla, now, at_risk);
    if (!count) return count.error();
    raised += *count;
  }
  {
    std::lock_guard lock(at_risk_mutex_);
    at_risk_.swap(at_risk);
  }
  // Forget the marks of items no longer open: they are not checked again.
  std::erase_if(marked_, [&open](const std::string& key) {
    return open.count(key.substr(0, key.find('/'))) == 0;
  });
  return raised;
}

std::vector<SlaAtRisk> SlaWatch::AtRisk() const {
  std::lock_guard lock(at_risk_mutex_);
  std::vector<SlaAtRisk> out;
  for (const auto& [key, items] : at_risk_) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), items});
  }
  return out;
}

Result<int> SlaWatch::CheckItem(const Item& item, const ItemSla& sla, TimePoint now,
                                std::map<AtRiskKey, int>& at_risk_now) {
  const SlaFigures& f = sla.figures;
  const Clock clocks[] = {{"response", sla.inputs.responded.has_value(), f.response_met,
                           f.response_used, sla.target->response, f.response_due},
                          {"resolution", sla.inputs.resolved.has_value(), f.resolution_met,
                           f.resolution_used, sla.target->resolution, f.resolution_due}};
  int raised = 0;
  for (const Clock& clock : clocks) {
    if (clock.done) continue;
    const std::string at_risk = std::string(clock.target) + "_at_risk";
    if (clock.met == false) {
      auto breach = Raise(item, clock, std::string(clock.target) + "_breached", true, now);
      if (!breach) return breach.error();
      raised += *breach ? 1 : 0;
      // Seen only once breached: the at-risk warning would come too late to help.
      if (auto quiet = Raise(item, clock, at_risk, false, now); !quiet) return quiet.error();
    } else if (clock.used >= sla.at_risk) {
      ++at_risk_now[{item.customer, item.kind, item.severity, clock.target}];
      auto warned = Raise(item, clock, at_risk, true, now);
      if (!warned) return warned.error();
      raised += *warned ? 1 : 0;
    }
  }
  return raised;
}

Result<bool> SlaWatch::Raise(const Item& item, const Clock& clock, const std::string& event,
                             bool escalate, TimePoint now) {
  const std::string key = item.ref.id + "/" + event;
  if (marked_.count(key) > 0) return false;
  const bool breached = event.find("breached") != std::string::npos;
  std::string note;
  std::vector<alerting::OutboxEntry> notifications;
  if (escalate) {
    const std::string due =
        clock.due ? FormatRfc3339(ToUnixMillis(*clock.due)) : "not set (paused)";
    note = std::string("SLA ") + clock.target + (breached ? " target breached" : " at risk") +
           ": " + FormatDuration(clock.amount) + " target, due " + due;
    if (notifier_ != nullptr) {
      IncidentRecord alert;
      alert.id = item.ref.id;
      alert.source = "sla";
      alert.rule = AlertName(clock.target, breached);
      alert.fingerprint = key;
      alert.severity = item.severity;
      alert.customer = item.customer;
      alert.agent = item.agent;
      alert.labels = {{"sla_target", clock.target},
                      {"item", item.ref.id},
                      {"item_type", SlaItemTypeName(item.ref.kind)},
                      {"kind", item.kind}};
      alert.summary =
          (item.ref.kind == SlaItemRef::Kind::kIncident ? "Incident " : "Fault report ") +
          item.ref.id + " (" + item.title + "): " + note;
      alert.annotations = {{"summary", alert.summary}, {"due", due}};
      alert.started_ms = ToUnixMillis(now);
      alert.updated_ms = ToUnixMillis(now);
      notifications = notifier_->PlanSlaEvent(alert, breached ? alerting::NotifyEvent::kSlaBreached
                                                              : alerting::NotifyEvent::kSlaAtRisk);
    }
  }
  auto marked =
      store_.sla_events().MarkSlaEvent(item.ref, event, ToUnixMillis(now), note, notifications);
  if (!marked) return marked.error();
  marked_.insert(key);
  if (*marked && notifier_ != nullptr) notifier_->Committed(notifications);
  if (*marked && escalate) LogInfo("sla: " + item.ref.id + ": " + note);
  return *marked && escalate;
}

}  // namespace vigil::collector
