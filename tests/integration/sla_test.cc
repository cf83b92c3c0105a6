// Fault reports and contract SLAs with the real collector: a month imported through the API with
// `at` times, checked figure by figure against values worked out by hand below; vigilctl's
// report; and at-risk and breach escalations that happen once across a kill -9.

#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/time_format.h"
#include "tests/integration/harness.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"
#include "tests/support/webhook_receiver.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using std::chrono::seconds;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

// Business hours in Berlin, with Easter 2026 (Good Friday 3 April, Easter Monday 6 April) off.
// April 2026 is all summer time: local = UTC + 2h.
constexpr const char* kSlaConfig = R"(sla:
  check_interval: 200ms
  calendars:
    berlin-office:
      timezone: Europe/Berlin
      hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-13:00", "14:00-18:00"]}
      holidays: [2026-04-03, 2026-04-06, 2026-12-25]
  policies:
    - customer: acme
      calendar: berlin-office
      pause_statuses: [pending_customer]
      at_risk: 0.8
      targets:
        - {kind: incident, severity: critical, response: 15m, resolution: 4h, calendar: 24x7}
        - {kind: fault, severity: high, response: 1h, resolution: 8h}
        - {kind: consultation, response: 4h, resolution: 16h}
limits: {api_requests_per_second: 10000, api_request_burst: 10000}
)";

class SlaTest : public ::testing::Test {
 protected:
  Json Call(const std::string& method, const std::string& target, const Json& body = nullptr) {
    HttpResult result = HttpCall(harness_.http_port(), method, target,
                                 body.is_null() ? "" : body.dump(), harness_.admin_token());
    Json parsed = Json::parse(result.body, nullptr, false);
    EXPECT_LT(result.status, 300) << method << " " << target << ": " << result.body;
    return parsed;
  }

  std::string Incident(const std::string& at) {
    return Call(
        "POST", "/api/v1/incidents",
        {{"customer", "acme"}, {"severity", "critical"}, {"summary", "db down"}, {"at", at}})["id"];
  }
  std::string Report(const Json& fields) {
    return Call("POST", "/api/v1/fault-reports", fields)["id"];
  }
  void Move(const std::string& id, const std::string& to, const std::string& at,
            Json extra = Json::object()) {
    extra["to"] = to;
    extra["at"] = at;
    Call("POST", "/api/v1/fault-reports/" + id + "/transition", extra);
  }

  Harness harness_;
};

// The figures of one report item, by hand.
struct Expected {
  std::string id;
  Json response_due, resolution_due;
  Json paused, response_business, resolution_business, response_wall, resolution_wall;
  Json response_met, resolution_met;
};

void ExpectItem(const Json& item, const Expected& e) {
  SCOPED_TRACE(e.id);
  EXPECT_EQ(item["id"], e.id);
  EXPECT_EQ(item["response_due"], e.response_due);
  EXPECT_EQ(item["resolution_due"], e.resolution_due);
  EXPECT_EQ(item["paused_seconds"], e.paused);
  EXPECT_EQ(item["response_business_seconds"], e.response_business);
  EXPECT_EQ(item["resolution_business_seconds"], e.resolution_business);
  EXPECT_EQ(item["response_wall_seconds"], e.response_wall);
  EXPECT_EQ(item["resolution_wall_seconds"], e.resolution_wall);
  EXPECT_EQ(item["response_met"], e.response_met);
  EXPECT_EQ(item["resolution_met"], e.resolution_met);
}

void ExpectStatistic(const Json& statistic, double mean, double p50, double p90) {
  EXPECT_DOUBLE_EQ(statistic["mean"].get<double>(), mean);
  EXPECT_DOUBLE_EQ(statistic["p50"].get<double>(), p50);
  EXPECT_DOUBLE_EQ(statistic["p90"].get<double>(), p90);
}

