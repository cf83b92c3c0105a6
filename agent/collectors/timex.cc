#include "agent/collectors/timex.h"

#include <cerrno>
#include <cstring>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr double kMicroseconds = 1e6;
constexpr double kNanoseconds = 1e9;
// Frequencies are in parts per million with a 16-bit binary fraction.
constexpr double kPpm16Frac = 1000000.0 * 65536.0;

class TimexCollector final : public Collector {
 public:
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    struct timex clock {};  // modes 0: read only
    const int state = adjtimex(&clock);
    if (state < 0) {
      if (errno == EPERM) return std::vector<wire::MetricFamily>{};  // a seccomp filter, say
      return MakeError(ErrorCode::kIoError, std::string("adjtimex: ") + std::strerror(errno));
    }
    return TimexFamilies(clock, state);
  }

 private:
  const std::string name_ = "timex";
};

}  // namespace

std::vector<wire::MetricFamily> TimexFamilies(const struct timex& clock, int state) {
  // Offset and jitter are in nanoseconds when the kernel says so, else microseconds.
  const double divisor = (clock.status & STA_NANO) != 0 ? kNanoseconds : kMicroseconds;
  struct Value {
    const char* name;
    const char* help;
    wire::MetricType type;
    double value;
  };
  const Value values[] = {
      {"node_timex_sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
       wire::METRIC_TYPE_GAUGE, state == TIME_ERROR ? 0.0 : 1.0},
      {"node_timex_offset_seconds", "Time offset in between local system and reference clock.",
       wire::METRIC_TYPE_GAUGE, static_cast<double>(clock.offset) / divisor},
      {"node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment.",
       wire::METRIC_TYPE_GAUGE, 1 + static_cast<double>(clock.freq) / kPpm16Frac},
      {"node_timex_maxerror_seconds", "Maximum error in seconds.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.maxerror) / kMicroseconds},
      {"node_timex_estimated_error_seconds", "Estimated error in seconds.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.esterror) / kMicroseconds},
      {"node_timex_status", "Value of the status array bits.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.status)},
      {"node_timex_loop_time_constant", "Phase-locked loop time constant.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.constant)},
      {"node_timex_tick_seconds", "Seconds between clock ticks.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.tick) / kMicroseconds},
      {"node_timex_pps_frequency_hertz", "Pulse per second frequency.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.ppsfreq) / kPpm16Frac},
      {"node_timex_pps_jitter_seconds", "Pulse per second jitter.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.jitter) / divisor},
      {"node_timex_pps_shift_seconds", "Pulse per second interval duration.",
       wire::METRIC_TYPE_GAUGE, static_cast<double>(clock.shift)},
      {"node_timex_pps_stability_hertz",
       "Pulse per second stability, average of recent frequency changes.", wire::METRIC_TYPE_GAUGE,
       static_cast<double>(clock.stabil) / kPpm16Frac},
      {"node_timex_pps_jitter_total", "Pulse per second count of jitter limit exceeded events.",
       wire::METRIC_TYPE_COUNTER, static_cast<double>(clock.jitcnt)},
      {"node_timex_pps_calibration_total", "Pulse per second count of calibration intervals.",
       wire::METRIC_TYPE_COUNTER, static_cast<double>(clock.calcnt)},
      {"node_timex_pps_error_total", "Pulse per second count of calibration errors.",
       wire::METRIC_TYPE_COUNTER, static_cast<double>(clock.errcnt)},
      {"node_timex_pps_stability_exceeded_total",
       "Pulse per second count of stability limit exceeded events.", wire::METRIC_TYPE_COUNTER,
       static_cast<double>(clock.stbcnt)},
      {"node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.",
       wire::METRIC_TYPE_GAUGE, static_cast<double>(clock.tai)},
  };
  std::vector<wire::MetricFamily> out;
  for (const Value& v : values) {
    auto family = MakeFamily(v.name, v.help, v.type);
    AddSeries(family, v.value);
    out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeTimexCollector() { return std::make_unique<TimexCollector>(); }

}  // namespace vigil::agent
