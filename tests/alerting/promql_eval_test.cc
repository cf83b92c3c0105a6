#include "alerting/promql/evaluator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "alerting/promql/parser.h"

namespace vigil::alerting::promql {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kSecond = 1000;

class PromqlEvalTest : public ::testing::Test {
 protected:
  // Points of one series: (seconds, value).
  void Series(const Labels& labels, std::initializer_list<std::pair<double, double>> points) {
    for (const auto& [seconds, value] : points) {
      source_.Add(labels, {static_cast<std::int64_t>(seconds * kSecond), value});
    }
  }

  Result<Value> Eval(std::string_view text, double at_seconds) {
    auto parsed = Parse(text);
    if (auto* error = std::get_if<ParseError>(&parsed)) {
      ADD_FAILURE() << text << ": " << error->message;
      return MakeError(ErrorCode::kInvalidArgument, error->message);
    }
    return Evaluate(*std::get<NodePtr>(parsed), source_,
                    static_cast<std::int64_t>(at_seconds * kSecond));
  }

  // The vector `text` gives, as "labels value" lines sorted.
  std::vector<std::string> Rows(std::string_view text, double at_seconds) {
    auto value = Eval(text, at_seconds);
    if (!value) return {"error: " + value.error().message};
    std::vector<std::string> rows;
    if (auto* scalar = std::get_if<double>(&*value)) return {"scalar " + std::to_string(*scalar)};
    for (const Sample& sample : std::get<Vector>(*value)) {
      std::string row = "{";
      for (const Label& label : sample.labels) {
        if (row.size() > 1) row += ",";
        row += label.name + "=" + label.value;
      }
      char number[64];
      std::snprintf(number, sizeof number, "%g", sample.value);
      rows.push_back(row + "} " + number);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  double One(std::string_view text, double at_seconds) {
    auto value = Eval(text, at_seconds);
    if (!value) {
      ADD_FAILURE() << text << ": " << value.error().message;
      return NAN;
    }
    if (auto* scalar = std::get_if<double>(&*value)) return *scalar;
    const Vector& vector = std::get<Vector>(*value);
    if (vector.size() != 1) {
      ADD_FAILURE() << text << " gave " << vector.size() << " samples";
      return NAN;
    }
    return vector[0].value;
  }

  MemorySeriesSource source_;
};

Labels L(std::initializer_list<Label> labels) { return Normalized(labels); }

TEST_F(PromqlEvalTest, RateAndIncreaseOfASteadyCounterAreExact) {
  for (int t = 0; t <= 600; t += 15) {
    source_.Add(L({{"__name__", "requests_total"}}), {t * kSecond, static_cast<double>(t)});
  }
  EXPECT_DOUBLE_EQ(One("rate(requests_total[5m])", 600), 1);
  EXPECT_DOUBLE_EQ(One("increase(requests_total[5m])", 600), 300);
  EXPECT_DOUBLE_EQ(One("irate(requests_total[5m])", 600), 1);
  EXPECT_DOUBLE_EQ(One("rate(requests_total[5m] offset 1m)", 600), 1);
  EXPECT_DOUBLE_EQ(One("deriv(requests_total[5m])", 600), 1);
}

TEST_F(PromqlEvalTest, ACounterResetCountsTheValueBeforeIt) {
  Series(L({{"__name__", "c"}}), {{0, 0}, {10, 10}, {20, 20}, {30, 5}, {40, 15}});
  EXPECT_DOUBLE_EQ(One("increase(c[40s])", 40), 35);
  EXPECT_DOUBLE_EQ(One("rate(c[40s])", 40), 35.0 / 40);
  EXPECT_DOUBLE_EQ(One("resets(c[40s])", 40), 1);
  EXPECT_DOUBLE_EQ(One("changes(c[40s])", 40), 4);
  EXPECT_DOUBLE_EQ(One("delta(c[40s])", 40), 15);  // a gauge's delta has no correction
}

TEST_F(PromqlEvalTest, IncreaseExtrapolatesToTheRangesEdgesButNotBelowZero) {
  Series(L({{"__name__", "c"}}), {{10, 10}, {20, 20}, {30, 30}});
  // 20 over 20s sampled, 10s missing at each end (below 1.1 intervals): extrapolated to 40s.
  EXPECT_DOUBLE_EQ(One("increase(c[40s])", 40), 40);
  EXPECT_DOUBLE_EQ(One("delta(c[40s])", 40), 40);
  // Counting back from 10 at 1/s reaches zero exactly at the range's start: no further.
  Series(L({{"__name__", "d"}}), {{10, 5}, {20, 15}, {30, 25}});
  EXPECT_DOUBLE_EQ(One("increase(d[40s])", 40), 20 * (20 + 5 + 10) / 20.0);
  EXPECT_TRUE(Rows("rate(c[5s])", 40).empty());  // one point or none: no rate
}

TEST_F(PromqlEvalTest, AnInstantSelectorLooksBackFiveMinutes) {
  Series(L({{"__name__", "up"}, {"instance", "fresh"}}), {{0, 1}, {100, 1}});
  Series(L({{"__name__", "up"}, {"instance", "stale"}}), {{0, 0}});
  EXPECT_THAT(Rows("up", 390), ::testing::ElementsAre("{__name__=up,instance=fresh} 1"));
  EXPECT_THAT(Rows("up", 300), ::testing::SizeIs(2));  // 300s back is still inside
  EXPECT_DOUBLE_EQ(One("timestamp(up{instance=\"fresh\"})", 390), 100);
}

TEST_F(PromqlEvalTest, GroupLeftJoinsTheInfoSeriesLabels) {
  Series(L({{"__name__", "mem_avail"}, {"instance", "a"}}), {{0, 5}});
  Series(L({{"__name__", "mem_total"}, {"instance", "a"}}), {{0, 100}});
  Series(L({{"__name__", "uname_info"}, {"instance", "a"}, {"nodename", "web-01"}}), {{0, 1}});
  EXPECT_THAT(Rows("mem_avail / mem_total * on(instance) group_left(nodename) uname_info < 0.1", 0),
              ::testing::ElementsAre("{instance=a,nodename=web-01} 0.05"));
  Series(L({{"__name__", "cpu"}, {"instance", "a"}, {"mode", "idle"}}), {{0, 1}});
  Series(L({{"__name__", "cpu"}, {"instance", "a"}, {"mode", "user"}}), {{0, 2}});
  EXPECT_THAT(Rows("cpu * on(instance) mem_total", 0)[0],
              HasSubstr("many-to-one matching must be explicit"));
  EXPECT_THAT(Rows("cpu * on(instance) group_left mem_total", 0),
              ::testing::ElementsAre("{instance=a,mode=idle} 100", "{instance=a,mode=user} 200"));
  EXPECT_THAT(Rows("mem_total * on(instance) group_right cpu", 0), ::testing::SizeIs(2));
  EXPECT_THAT(Rows("mem_total + on(instance) cpu", 0)[0], HasSubstr("duplicate series"));
}

TEST_F(PromqlEvalTest, ComparisonsFilterOrWithBoolAnswerOneOrZero) {
  Series(L({{"__name__", "load"}, {"host", "a"}}), {{0, 3}});
  Series(L({{"__name__", "load"}, {"host", "b"}}), {{0, 1}});
  EXPECT_THAT(Rows("load > 2", 0), ::testing::ElementsAre("{__name__=load,host=a} 3"));
  EXPECT_THAT(Rows("2 < load", 0), ::testing::ElementsAre("{__name__=load,host=a} 3"));
  EXPECT_THAT(Rows("load > bool 2", 0), ::testing::ElementsAre("{host=a} 1", "{host=b} 0"));
  EXPECT_THAT(Rows("load * 2", 0), ::testing::ElementsAre("{host=a} 6", "{host=b} 2"));
  EXPECT_THAT(Rows("-load", 0), ::testing::ElementsAre("{host=a} -3", "{host=b} -1"));
  EXPECT_DOUBLE_EQ(One("2 ^ 3 ^ 2", 0), 512);
  EXPECT_DOUBLE_EQ(One("1 > bool 2", 0), 0);
}

TEST_F(PromqlEvalTest, SetOperatorsMatchOnLabels) {
  Series(L({{"__name__", "up"}, {"host", "a"}}), {{0, 1}});
  Series(L({{"__name__", "up"}, {"host", "b"}}), {{0, 0}});
  Series(L({{"__name__", "maintenance"}, {"host", "b"}}), {{0, 1}});
  EXPECT_THAT(Rows("up == 0 unless maintenance", 0), ::testing::IsEmpty());
  EXPECT_THAT(Rows("up and maintenance", 0), ::testing::ElementsAre("{__name__=up,host=b} 0"));
  EXPECT_THAT(Rows("maintenance or up", 0), ::testing::SizeIs(2));
  EXPECT_THAT(Rows("up unless on() maintenance", 0), ::testing::IsEmpty());
}

TEST_F(PromqlEvalTest, AggregationsGroupByAndWithout) {
  Series(L({{"__name__", "idle"}, {"cpu", "0"}, {"instance", "a"}}), {{0, 0.2}});
  Series(L({{"__name__", "idle"}, {"cpu", "1"}, {"instance", "a"}}), {{0, 0.4}});
  Series(L({{"__name__", "idle"}, {"cpu", "0"}, {"instance", "b"}}), {{0, 0.9}});
  EXPECT_THAT(Rows("1 - avg by (instance) (idle)", 0),
              ::testing::ElementsAre("{instance=a} 0.7", "{instance=b} 0.1"));
  EXPECT_THAT(Rows("sum without (cpu) (idle)", 0),
              ::testing::ElementsAre("{instance=a} 0.6", "{instance=b} 0.9"));
  EXPECT_THAT(Rows("count(idle)", 0), ::testing::ElementsAre("{} 3"));
  EXPECT_THAT(Rows("max(idle) by (cpu)", 0), ::testing::ElementsAre("{cpu=0} 0.9", "{cpu=1} 0.4"));
  EXPECT_THAT(Rows("topk(1, idle)", 0),
              ::testing::ElementsAre("{__name__=idle,cpu=0,instance=b} 0.9"));
  EXPECT_THAT(Rows("count_values(\"share\", idle)", 0), ::testing::SizeIs(3));
  EXPECT_DOUBLE_EQ(One("quantile(0.5, idle)", 0), 0.4);
  EXPECT_NEAR(One("stddev(idle)", 0), std::sqrt(((0.3 * 0.3) + (0.1 * 0.1) + (0.4 * 0.4)) / 3),
              1e-12);
  EXPECT_DOUBLE_EQ(One("group(idle)", 0), 1);
}

TEST_F(PromqlEvalTest, FunctionsAlertRulesUse) {
  for (int t = 0; t <= 3600; t += 60) {
    source_.Add(L({{"__name__", "free"}}), {t * kSecond, 1000.0 - t});
  }
  EXPECT_NEAR(One("predict_linear(free[1h], 600)", 3600), 1000 - 3600 - 600, 1e-6);
  EXPECT_DOUBLE_EQ(One("avg_over_time(free[2m])", 3600), (-2480.0 - 2540 - 2600) / 3);
  EXPECT_DOUBLE_EQ(One("min_over_time(free[2m])", 3600), -2600);
  EXPECT_DOUBLE_EQ(One("quantile_over_time(0.5, free[2m])", 3600), -2540);
  EXPECT_DOUBLE_EQ(One("last_over_time(free[2m])", 3600), -2600);
  EXPECT_DOUBLE_EQ(One("abs(free)", 3600), 2600);
  EXPECT_DOUBLE_EQ(One("clamp(free, -10, 10)", 3600), -10);
  EXPECT_DOUBLE_EQ(One("round(vector(2.46), 0.1)", 0), 2.5);
  EXPECT_DOUBLE_EQ(One("scalar(free) + time()", 3600), -2600 + 3600);
  EXPECT_DOUBLE_EQ(One("hour(vector(7200 + 59))", 0), 2);
  EXPECT_DOUBLE_EQ(One("days_in_month(vector(1709251200))", 0), 31);  // 2024-03-01
  EXPECT_DOUBLE_EQ(One("day_of_week()", 0), 4);                       // 1970-01-01, a Thursday
  EXPECT_THAT(Rows("absent(nothing{job=\"x\", env=~\"p.*\"})", 0),
              ::testing::ElementsAre("{job=x} 1"));
  EXPECT_THAT(Rows("absent(free)", 3600), ::testing::IsEmpty());
  EXPECT_THAT(Rows("absent_over_time(nothing[5m])", 0), ::testing::ElementsAre("{} 1"));
}

TEST_F(PromqlEvalTest, LabelFunctionsRewriteLabels) {
  Series(L({{"__name__", "up"}, {"instance", "web-01:9100"}}), {{0, 1}});
  EXPECT_THAT(Rows(R"(label_replace(up, "host", "$1", "instance", "(.*):\\d+"))", 0),
              ::testing::ElementsAre("{__name__=up,host=web-01,instance=web-01:9100} 1"));
  EXPECT_THAT(Rows(R"(label_replace(up, "host", "${1}x", "instance", "nomatch"))", 0),
              ::testing::ElementsAre("{__name__=up,instance=web-01:9100} 1"));
  EXPECT_THAT(Rows(R"(label_join(up, "both", "/", "__name__", "instance"))", 0),
              ::testing::ElementsAre("{__name__=up,both=up/web-01:9100,instance=web-01:9100} 1"));
  EXPECT_THAT(Rows(R"(label_replace(up, "1bad", "", "instance", ""))", 0)[0],
              HasSubstr("invalid destination label name"));
}

TEST_F(PromqlEvalTest, HistogramQuantileInterpolatesInsideTheBucket) {
  Series(L({{"__name__", "h_bucket"}, {"le", "0.1"}}), {{0, 10}});
  Series(L({{"__name__", "h_bucket"}, {"le", "0.5"}}), {{0, 20}});
  Series(L({{"__name__", "h_bucket"}, {"le", "+Inf"}}), {{0, 20}});
  EXPECT_DOUBLE_EQ(One("histogram_quantile(0.5, h_bucket)", 0), 0.1);
  EXPECT_DOUBLE_EQ(One("histogram_quantile(0.75, h_bucket)", 0), 0.3);
  EXPECT_DOUBLE_EQ(One("histogram_quantile(1, h_bucket)", 0), 0.5);
}

TEST_F(PromqlEvalTest, DroppingTheNameMustNotMakeTwoSeriesOne) {
  Series(L({{"__name__", "a_total"}, {"job", "x"}}), {{0, 0}, {10, 10}});
  Series(L({{"__name__", "b_total"}, {"job", "x"}}), {{0, 0}, {10, 10}});
  EXPECT_THAT(Rows("rate({job=\"x\"}[1m])", 10)[0], HasSubstr("same labelset"));
  EXPECT_THAT(Rows("{job=\"x\"} > 1", 10), ::testing::SizeIs(2));  // a filter keeps names
}

}  // namespace
}  // namespace vigil::alerting::promql
