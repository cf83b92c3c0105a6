#include "alerting/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::alerting {
namespace {

TEST(Template, RendersLabelsAndTheValue) {
  auto parsed = Template::Parse("load {{ $value }} on {{$labels.agent}} ({{ $labels.missing }})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Render({{"agent", "web-01"}}, 4.25), "load 4.25 on web-01 ()");
}

TEST(Template, HumanizesWithSiPrefixes) {
  auto parsed = Template::Parse("{{ humanize $value }}B free");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Render({}, 1536000), "1.536MB free");
  EXPECT_EQ(HumanizeValue(0.012), "12m");
  EXPECT_EQ(HumanizeValue(999), "999");
}

TEST(Template, RefusesUnknownFieldsAndUnclosedBracesWithTheirOffset) {
  std::size_t offset = 0;
  auto unknown = Template::Parse("x {{ .Lables.agent }}", &offset);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message,
              ::testing::HasSubstr("the data has no field \"Lables\" (it has .Labels, .Value, "
                                   ".ExternalLabels and .ExternalURL) (at offset 5)"));
  EXPECT_EQ(offset, 5u);
  EXPECT_FALSE(Template::Parse("x {{ $value").ok());
}

}  // namespace
}  // namespace vigil::alerting

namespace vigil::alerting {
namespace {

// The functions Prometheus users put in annotations, in both spellings.
TEST(Template, RendersPrometheussValueAndTextFunctions) {
  const auto render = [](std::string_view text, double value) {
    auto parsed = Template::Parse(text);
    if (!parsed) return "error: " + parsed.error().message;
    return parsed->Render({{"job", "node exporter"}}, value);
  };
  EXPECT_EQ(render("{{ printf \"%.2f\" $value }}%", 91.2345), "91.23%");
  EXPECT_EQ(render("{{ $value | printf \"%.1f\" }}", 2.25), "2.2");
  EXPECT_EQ(render("{{ printf \"%d\" $value }} procs", 12.0), "12 procs");
  EXPECT_EQ(render("{{ humanizePercentage $value }}", 0.1234), "12.34%");
  EXPECT_EQ(render("{{ $value | humanizePercentage }}", 0.5), "50%");
  EXPECT_EQ(render("{{ humanize1024 $value }}B", 1536), "1.5kiB");
  EXPECT_EQ(render("{{ humanize1024 $value }}", 0.5), "0.5");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 93784), "1d 2h 3m 4s");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 61), "1m 1s");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 1.5), "1.5s");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 0.25), "250ms");
  EXPECT_EQ(render("{{ $labels.job | toUpper }}", 0), "NODE EXPORTER");
  EXPECT_EQ(render("{{ title $labels.job }}", 0), "Node Exporter");
  EXPECT_EQ(render("{{ $value | humanize | toUpper }}", 1500), "1.5K");
}

TEST(Template, RefusesAtLoadWhatCannotWork) {
  const std::pair<const char*, const char*> cases[] = {
      {"{{ frobnicate $value }}", "unknown function \"frobnicate\""},
      {"{{ query \"up\" | first | value }}", "unknown function \"query\""},
      {"{{ $value | }}", "an empty command"},
      {"{{ printf }}", "printf takes 1 or more arguments, not 0"},
      {"{{ humanize $value $value }}", "humanize takes 1 arguments, not 2"},
      {"{{ if $value }}x", "{{ if }} is not closed by {{ end }}"},
      {"x{{ end }}", "{{ end }} without a block to close"},
      {"{{ $nope }}", "undefined variable \"$nope\""},
      {"{{ range $k, $v := $labels }}{{ end }}{{ $k }}", "undefined variable \"$k\""},
      {"{{ reReplaceAll \"(\" \"x\" $labels.job }}", "invalid regular expression"},
      {"{{ $value.x }}", "$value has no fields"},
      {"{{ template \"x\" }}", "not available in alert templates"},
      {"{{ \"unclosed }}", "the string is not closed"},
      {"{{ $value $value }}", "\"$value\" is not a function"},
      {"{{ else }}", "{{ else }} without a block to close"},
  };
  for (const auto& [text, message] : cases) {
    auto parsed = Template::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_THAT(parsed.error().message, ::testing::HasSubstr(message)) << text;
  }
}

}  // namespace
}  // namespace vigil::alerting

