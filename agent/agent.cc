#include "agent/agent.h"

#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "agent/collectors/collector.h"
#include "agent/health_collection.h"
#include "agent/probes/prober.h"
#include "agent/rhythm.h"
#include "agent/security/security_runner.h"
#include "agent/self_metrics.h"
#include "agent/spool.h"
#include "agent/uplink.h"
#include "agent/utf8_repair.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/tls.h"
#include "common/utf8.h"

namespace vigil::agent {
namespace {

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// The token file holds the token alone; surrounding whitespace (a trailing newline) is ignored.
Result<std::string> ReadToken(const std::string& file) {
  Result<std::string> text = ReadFileUnderRoot("/", file);
  if (!text)
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot read token_file: " + text.error().message);
  const std::size_t begin = text->find_first_not_of(" \t\r\n");
  const std::size_t end = text->find_last_not_of(" \t\r\n");
  if (begin == std::string::npos)
    return MakeError(ErrorCode::kInvalidArgument, "token_file " + file + " is empty");
  std::string token = text->substr(begin, end - begin + 1);
  if (!IsValidUtf8(token)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "token_file " + file + " does not hold a token (it is not text)");
  }
  return token;
}

struct ConnectionSettings {
  UplinkOptions options;
  std::shared_ptr<boost::asio::ssl::context> tls;
};

Result<ConnectionSettings> LoadConnectionSettings(const config::AgentConfig& config) {
  Result<std::string> token = ReadToken(config.collector.token_file);
  if (!token) return token.error();
  auto tls = MakeClientTlsContext(
      {config.collector.ca_file, config.collector.cert_file, config.collector.key_file});
  if (!tls) return tls.error();
  ConnectionSettings settings;
  UplinkOptions& options = settings.options;
  options.addresses = config.collector.addresses;
  options.server_name = config.collector.server_name;
  options.timeout = config.collector.timeout;
  options.reconnect = {config.collector.reconnect_initial, config.collector.reconnect_max, 2.0};
  options.max_in_flight = static_cast<std::size_t>(config.collector.max_in_flight);
  options.max_frame_bytes = config.collector.max_frame_bytes;
  options.agent_id = config.id;
  options.token = *token;
  options.hostname = ToValidUtf8(Hostname());
  options.labels = config.labels;
  settings.tls = std::move(*tls);
  return settings;
}

}  // namespace

class Agent::Impl {
 public:
  Impl(boost::asio::io_context& io, std::shared_ptr<const config::AgentConfig> config,
       std::unique_ptr<Spool> spool)
      : executor_(io.get_executor()),
        config_(std::move(config)),
        spool_(std::move(spool)),
        uplink_(io.get_executor(), *spool_, MakeSystemRandom()),
        health_(MakeHealthCollections(*config_)),
        timer_(io),
        start_time_(RealClock().Now()) {}

  static std::unique_ptr<HealthCollection> MakeHealthCollections(
      const config::AgentConfig& config) {
    return std::make_unique<HealthCollection>(MakeHealthCollectors(config.health, RealClock()),
                                              RealClock());
  }

  // Connection settings, probes and the security scan; on an error nothing changes.
  Status Configure(const config::AgentConfig& config) {
    Result<ConnectionSettings> settings = LoadConnectionSettings(config);
    if (!settings) return settings.error();
    auto prober = Prober::Create(executor_, config.probes, config.health.root,
                                 [this](wire::Event event) { Produce(false, {std::move(event)}); });
    if (!prober) return prober.error();
    uplink_.Configure(std::move(settings->options), std::move(settings->tls));
    if (prober_) prober_->Stop();
    prober_ = std::move(*prober);
    if (started_) prober_->Start();
    if (security_) security_->Stop();
    security_.reset();
    if (!config.security.enabled) return OkStatus();
    const std::string state_dir = config.security.state_dir.empty()
                                      ? DefaultSecurityStateDir(config.spool.path)
                                      : config.security.state_dir;
    security_ = std::make_unique<SecurityRunner>(
        executor_, config.security, state_dir,
        [this](ScanReport report) { OnSecurityReport(std::move(report)); });
    if (started_) security_->Start();
    return OkStatus();
  }

  void Start() {
    for (const std::string& path : config_->not_yet_supported) {
      LogWarning(path + " is set but not acted on by this version of the agent");
    }
    started_ = true;
    uplink_.Start();
    prober_->Start();
    if (security_) security_->Start();
    next_tick_ = clock_.Monotonic();
    Tick();
  }

  void Reload(std::shared_ptr<const config::AgentConfig> config) {
    if (config->id != config_->id) {
      LogWarning("agent.id changed: restart the agent to apply it; keeping " + config_->id);
    }
    if (config->spool.path != config_->spool.path) {
      LogWarning("spool.path changed: restart the agent to apply it; keeping " +
                 config_->spool.path);
    }
    if (Status configured = Configure(*config); !configured) {
      LogError("reload: " + configured.error().message + "; keeping the previous settings");
      return;
    }
    SetLogLevel(config->log_level);
    spool_->SetMaxBytes(config->spool.max_bytes);
    health_ = MakeHealthCollections(*config);
    const bool interval_changed = config->health.interval != config_->health.interval;
    // Keep the id and spool path we run with; take everything else.
    auto applied = std::make_shared<config::AgentConfig>(*config);
    applied->id = config_->id;
    applied->spool.path = config_->spool.path;
    config_ = std::move(applied);
    if (interval_changed && !stopping_) {
      next_tick_ = clock_.Monotonic() + config_->health.interval;
      ScheduleNext();
    }
    LogInfo("configuration reloaded");
  }

