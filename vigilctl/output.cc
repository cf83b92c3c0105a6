#include "vigilctl/output.h"

#include <ctime>

#include "common/csv.h"
#include "common/time_format.h"

namespace vigil::ctl {
namespace {

std::string Cell(const Column& column, const nlohmann::json& row, bool local_times) {
  std::string text = column.cell(row);
  if (local_times && column.is_time) text = LocalTime(text);
  return text;
}

}  // namespace

std::string Scalar(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_object()) {
    std::string out;
    for (const auto& [name, item] : value.items()) {
      out += (out.empty() ? "" : ",") + name + "=" + Scalar(item);
    }
    return out.empty() ? "-" : out;
  }
  return value.dump();
}

Column Field(std::string header, std::string field, bool is_time) {
  return {std::move(header),
          [field = std::move(field)](const nlohmann::json& row) {
            auto it = row.find(field);
            return it == row.end() ? std::string("-") : Scalar(*it);
          },
          is_time};
}

std::string LocalTime(const std::string& rfc3339) {
  auto parsed = ParseRfc3339(rfc3339);
  if (!parsed) return rfc3339;
  const std::time_t seconds = static_cast<std::time_t>(*parsed / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

std::string RenderTable(const std::vector<Column>& columns,
                        const std::vector<nlohmann::json>& rows) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  for (const Column& column : columns) widths.push_back(column.header.size());
  for (const nlohmann::json& row : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      line.push_back(Cell(columns[i], row, /*local_times=*/true));
      widths[i] = std::max(widths[i], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  std::string out;
  const auto append = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(widths[i] - line[i].size() + 2, ' ');
    }
    out += text + "\n";
  };
  std::vector<std::string> headers;
  for (const Column& column : columns) headers.push_back(column.header);
  append(headers);
  for (const auto& line : cells) append(line);
  return out;
}

std::string RenderCsv(const std::vector<Column>& columns, const std::vector<nlohmann::json>& rows) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    out += (i > 0 ? "," : "") + CsvCell(columns[i].header);
  }
  out += "\r\n";
  for (const nlohmann::json& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += (i > 0 ? "," : "") + CsvCell(Cell(columns[i], row, /*local_times=*/false));
    }
    out += "\r\n";
  }
  return out;
}

std::string RenderFields(const std::vector<Column>& columns, const nlohmann::json& object) {
  std::size_t width = 0;
  for (const Column& column : columns) width = std::max(width, column.header.size());
  std::string out;
  for (const Column& column : columns) {
    out += column.header + ":" + std::string(width - column.header.size() + 1, ' ') +
           Cell(column, object, /*local_times=*/true) + "\n";
  }
  return out;
}

}  // namespace vigil::ctl
