#pragma once
// Runs the configured service probes, each on its own schedule on the agent's io_context, keeps
// each one's latest result as vigil_probe_* families, and reports every change between passing and
// failing as an event at once (so it need not wait for the next health interval).
//
// Families: vigil_probe_success{probe,type}, vigil_probe_duration_seconds{probe,type}, and the
// probe's own (vigil_probe_http_status_code, vigil_probe_tls_cert_expiry_timestamp_seconds,
// vigil_probe_process_count, vigil_probe_process_restarts_total).
//
// Threading: everything on the executor's one thread.

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "common/result.h"
#include "config/agent_config.h"

namespace vigil::agent {

class Prober {
 public:
  // Called with a "probe_failed" or "probe_recovered" event when a probe changes state (a probe
  // failing on its first run counts as a change).
  using OnChange = std::function<void(wire::Event)>;

  // Errors name the probe whose settings cannot be used (an unreadable CA file, say).
  static Result<std::unique_ptr<Prober>> Create(
      boost::asio::any_io_executor executor, const std::vector<config::AgentConfig::Probe>& probes,
      std::string root, OnChange on_change);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  void Start();
  // Stops scheduling; a run in progress ends within its timeout.
  void Stop();

  bool empty() const;
  // True once every probe has finished at least one run.
  bool AllRan() const;
  // The latest result of every probe that has run.
  std::vector<wire::MetricFamily> Families() const;

 private:
  class Impl;
  explicit Prober(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace vigil::agent
