#include "collector/store/sqlite/engine.h"

#include <nlohmann/json.hpp>

namespace vigil::collector::sqlite_store {

Lease::~Lease() {
  if (statement_ == nullptr) return;
  statement_->Reset();
  if (in_use_ != nullptr) *in_use_ = false;
}

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path) {
  auto db = sqlite::Database::Open(path);
  if (!db) return db.error();
  if (Status migrated = (*db)->Migrate(Migrations()); !migrated) return migrated.error();
  return std::unique_ptr<Engine>(new Engine(std::move(*db)));
}

Result<Lease> Engine::Prepare(std::string_view sql) {
  auto found = prepared_.find(std::string(sql));
  if (found == prepared_.end()) {
    auto statement = db_->Prepare(sql);
    if (!statement) return statement.error();
    found = prepared_.emplace(std::string(sql), Cached{std::move(*statement), false}).first;
  }
  Cached& cached = found->second;
  if (cached.in_use) {
    // The same statement again while it is lent (a nested use): a statement of its own.
    auto statement = db_->Prepare(sql);
    if (!statement) return statement.error();
    return Lease(std::move(*statement));
  }
  cached.in_use = true;
  return Lease(&cached.statement, &cached.in_use);
}

std::optional<std::int64_t> OptionalInt(const sqlite::Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Int(column);
}

std::optional<std::string> OptionalText(const sqlite::Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Text(column);
}

std::string PairsToJson(const StringPairs& pairs) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : pairs) object[name] = value;
  return object.dump();
}

StringPairs PairsFromJson(const std::string& text) {
  StringPairs out;
  nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return out;
  for (auto& [name, value] : object.items()) {
    if (value.is_string()) out.emplace_back(name, value.get<std::string>());
  }
  return out;
}

}  // namespace vigil::collector::sqlite_store