namespace vigil::alerting {
namespace {

std::string Render(std::string_view text, const Labels& labels, double value,
                   std::shared_ptr<const TemplateGlobals> globals = nullptr) {
  auto parsed = Template::Parse(text, nullptr, std::move(globals));
  if (!parsed) return "parse error: " + parsed.error().message;
  return parsed->Render(labels, value);
}

// Go text/template's actions, as the community's alert rules use them.
TEST(Template, ControlFlowAsGoRunsIt) {
  const Labels labels = {{"instance", "web-01:9100"}, {"job", "node"}, {"mountpoint", "/var"}};
  EXPECT_EQ(Render("{{ if gt $value 90.0 }}critical{{ else if gt $value 80.0 }}high{{ else }}ok"
                   "{{ end }}",
                   labels, 85),
            "high");
  EXPECT_EQ(Render("{{ if and (gt $value 1.0) (eq $labels.job \"node\") }}yes{{ end }}", labels, 2),
            "yes");
  EXPECT_EQ(Render("{{ if not (or (eq $labels.job \"db\") (lt $value 0.0)) }}neither{{ end }}",
                   labels, 2),
            "neither");
  EXPECT_EQ(Render("{{ with $labels.mountpoint }}on {{ . }}{{ else }}nowhere{{ end }}", labels, 0),
            "on /var");
  EXPECT_EQ(Render("{{ with $labels.device }}on {{ . }}{{ else }}nowhere{{ end }}", labels, 0),
            "nowhere");
  EXPECT_EQ(Render("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", labels, 0),
            "instance=web-01:9100;job=node;mountpoint=/var;");
  EXPECT_EQ(Render("{{ range .Labels }}[{{ . }}]{{ end }}", labels, 0),
            "[web-01:9100][node][/var]");
  EXPECT_EQ(Render("{{ range $labels }}x{{ else }}empty{{ end }}", {}, 0), "empty");
  EXPECT_EQ(Render("{{ $used := printf \"%.1f\" $value }}used {{ $used }}%", labels, 91.26),
            "used 91.3%");
  EXPECT_EQ(Render("{{/* a comment */}}a  {{- \" b \" -}}  c", labels, 0), "a b c");
  EXPECT_EQ(Render("{{ .Labels.job }} {{ .Value }} {{ $.Labels.job }}", labels, 3), "node 3 node");
  EXPECT_EQ(Render("{{ len $labels }} {{ index $labels \"job\" }}", labels, 0), "3 node");
}

TEST(Template, PrometheussFunctions) {
  const Labels labels = {{"device", "/dev/sda1"}, {"instance", "web-01.example.com:9100"}};
  EXPECT_EQ(Render("{{ reReplaceAll \"^/dev/(.*)$\" \"$1\" $labels.device }}", labels, 0), "sda1");
  EXPECT_EQ(Render("{{ $labels.instance | reReplaceAll \":[0-9]+$\" \"\" }}", labels, 0),
            "web-01.example.com");
  EXPECT_EQ(Render("{{ reReplaceAll \"(?P<n>[a-z]+)\" \"<${n}>\" \"ab cd\" }}", labels, 0),
            "<ab> <cd>");
  EXPECT_EQ(Render("{{ if match \"^/dev/sd\" $labels.device }}disk{{ end }}", labels, 0), "disk");
  EXPECT_EQ(Render("{{ stripPort $labels.instance }}", labels, 0), "web-01.example.com");
  EXPECT_EQ(Render("{{ stripDomain $labels.instance }}", labels, 0), "web-01:9100");
  EXPECT_EQ(
      Render("{{ printf \"%s is %.0f%% full (%d)\" $labels.device $value $value }}", labels, 91.6),
      "/dev/sda1 is 92% full (92)");
  EXPECT_EQ(Render("{{ printf \"%q\" $labels.device }}", labels, 0), "\"/dev/sda1\"");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", labels, 1796601600.5),
            "2026-12-07 00:00:00.5 +0000 UTC");
  EXPECT_EQ(Render("{{ \"1536\" | humanize1024 }}", labels, 0), "1.5ki");
  auto globals = std::make_shared<TemplateGlobals>();
  globals->external_labels = {{"region", "eu"}};
  globals->external_url = "https://vigil.example.com";
  EXPECT_EQ(Render("{{ $externalLabels.region }} {{ $externalURL }} {{ .ExternalLabels.region }}",
                   labels, 0, globals),
            "eu https://vigil.example.com eu");
}

TEST(Template, WhatOnlyRenderingFindsIsShownAsPrometheusShowsIt) {
  EXPECT_EQ(Render("{{ humanize $labels.job }}", {{"job", "node exporter"}}, 0),
            "<error expanding template: humanize: \"node exporter\" is not a number>");
  EXPECT_THAT(Render("{{ if gt $labels.job 3.0 }}x{{ end }}", {{"job", "node"}}, 0),
              ::testing::HasSubstr("<error expanding template: gt: cannot compare node with 3"));
  EXPECT_EQ(Render("{{ printf \"%d\" $labels.job }}", {{"job", "node"}}, 0), "%!d(string=node)");
  // Ranges nested in ranges cannot make a page of gigabytes.
  Labels many;
  for (int i = 0; i < 30; ++i) many.push_back({"l" + std::to_string(100 + i), "v"});
  EXPECT_THAT(Render("{{ range $labels }}{{ range $labels }}{{ range $labels }}{{ range $labels }}"
                     "{{ $labels }}{{ end }}{{ end }}{{ end }}{{ end }}",
                     many, 0),
              ::testing::HasSubstr("<error expanding template: the text would be longer than"));
}

}  // namespace
}  // namespace vigil::alerting