TEST_F(SlaTest, AnImportedMonthReportsTheFiguresWorkedOutByHand) {
  harness_.StartCollector(kSlaConfig);

  // Outside the period on either side: not reported.
  Report({{"customer", "acme"}, {"title", "before"}, {"at", "2026-03-31T21:59:00Z"}});
  Report({{"customer", "acme"}, {"title", "after"}, {"at", "2026-04-30T22:00:00Z"}});
  Report({{"customer", "globex"}, {"title", "someone else's"}, {"at", "2026-04-10T08:00:00Z"}});

  // I1, critical incident on the 24x7 calendar: acknowledged after 10m (met), resolved after
  // 5h (4h target: breached).
  const std::string i1 = Incident("2026-04-02T10:00:00Z");
  Call("POST", "/api/v1/incidents/" + i1 + "/ack", {{"at", "2026-04-02T10:10:00Z"}});
  Call("POST", "/api/v1/incidents/" + i1 + "/resolve", {{"at", "2026-04-02T15:00:00Z"}});
  // I2, on a Saturday night: acknowledged after 20m (breached), resolved after 3h (met).
  const std::string i2 = Incident("2026-04-04T22:00:00Z");
  Call("POST", "/api/v1/incidents/" + i2 + "/ack", {{"at", "2026-04-04T22:20:00Z"}});
  Call("POST", "/api/v1/incidents/" + i2 + "/resolve", {{"at", "2026-04-05T01:00:00Z"}});

  // F1, a high fault reported Thursday 2 April 17:30 local, before the Easter weekend. Answered
  // Tuesday 7 April 09:10 local; waiting on the customer from 10:00 that day to 11:00 on the
  // 8th; resolved the 8th at 15:00 local; closed and rated 4.
  const std::string f1 = Report({{"customer", "acme"},
                                 {"title", "replica lag"},
                                 {"kind", "fault"},
                                 {"severity", "high"},
                                 {"category", "database"},
                                 {"at", "2026-04-02T15:30:00Z"}});
  Move(f1, "in_progress", "2026-04-07T07:10:00Z");
  Move(f1, "pending_customer", "2026-04-07T08:00:00Z");
  Move(f1, "in_progress", "2026-04-08T09:00:00Z");
  Move(f1, "resolved", "2026-04-08T13:00:00Z");
  Move(f1, "closed", "2026-04-08T14:00:00Z",
       {{"root_cause", "saturated disk"},
        {"resolution", "moved WAL"},
        {"prevention", "alert on IO"}});
  Call("POST", "/api/v1/fault-reports/" + f1 + "/satisfaction",
       {{"score", 4}, {"at", "2026-04-09T08:00:00Z"}});

  // F2, a high fault reported Friday 10 April 09:00 local, answered 09:30, resolved 12:00,
  // reopened Monday 13 April 09:00 and resolved again at 16:00 local; rated 2.
  const std::string f2 = Report({{"customer", "acme"},
                                 {"title", "deadlocks"},
                                 {"kind", "fault"},
                                 {"severity", "high"},
                                 {"category", "database"},
                                 {"at", "2026-04-10T07:00:00Z"}});
  Move(f2, "in_progress", "2026-04-10T07:30:00Z");
  Move(f2, "resolved", "2026-04-10T10:00:00Z");
  Move(f2, "in_progress", "2026-04-13T07:00:00Z");
  Move(f2, "resolved", "2026-04-13T14:00:00Z");
  Call("POST", "/api/v1/fault-reports/" + f2 + "/satisfaction",
       {{"score", 2}, {"at", "2026-04-14T08:00:00Z"}});

  // K1, a low complaint without a target, resolved directly after 2h.
  const std::string k1 = Report({{"customer", "acme"},
                                 {"title", "invoice"},
                                 {"kind", "complaint"},
                                 {"severity", "low"},
                                 {"category", "billing"},
                                 {"at", "2026-04-15T10:00:00Z"}});
  Move(k1, "resolved", "2026-04-15T12:00:00Z");

  // C1, a consultation asked Wednesday 29 April 15:00 local, never answered by the month's end.
  const std::string c1 = Report({{"customer", "acme"},
                                 {"title", "sizing"},
                                 {"kind", "consultation"},
                                 {"category", "backup"},
                                 {"at", "2026-04-29T13:00:00Z"}});

  const std::string period = "customer=acme&from=2026-03-31T22:00:00Z&to=2026-04-30T22:00:00Z";
  const Json report = Call("GET", "/api/v1/sla/report?" + period);
  const Json& items = report["items"];
  ASSERT_EQ(items.size(), 6u) << report.dump(2);

  ExpectItem(items[0], {i1, "2026-04-02T10:15:00Z", "2026-04-02T14:00:00Z", 0, 10 * kMinute,
                        5 * kHour, 10 * kMinute, 5 * kHour, true, false});
  // F1 and I1 open on the same day; I1 first.
  // F1's response: Thursday 17:30-18:00 (30m), then Friday and Monday are holidays: Tuesday
  // 09:00-09:10 (10m). Due after 1h: Tuesday 09:30 local.
  // Its resolution: 30m + Tuesday 09:00-10:00 (1h) + Wednesday 11:00-15:00 (4h) = 5h30m; paused
  // Tuesday 10:00 to Wednesday 11:00 (25h of wall time). Due after 8h: the 7h left run from
  // Wednesday 11:00 local to 17:30 local.
  ExpectItem(items[1],
             {f1, "2026-04-07T07:30:00Z", "2026-04-08T15:30:00Z", 25 * kHour, 40 * kMinute,
              5 * kHour + 30 * kMinute, 4 * kDay + 15 * kHour + 40 * kMinute,
              5 * kDay + 21 * kHour + 30 * kMinute, true, true});
  ExpectItem(items[2], {i2, "2026-04-04T22:15:00Z", "2026-04-05T02:00:00Z", 0, 20 * kMinute,
                        3 * kHour, 20 * kMinute, 3 * kHour, false, true});
  // F2: answered in 30m. Resolution: Friday 09:00-12:00 (3h), paused from the first resolution
  // to the reopening (Friday 12:00 to Monday 09:00 local, 69h), then Monday 09:00-16:00 (7h):
  // 10h against 8h. Due: the 5h left after Friday's 3h end Monday 14:00 local.
  ExpectItem(items[3], {f2, "2026-04-10T08:00:00Z", "2026-04-13T12:00:00Z", 69 * kHour,
                        30 * kMinute, 10 * kHour, 30 * kMinute, 3 * kDay + 7 * kHour, true, false});
  ExpectItem(items[4],
             {k1, nullptr, nullptr, 0, nullptr, nullptr, 2 * kHour, 2 * kHour, nullptr, nullptr});
  // C1 at the month's end (Thursday 30 April 24:00 local): Wednesday 15:00-18:00 and Thursday
  // 09:00-18:00 = 12h used. Response due after 4h: Thursday 10:00 local, passed: breached.
  // Resolution due after 16h: Friday 1 May 13:00 local, after the period: undecided.
  ExpectItem(items[5], {c1, "2026-04-30T08:00:00Z", "2026-05-01T11:00:00Z", 0, 12 * kHour,
                        12 * kHour, 33 * kHour, 33 * kHour, false, nullptr});
  EXPECT_TRUE(items[5]["responded_at"].is_null());
  EXPECT_EQ(items[1]["category"], "database");
  EXPECT_EQ(items[1]["type"], "fault_report");
  EXPECT_EQ(items[0]["type"], "incident");
  EXPECT_EQ(items[1]["response_target_seconds"], kHour);
  EXPECT_EQ(items[1]["resolution_target_seconds"], 8 * kHour);

  const Json& summary = report["summary"];
  ASSERT_EQ(summary.size(), 4u) << summary.dump(2);
  const Json& complaints = summary[0];
  EXPECT_EQ(complaints["kind"], "complaint");
  EXPECT_EQ(complaints["count"], 1);
  EXPECT_TRUE(complaints["response_on_time_ratio"].is_null());
  EXPECT_TRUE(complaints["mttr_business_seconds"]["mean"].is_null());
  ExpectStatistic(complaints["mttr_wall_seconds"], 2 * kHour, 2 * kHour, 2 * kHour);

  const Json& consultations = summary[1];
  EXPECT_EQ(consultations["kind"], "consultation");
  EXPECT_EQ(consultations["severity"], "medium");
  EXPECT_EQ(consultations["open"], 1);
  EXPECT_TRUE(consultations["mtta_business_seconds"]["mean"].is_null());  // not answered
  EXPECT_DOUBLE_EQ(consultations["response_on_time_ratio"].get<double>(), 0.0);
  EXPECT_TRUE(consultations["resolution_on_time_ratio"].is_null());
  EXPECT_EQ(consultations["breaches"], 1);

  const Json& faults = summary[2];
  EXPECT_EQ(faults["kind"], "fault");
  EXPECT_EQ(faults["count"], 2);
  EXPECT_EQ(faults["open"], 0);
  // Two values: p50 is the lower (rank 1), p90 the higher (rank 2).
  ExpectStatistic(faults["mtta_business_seconds"], (40 + 30) * kMinute / 2.0, 30 * kMinute,
                  40 * kMinute);
  ExpectStatistic(faults["mttr_business_seconds"], (5.5 + 10) * kHour / 2, 5.5 * kHour, 10 * kHour);
  const double f1_tta_wall = 4 * kDay + 15 * kHour + 40 * kMinute;
  ExpectStatistic(faults["mtta_wall_seconds"], (f1_tta_wall + 30 * kMinute) / 2, 30 * kMinute,
                  f1_tta_wall);
  const double f1_ttr_wall = 5 * kDay + 21 * kHour + 30 * kMinute;
  const double f2_ttr_wall = 3 * kDay + 7 * kHour;
  ExpectStatistic(faults["mttr_wall_seconds"], (f1_ttr_wall + f2_ttr_wall) / 2, f2_ttr_wall,
                  f1_ttr_wall);
  EXPECT_DOUBLE_EQ(faults["response_on_time_ratio"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(faults["resolution_on_time_ratio"].get<double>(), 0.5);
  EXPECT_EQ(faults["breaches"], 1);
  EXPECT_DOUBLE_EQ(faults["satisfaction_mean"].get<double>(), 3.0);
  EXPECT_EQ(faults["satisfaction_count"], 2);

  const Json& incidents = summary[3];
  EXPECT_EQ(incidents["kind"], "incident");
  EXPECT_EQ(incidents["count"], 2);
  ExpectStatistic(incidents["mtta_business_seconds"], 15 * kMinute, 10 * kMinute, 20 * kMinute);
  ExpectStatistic(incidents["mttr_business_seconds"], 4 * kHour, 3 * kHour, 5 * kHour);
  EXPECT_DOUBLE_EQ(incidents["response_on_time_ratio"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(incidents["resolution_on_time_ratio"].get<double>(), 0.5);
  EXPECT_EQ(incidents["breaches"], 2);
  EXPECT_TRUE(incidents["satisfaction_mean"].is_null());

  EXPECT_EQ(report["by_category"],
            Json::parse(R"([{"category":null,"count":2},{"category":"backup","count":1},
                            {"category":"billing","count":1},{"category":"database","count":2}])"));
  EXPECT_EQ(report["trend"], Json::parse(R"([
      {"week":"2026-W14","category":null,"count":2},
      {"week":"2026-W14","category":"database","count":1},
      {"week":"2026-W15","category":"database","count":1},
      {"week":"2026-W16","category":"billing","count":1},
      {"week":"2026-W18","category":"backup","count":1}])"));

  // The CSV holds the same items, in the same order, with the same figures.
  HttpResult csv =
      HttpCall(harness_.http_port(), "GET", "/api/v1/sla/report?" + period + "&format=csv", "",
               harness_.admin_token());
  ASSERT_EQ(csv.status, 200);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < csv.body.size();) {
    const std::size_t end = csv.body.find("\r\n", start);
    lines.push_back(csv.body.substr(start, end - start));
    start = end + 2;
  }
  ASSERT_EQ(lines.size(), 7u) << csv.body;
  EXPECT_EQ(lines[0].rfind("type,id,kind,severity,category,opened_at,", 0), 0u) << lines[0];
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Json& item = items[i];
    std::string expected = item["type"].get<std::string>() + "," + item["id"].get<std::string>() +
                           "," + item["kind"].get<std::string>();
    EXPECT_EQ(lines[i + 1].rfind(expected, 0), 0u) << lines[i + 1];
  }
  EXPECT_THAT(lines[2], HasSubstr(",90000,2400,19800,402000,509400,true,true"));  // F1
  EXPECT_THAT(lines[6], HasSubstr(",43200,43200,118800,118800,false,"));          // C1

  // vigilctl prints the same report for people and as CSV.
  CommandResult table = harness_.Vigilctl({"sla", "report", "--customer", "acme", "--from",
                                           "2026-03-31T22:00:00Z", "--to", "2026-04-30T22:00:00Z"},
                                          harness_.admin_token());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr(f2));
  EXPECT_THAT(table.out, HasSubstr("Summary:"));
  CommandResult as_csv =
      harness_.Vigilctl({"-o", "csv", "sla", "report", "--customer", "acme", "--from",
                         "2026-03-31T22:00:00Z", "--to", "2026-04-30T22:00:00Z"},
                        harness_.admin_token());
  ASSERT_EQ(as_csv.exit_code, 0) << as_csv.err;
  EXPECT_EQ(as_csv.out, csv.body);
}

TEST_F(SlaTest, VigilctlRecordsAReportFromOpeningToClosing) {
  harness_.StartCollector(kSlaConfig);
  const std::string& token = harness_.admin_token();
  CommandResult created =
      harness_.Vigilctl({"-o", "json", "reports", "create", "--customer", "acme", "--title",
                         "VPN drops", "--severity", "high", "--channel", "phone", "--reporter",
                         "Bo", "--contact", "bo@acme.example"},
                        token);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = Json::parse(created.out)["id"];
  EXPECT_EQ(Json::parse(created.out)["sla"]["response_met"], nullptr);

  CommandResult assigned = harness_.Vigilctl(
      {"reports", "assign", id, "--team", "network", "--person", "ann", "--note", "on call"},
      token);
  ASSERT_EQ(assigned.exit_code, 0) << assigned.err;
  EXPECT_THAT(assigned.out, HasSubstr("assigned"));
  ASSERT_EQ(harness_.Vigilctl({"reports", "transition", id, "in_progress"}, token).exit_code, 0);
  ASSERT_EQ(
      harness_.Vigilctl({"reports", "note", id, "asked for the router logs"}, token).exit_code, 0);
  CommandResult refused = harness_.Vigilctl({"reports", "transition", id, "closed"}, token);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("409"));
  ASSERT_EQ(harness_
                .Vigilctl({"reports", "transition", id, "resolved", "--root-cause", "MTU",
                           "--resolution", "clamped MSS"},
                          token)
                .exit_code,
            0);
  ASSERT_EQ(harness_.Vigilctl({"reports", "transition", id, "closed"}, token).exit_code, 0);
  CommandResult shown = harness_.Vigilctl({"reports", "show", id}, token);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("History:"));
  EXPECT_THAT(shown.out, HasSubstr("asked for the router logs"));
  EXPECT_THAT(shown.out, HasSubstr("clamped MSS"));
  CommandResult listed = harness_.Vigilctl({"reports", "list", "--status", "closed"}, token);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(id));
  EXPECT_THAT(listed.out, HasSubstr("network"));
}

