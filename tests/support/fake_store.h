#pragma once
// An in-memory Store for service tests: each interface of collector/store/store.h kept in plain
// containers, with the contract the SQLite engine keeps (orders, pages, "not_found", writes that
// span two stores). It outlives the services under test, so a "restart" is a new service on the
// same FakeStore. Thread-safe (one lock, as the SQLite engine has one connection).
//
// FailNextWrites(n) makes the next n writes fail with "unavailable", for degraded-mode tests.

#include <memory>
#include <mutex>

#include "collector/store/store.h"

namespace vigil::testing {

class FakeStore final : public collector::Store {
 public:
  FakeStore();
  ~FakeStore() override;
  FakeStore(const FakeStore&) = delete;
  FakeStore& operator=(const FakeStore&) = delete;

  collector::TokenStore& tokens() override;
  collector::AgentStore& agents() override;
  collector::IncidentStore& incidents() override;
  collector::FaultReportStore& fault_reports() override;
  collector::SlaEventStore& sla_events() override;
  collector::FindingStore& findings() override;
  collector::SilenceStore& silences() override;
  collector::OutboxStore& outbox() override;
  collector::RuleStateStore& rule_states() override;

  void FailNextWrites(int count);

  struct Data;   // fake_store.cc
  struct Parts;  // fake_store.cc: one object per interface

 private:
  std::unique_ptr<Data> data_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace vigil::testing
