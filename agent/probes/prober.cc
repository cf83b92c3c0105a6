#include "agent/probes/prober.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>

#include "agent/probes/http_probe.h"
#include "agent/probes/process_probe.h"
#include "agent/probes/tcp_probe.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metric_builder.h"

namespace vigil::agent {

namespace asio = boost::asio;
using Probe = config::AgentConfig::Probe;

namespace {

const char* TypeName(Probe::Type type) {
  switch (type) {
    case Probe::Type::kHttp: return "http";
    case Probe::Type::kTcp: return "tcp";
    case Probe::Type::kProcess: return "process";
  }
  return "unknown";
}

}  // namespace

class Prober::Impl : public std::enable_shared_from_this<Prober::Impl> {
 public:
  struct Slot {
    Probe probe;
    std::unique_ptr<HttpProbe> http;
    std::unique_ptr<ProcessProbe> process;
    std::unique_ptr<asio::steady_timer> timer;
    std::optional<ProbeResult> last;
  };

  Impl(asio::any_io_executor executor, OnChange on_change)
      : executor_(std::move(executor)), on_change_(std::move(on_change)) {}

  Status Add(const Probe& probe, const std::string& root) {
    Slot slot;
    slot.probe = probe;
    slot.timer = std::make_unique<asio::steady_timer>(executor_);
    if (probe.type == Probe::Type::kHttp) {
      auto http = HttpProbe::Create(probe);
      if (!http)
        return MakeError(ErrorCode::kIoError, "probe " + probe.name + ": " + http.error().message);
      slot.http = std::move(*http);
    } else if (probe.type == Probe::Type::kProcess) {
      slot.process = std::make_unique<ProcessProbe>(probe, root);
    }
    slots_.push_back(std::move(slot));
    return OkStatus();
  }

  void Start() {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      asio::co_spawn(executor_, Loop(shared_from_this(), i), asio::detached);
    }
  }

  void Stop() {
    stopping_ = true;
    for (Slot& slot : slots_) slot.timer->cancel();
  }

  bool empty() const { return slots_.empty(); }

  bool AllRan() const {
    return std::all_of(slots_.begin(), slots_.end(), [](const Slot& slot) { return slot.last; });
  }

  std::vector<wire::MetricFamily> Families() const {
    auto success =
        MakeFamily("vigil_probe_success", "Whether the probe's last run passed (1) or failed (0).",
                   wire::METRIC_TYPE_GAUGE);
    auto duration = MakeFamily("vigil_probe_duration_seconds",
                               "How long the probe's last run took.", wire::METRIC_TYPE_GAUGE);
    std::vector<wire::MetricFamily> specific;
    for (const Slot& slot : slots_) {
      if (!slot.last) continue;
      const LabelPairs labels = {{"probe", slot.probe.name}, {"type", TypeName(slot.probe.type)}};
      AddSeries(success, slot.last->success ? 1 : 0, labels);
      AddSeries(duration, slot.last->duration_seconds, labels);
      for (const ProbeGauge& gauge : slot.last->gauges) {
        auto it = std::find_if(specific.begin(), specific.end(),
                               [&](const wire::MetricFamily& f) { return f.name() == gauge.name; });
        if (it == specific.end()) {
          specific.push_back(
              MakeFamily(gauge.name, gauge.help,
                         gauge.counter ? wire::METRIC_TYPE_COUNTER : wire::METRIC_TYPE_GAUGE));
          it = std::prev(specific.end());
        }
        AddSeries(*it, gauge.value, labels);
      }
    }
    std::vector<wire::MetricFamily> out;
    if (success.series_size() > 0) {
      out.push_back(std::move(success));
      out.push_back(std::move(duration));
    }
    for (auto& family : specific) out.push_back(std::move(family));
    return out;
  }

 private:
  static asio::awaitable<void> Loop(std::shared_ptr<Impl> self, std::size_t index) {
    while (!self->stopping_) {
      const auto started = std::chrono::steady_clock::now();
      ProbeResult result = co_await self->RunOnce(index);
      if (self->stopping_) break;
      self->Record(index, std::move(result));
      Slot& slot = self->slots_[index];
      slot.timer->expires_at(started + slot.probe.interval);
      boost::system::error_code ec;
      co_await slot.timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::awaitable<ProbeResult> RunOnce(std::size_t index) {
    Slot& slot = slots_[index];
    switch (slot.probe.type) {
      case Probe::Type::kHttp: co_return co_await slot.http->Run(executor_);
      case Probe::Type::kTcp: co_return co_await RunTcpProbe(executor_, slot.probe);
      case Probe::Type::kProcess: co_return slot.process->Run();
    }
    co_return ProbeResult{};
  }

  void Record(std::size_t index, ProbeResult result) {
    Slot& slot = slots_[index];
    const bool was_passing = !slot.last || slot.last->success;
    const bool changed = slot.last ? slot.last->success != result.success : !result.success;
    slot.last = std::move(result);
    if (!changed) return;
    const std::string type = TypeName(slot.probe.type);
    wire::Event event;
    event.set_timestamp_ms(ToUnixMillis(RealClock().Now()));
    event.set_source("probe");
    auto* probe_label = event.add_labels();
    probe_label->set_name("probe");
    probe_label->set_value(slot.probe.name);
    auto* type_label = event.add_labels();
    type_label->set_name("type");
    type_label->set_value(type);
    if (!slot.probe.severity.empty()) {
      auto* severity_label = event.add_labels();
      severity_label->set_name("severity");
      severity_label->set_value(slot.probe.severity);
    }
    if (was_passing) {
      event.set_kind("probe_failed");
      event.set_severity(wire::SEVERITY_WARNING);
      event.set_message("probe " + slot.probe.name + " (" + type +
                        ") failed: " + slot.last->failure);
      LogWarning(event.message());
    } else {
      event.set_kind("probe_recovered");
      event.set_severity(wire::SEVERITY_INFO);
      event.set_message("probe " + slot.probe.name + " (" + type + ") passes again");
      LogInfo(event.message());
    }
    on_change_(std::move(event));
  }

  asio::any_io_executor executor_;
  OnChange on_change_;
  std::vector<Slot> slots_;
  bool stopping_ = false;
};

Result<std::unique_ptr<Prober>> Prober::Create(asio::any_io_executor executor,
                                               const std::vector<Probe>& probes, std::string root,
                                               OnChange on_change) {
  auto impl = std::make_shared<Impl>(std::move(executor), std::move(on_change));
  for (const Probe& probe : probes) {
    if (Status added = impl->Add(probe, root); !added) return added.error();
  }
  return std::unique_ptr<Prober>(new Prober(std::move(impl)));
}

Prober::Prober(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Prober::~Prober() { impl_->Stop(); }
void Prober::Start() { impl_->Start(); }
void Prober::Stop() { impl_->Stop(); }
bool Prober::empty() const { return impl_->empty(); }
bool Prober::AllRan() const { return impl_->AllRan(); }
std::vector<wire::MetricFamily> Prober::Families() const { return impl_->Families(); }

}  // namespace vigil::agent
