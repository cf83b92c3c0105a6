#pragma once
// Annotation templates as Prometheus writes them: Go's text/template with Prometheus's data and
// functions. The data: $labels (and .Labels), $value (.Value), $externalLabels (.ExternalLabels),
// $externalURL (.ExternalURL). The actions: text, {{ pipeline }}, {{ $x := pipeline }},
// if / else if / else, with, range (over labels, with $k, $v := or without), comments, and the
// trim markers {{- and -}}. The functions: Go's and, or, not, eq, ne, lt, le, gt, ge, len,
// index, print, printf; Prometheus's humanize, humanize1024, humanizePercentage,
// humanizeDuration, humanizeTimestamp, toUpper, toLower, title, reReplaceAll, match, stripPort,
// stripDomain, safeHtml. Those that query the database (query, first, label, value, ...) are not
// available: an alert's template sees its own labels and value.
//
// Parse checks everything it can (syntax, functions and how many arguments they take, variables,
// regular expressions written as literals) when rules load, so a mistake is a configuration error
// with its position instead of a garbled page at 3 a.m. What only shows when rendering (comparing
// a number with a text, say) renders as "<error expanding template: ...>", as in Prometheus.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/labels.h"
#include "common/result.h"

namespace vigil::alerting {

namespace template_syntax {
struct Node;
}

// What every template of a collector sees besides its alert.
struct TemplateGlobals {
  Labels external_labels;
  std::string external_url;
};

class Template {
 public:
  // The error names what is wrong and its byte offset in `text`, which `error_offset` (when not
  // null) receives too.
  static Result<Template> Parse(std::string_view text, std::size_t* error_offset = nullptr,
                                std::shared_ptr<const TemplateGlobals> globals = nullptr);

  std::string Render(const Labels& labels, double value) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::shared_ptr<const std::vector<template_syntax::Node>> nodes_;
  std::shared_ptr<const TemplateGlobals> globals_;
};

// How {{ $value }} prints a number: the shortest text that reads back exactly.
std::string FormatValue(double value);
// Prometheus's humanize: SI prefixes and four significant digits ("1.5k", "2.34M", "12m").
std::string HumanizeValue(double value);
// Prometheus's humanize1024 ("1.5Ki", "2Gi"), humanizePercentage (0.123 → "12.3%") and
// humanizeDuration (seconds: "1d 2h 3m 4s", "1.5s", "250ms").
std::string Humanize1024(double value);
std::string HumanizePercentage(double value);
std::string HumanizeDuration(double value);

}  // namespace vigil::alerting