// Items opened long enough ago that one is past 80% of its response target and one past the
// whole of it, on the 24x7 calendar so that the test does not depend on today's hours.
TEST_F(SlaTest, AtRiskAndBreachEscalateOnceAcrossAKill9) {
  WebhookReceiver receiver;
  const std::string config = std::string(R"(sla:
  check_interval: 200ms
  policies:
    - customer: acme
      at_risk: 0.8
      targets:
        - {kind: fault, severity: high, response: 1h, resolution: 8h}
notifications:
  delivery: {timeout: 500ms, retry_initial: 100ms, retry_max: 400ms}
  receivers: [{name: desk, type: webhook, url: ")") +
                             receiver.url() + R"("}]
  route: {receiver: desk}
limits: {api_requests_per_second: 10000, api_request_burst: 10000}
)";
  harness_.StartCollector(config);
  const auto ago = [](int minutes) {
    const auto t = std::chrono::system_clock::now() - std::chrono::minutes(minutes);
    return FormatRfc3339(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  };
  const std::string at_risk =
      Report({{"customer", "acme"}, {"title", "slow"}, {"severity", "high"}, {"at", ago(50)}});
  const std::string breached =
      Report({{"customer", "acme"}, {"title", "down"}, {"severity", "high"}, {"at", ago(90)}});

  // Distinct notifications (by webhook-id) per item and event.
  const auto events = [&] {
    std::map<std::string, std::set<std::string>> seen;
    for (const WebhookReceiver::Request& request : receiver.accepted()) {
      const Json body = Json::parse(request.body, nullptr, false);
      if (!body.is_object()) continue;
      const auto id = request.headers.find("webhook-id");
      seen[body["incident"]["id"].get<std::string>() + " " + body["event"].get<std::string>()]
          .insert(id == request.headers.end() ? request.body : id->second);
    }
    return seen;
  };
  ASSERT_TRUE(WaitFor([&] { return events().size() == 2; }, seconds(20)))
      << harness_.collector().Stderr();
  ASSERT_EQ(harness_.StopCollector(SIGKILL), 128 + SIGKILL);
  harness_.StartCollector(config);
  // A third item breaching after the restart shows the watch has run again.
  const std::string later =
      Report({{"customer", "acme"}, {"title", "later"}, {"severity", "high"}, {"at", ago(61)}});
  ASSERT_TRUE(WaitFor([&] { return events().count(later + " sla_breached") == 1; }, seconds(20)))
      << harness_.collector().Stderr();

  const auto seen = events();
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.at(at_risk + " sla_at_risk").size(), 1u);
  EXPECT_EQ(seen.at(breached + " sla_breached").size(), 1u);
  EXPECT_EQ(seen.at(later + " sla_breached").size(), 1u);

  // Each is on the report's history once.
  const Json history = Call("GET", "/api/v1/fault-reports/" + breached)["history"];
  int notes = 0;
  for (const Json& entry : history) {
    if (entry["note"].get<std::string>().find("SLA response target breached") == 0) ++notes;
  }
  EXPECT_EQ(notes, 1) << history.dump(2);
  // And counted.
  EXPECT_TRUE(harness_.WaitForValue(
      "vigil_sla_breaches_total",
      {{"customer", "acme"}, {"kind", "fault"}, {"severity", "high"}, {"target", "response"}},
      [](double v) { return v == 2; }));
  EXPECT_TRUE(harness_.WaitForValue(
      "vigil_fault_reports_open",
      {{"customer", "acme"}, {"kind", "fault"}, {"severity", "high"}, {"status", "new"}},
      [](double v) { return v == 3; }));
}

}  // namespace
}  // namespace vigil::testing