  void Stop(std::function<void()> done) {
    stopping_ = true;
    timer_.cancel();
    prober_->Stop();
    if (security_) security_->Stop();
    uplink_.Drain(config_->collector.drain_timeout, std::move(done));
  }

 private:
  void Tick() {
    if (stopping_) return;
    Produce(/*with_health=*/true, {});
    next_tick_ += config_->health.interval;
    ScheduleNext();
  }

  // A scan's metrics go out as the "security" snapshot (which the collector keeps until the next
  // scan's replaces it), its finding changes as events in the same batch.
  void OnSecurityReport(ScanReport report) {
    if (stopping_) return;
    const std::int64_t now_ms = ToUnixMillis(RealClock().Now());
    if (Produce(false, FindingEvents(report, now_ms), std::move(report.families))) {
      if (Status remembered = RememberFindings(report.state_dir, report.to_remember); !remembered) {
        LogError("security scan: " + remembered.error().message);
      }
    }
  }

  // Spools one batch and wakes the uplink; false when it could not be spooled. Every batch
  // carries the agent's own snapshot (so the collector's view of
  // vigil_agent_batches_produced_total is never older than the batch) and the probes' latest
  // results; health collection runs on the health schedule only.
  bool Produce(bool with_health, std::vector<wire::Event> events,
               std::optional<std::vector<wire::MetricFamily>> security = std::nullopt) {
    if (stopping_) return false;
    wire::Batch batch;
    const std::uint64_t sequence = spool_->NextSequence();
    const std::int64_t now_ms = ToUnixMillis(RealClock().Now());
    batch.set_sequence(sequence);
    batch.set_created_ms(now_ms);
    const auto add_snapshot = [&](const char* source, std::vector<wire::MetricFamily> families) {
      wire::Snapshot* snapshot = batch.add_snapshots();
      snapshot->set_source(source);
      snapshot->set_timestamp_ms(now_ms);
      for (auto& family : families) *snapshot->add_families() = std::move(family);
    };
    if (with_health) {
      Collection collection = health_->CollectOnce();
      for (auto& family : collection.self) collection.health.push_back(std::move(family));
      add_snapshot("health", std::move(collection.health));
    }
    if (!prober_->empty()) add_snapshot("probes", prober_->Families());
    if (security) add_snapshot("security", std::move(*security));
    add_snapshot("agent", SelfFamilies({sequence, spool_->stats(), uplink_.stats(), start_time_}));
    for (auto& event : events) *batch.add_events() = std::move(event);
    const std::size_t repaired = RepairInvalidUtf8(batch);
    if (repaired > 0 && !repaired_last_batch_) {  // once per stretch of batches that need it
      LogWarning("batch " + std::to_string(sequence) + ": " + std::to_string(repaired) +
                 " strings were not valid UTF-8 (a mount point, file name, interface alias or "
                 "textfile label?); invalid bytes are sent as U+FFFD");
    }
    repaired_last_batch_ = repaired > 0;
    if (Status appended = spool_->Append(batch); !appended) {
      LogError("cannot spool batch " + std::to_string(sequence) + ": " + appended.error().message);
      return false;
    }
    uplink_.Wake();
    return true;
  }

  void ScheduleNext() {
    next_tick_ = NextCollection(next_tick_, clock_.Monotonic(), config_->health.interval);
    timer_.expires_at(next_tick_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) Tick();
    });
  }

  boost::asio::any_io_executor executor_;
  std::shared_ptr<const config::AgentConfig> config_;
  std::unique_ptr<Spool> spool_;
  Uplink uplink_;
  std::unique_ptr<Prober> prober_;
  std::unique_ptr<SecurityRunner> security_;
  bool started_ = false;
  std::unique_ptr<HealthCollection> health_;
  boost::asio::steady_timer timer_;
  const Clock& clock_ = RealClock();
  MonotonicTime next_tick_;
  std::chrono::system_clock::time_point start_time_;
  bool stopping_ = false;
  bool repaired_last_batch_ = false;
};

Result<std::unique_ptr<Agent>> Agent::Create(boost::asio::io_context& io,
                                             std::shared_ptr<const config::AgentConfig> config) {
  Result<std::unique_ptr<Spool>> spool = Spool::Open(config->spool.path, config->spool.max_bytes);
  if (!spool) return spool.error();
  auto impl = std::make_unique<Impl>(io, config, std::move(*spool));
  if (Status configured = impl->Configure(*config); !configured) return configured.error();
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Agent::~Agent() = default;
void Agent::Start() { impl_->Start(); }
void Agent::Reload(std::shared_ptr<const config::AgentConfig> config) {
  impl_->Reload(std::move(config));
}
void Agent::Stop(std::function<void()> done) { impl_->Stop(std::move(done)); }

}  // namespace vigil::agent
