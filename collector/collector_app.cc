#include "collector/collector_app.h"

#include <prometheus/registry.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "collector/api/auth.h"
#include "collector/api/router.h"
#include "collector/api/routes.h"
#include "collector/http/http_server.h"
#include "collector/ingest/ingest_metrics.h"
#include "collector/ingest/ingest_server.h"
#include "collector/ingest/live_state.h"
#include "collector/ingest/metrics_endpoints.h"
#include "collector/ingest/metrics_text.h"
#include "collector/reports/fault_report_book.h"
#include "collector/service/alerting_service.h"
#include "collector/sla/sla_engine.h"
#include "collector/sla/sla_metrics.h"
#include "collector/sla/sla_watch.h"
#include "collector/store/store.h"
#include "common/clock.h"
#include "common/exposition.h"
#include "common/log.h"
#include "common/sqlite.h"
#include "common/tls.h"

namespace vigil::collector {
namespace {

namespace asio = boost::asio;

IngestOptions ToIngestOptions(const config::CollectorConfig::Limits& limits) {
  IngestOptions options;
  options.max_connections = static_cast<std::size_t>(limits.max_connections);
  options.max_unauthenticated_connections =
      static_cast<std::size_t>(limits.max_unauthenticated_connections);
  options.max_frame_bytes = limits.max_frame_bytes;
  options.max_hello_bytes = limits.max_hello_bytes;
  options.handshake_timeout = limits.handshake_timeout;
  options.hello_timeout = limits.hello_timeout;
  options.idle_timeout = limits.idle_timeout;
  options.connection_rate_per_ip = static_cast<double>(limits.connection_rate_per_ip);
  options.connection_burst_per_ip = static_cast<double>(limits.connection_burst_per_ip);
  options.revocation_check_interval = limits.revocation_check_interval;
  return options;
}

HttpLimits ToHttpLimits(const config::CollectorConfig::Limits& limits) {
  return {static_cast<std::size_t>(limits.max_http_connections), limits.max_http_request_bytes,
          limits.max_http_header_bytes, limits.http_timeout,
          static_cast<std::size_t>(limits.max_http_probe_connections)};
}

Result<std::shared_ptr<asio::ssl::context>> LoadTls(const config::CollectorConfig& config) {
  return MakeServerTlsContext(
      {config.tls.cert_file, config.tls.key_file, config.tls.client_ca_file});
}

// The HTTP listener's certificate, or null for plain HTTP.
Result<std::shared_ptr<asio::ssl::context>> LoadHttpTls(const config::CollectorConfig& config) {
  if (!config.listen.http_tls.enabled()) return std::shared_ptr<asio::ssl::context>();
  return MakeServerTlsContext(
      {config.listen.http_tls.cert_file, config.listen.http_tls.key_file, ""});
}

// The longest the alerting timer sleeps, so that a missed wake-up costs at most this.
constexpr auto kMaxAlertSleep = std::chrono::seconds(1);

// vigil_store_errors_total: every failed operation on the store (and on any other SQLite file of
// the process), so that Prometheus can alert on a store that fails (packaging/prometheus).
prometheus::MetricFamily StoreErrorsFamily() {
  prometheus::MetricFamily family{"vigil_store_errors_total",
                                  "Failed operations on the collector's SQLite store.",
                                  prometheus::MetricType::Counter,
                                  {}};
  prometheus::ClientMetric metric;
  metric.counter.value = static_cast<double>(sqlite::FailedOperations());
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

class CollectorApp::Impl {
 public:
  Impl(asio::io_context& io, std::shared_ptr<const config::CollectorConfig> config,
       std::unique_ptr<Store> store, AlertingSetup setup)
      : config_(std::move(config)),
        store_(std::move(store)),
        live_({static_cast<std::size_t>(config_->limits.max_series_per_agent),
               static_cast<std::size_t>(config_->limits.max_metric_names),
               static_cast<std::size_t>(config_->limits.max_sources_per_agent)}),
        metrics_(registry_),
        alerting_(*store_, registry_, RealClock(), *config_, std::move(setup.rules),
                  std::move(setup.notify)),
        reports_(*store_, RealClock()),
        sla_(*store_, RealClock(), std::move(setup.sla)),
        sla_watch_(*store_, sla_, &alerting_.notifier()),
        sla_metrics_(*store_, sla_, RealClock(), &sla_watch_),
        sla_check_interval_(config_->sla.check_interval),
        agent_down_after_(config_->builtin_rules.agent_down_after),
        sd_anonymous_(config_->api.sd_anonymous),
        scrape_(
            live_,
            [this] {
              std::vector<prometheus::MetricFamily> families = registry_.Collect();
              for (const prometheus::Collectable* source :
                   std::initializer_list<const prometheus::Collectable*>{&alerting_,
                                                                         &sla_metrics_}) {
                std::vector<prometheus::MetricFamily> more = source->Collect();
                families.insert(families.end(), std::make_move_iterator(more.begin()),
                                std::make_move_iterator(more.end()));
              }
              families.push_back(StoreErrorsFamily());
              return families;
            },
            RealClock(), [this] { return agent_down_after_.load(); }),
        auth_(store_->tokens()),
        router_(auth_, registry_, RealClock()),
        alert_strand_(asio::make_strand(io)),
        alert_timer_(alert_strand_) {
    prometheus::BuildGauge()
        .Name("vigil_collector_build_info")
        .Help("Always 1; the collector's version is in the label.")
        .Register(registry_)
        .Add({{"version", VIGIL_VERSION}})
        .Set(1);
    alerting_.SetLiveState(live_);
    router_.SetRateLimit(static_cast<double>(config_->limits.api_requests_per_second),
                         static_cast<double>(config_->limits.api_request_burst));
    AddAgentRoutes(router_, *store_, live_);
    AddIncidentRoutes(router_, alerting_);
    AddNotificationRoutes(router_, alerting_);
    AddSilenceRoutes(router_, alerting_, RealClock());
    AddRuleRoutes(router_, alerting_);
    AddFaultReportRoutes(router_, reports_, sla_, store_->fault_reports());
    AddSlaRoutes(router_, sla_, RealClock());
    AddTokenRoutes(router_, store_->tokens(), RealClock());
    AddPrometheusRoutes(router_, live_,
                        {[this] { return sd_anonymous_.load(); },
                         [this] { return http_tls_on_.load(); }, config_->listen.http});
  }

  Status Bind(asio::io_context& io) {
    // Agents known from earlier runs are targets too (down until they connect), so that a host
    // that never came back after a restart of the collector still shows up == 0.
    auto known = store_->agents().ListAgents();
    if (!known) return known.error();
    for (const AgentRecord& agent : *known) {
      live_.AgentKnown({agent.customer, agent.agent_id},
                       {agent.hostname, agent.version, agent.labels, agent.batches_applied});
    }
    http_tls_on_ = config_->listen.http_tls.enabled();
    auto admin = ReadAdminTokenHash(config_->api.admin_token_file);
    if (!admin) return admin.error();
    auth_.SetAdminTokenHash(*admin);
    if (Status started = alerting_.Start(); !started) return started;
    auto tls = LoadTls(*config_);
    if (!tls) return tls.error();
    auto ingest = IngestServer::Create(io, config_->listen.ingest, std::move(*tls),
                                       ToIngestOptions(config_->limits), *store_, live_, metrics_,
                                       RealClock(), &alerting_);
    if (!ingest) return ingest.error();
    ingest_ = std::move(*ingest);
    auto http_tls = LoadHttpTls(*config_);
    if (!http_tls) return http_tls.error();
    auto http = HttpServer::Create(io, config_->listen.http, ToHttpLimits(config_->limits),
                                   [this](const HttpRequest& request) { return Route(request); },
                                   std::move(*http_tls), {"/healthz", "/readyz"});
    if (!http) return http.error();
    http_ = std::move(*http);
    return OkStatus();
  }

  void SetDeliveryHeartbeat(std::function<void()> beat) {
    alerting_.notifier().SetDeliveryHeartbeat(std::move(beat));
  }

  void Start() {
    for (const std::string& path : config_->not_yet_supported) {
      LogWarning(path + " is set but not acted on by this version of the collector");
    }
    alerting_.SetWakeup([this] { asio::post(alert_strand_, [this] { alert_timer_.cancel(); }); });
    asio::co_spawn(alert_strand_, AlertTimerLoop(), asio::detached);
    ingest_->Start();
    http_->Start();
    ready_ = true;
  }

  void Stop() {
    ready_ = false;
    stopping_ = true;
    asio::post(alert_strand_, [this] { alert_timer_.cancel(); });
    ingest_->Stop();
    http_->Stop();
    alerting_.Stop();
  }

  bool Drained() const { return ingest_->Drained() && http_->Drained(); }

  void Reload(std::shared_ptr<const config::CollectorConfig> config, AlertingSetup setup) {
    if (config->listen.ingest != config_->listen.ingest ||
        config->listen.http != config_->listen.http ||
        config->listen.http_tls.enabled() != config_->listen.http_tls.enabled()) {
      LogWarning("listen addresses changed: restart the collector to apply them");
    }
    if (config->store.sqlite != config_->store.sqlite) {
      LogWarning("store changed: restart the collector to apply it");
    }
    if (config->limits.max_series_per_agent != config_->limits.max_series_per_agent ||
        config->limits.max_metric_names != config_->limits.max_metric_names ||
        config->limits.max_sources_per_agent != config_->limits.max_sources_per_agent) {
      LogWarning(
          "limits.max_series_per_agent, max_sources_per_agent and max_metric_names apply "
          "after a restart");
    }
    auto tls = LoadTls(*config);
    auto http_tls = LoadHttpTls(*config);
    auto admin = ReadAdminTokenHash(config->api.admin_token_file);
    for (const Error* error : {tls ? nullptr : &tls.error(), http_tls ? nullptr : &http_tls.error(),
                               admin ? nullptr : &admin.error()}) {
      if (error != nullptr) {
        LogError("reload: " + error->message + "; keeping the running configuration");
        return;
      }
    }
    ingest_->Reconfigure(ToIngestOptions(config->limits), std::move(*tls));
    http_->SetLimits(ToHttpLimits(config->limits));
    http_->SetTls(std::move(*http_tls));
    auth_.SetAdminTokenHash(*admin);
    router_.SetRateLimit(static_cast<double>(config->limits.api_requests_per_second),
                         static_cast<double>(config->limits.api_request_burst));
    alerting_.Reload(*config, std::move(setup.rules), std::move(setup.notify));
    sla_.SetPolicies(std::move(setup.sla));
    sla_check_interval_ = config->sla.check_interval;
    agent_down_after_ = config->builtin_rules.agent_down_after;
    sd_anonymous_ = config->api.sd_anonymous;
    SetLogLevel(config->log_level);
    config_ = std::move(config);
    LogInfo("configuration reloaded");
  }

  std::uint16_t ingest_port() const { return ingest_->port(); }
  std::uint16_t http_port() const { return http_->port(); }

 private:
  // Runs the alerting timers: wakes at the earliest deadline (or when woken for an earlier one).
  asio::awaitable<void> AlertTimerLoop() {
    while (!stopping_) {
      const std::optional<alerting::TimePoint> next = alerting_.NextDeadline();
      auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kMaxAlertSleep);
      if (next) {
        wait = std::clamp(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              *next - RealClock().Now()),
                          std::chrono::steady_clock::duration::zero(), wait);
      }
      alert_timer_.expires_after(wait);
      boost::system::error_code ec;
      co_await alert_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_) break;
      alerting_.Tick(RealClock().Now());
      sla_watch_.CheckEvery(RealClock().Now(), sla_check_interval_.load());
    }
  }

  HttpResponse Route(const HttpRequest& request) {
    if (request.path.rfind("/api/", 0) == 0) return router_.Handle(request);
    if (request.method != "GET" && request.method != "HEAD") {
      return ErrorResponse(
          MakeError(ErrorCode::kMethodNotAllowed, request.method + " is not allowed here"));
    }
    if (std::optional<HttpResponse> scraped = scrape_.Handle(request)) return std::move(*scraped);
    if (request.path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (request.path == "/readyz") {
      if (ready_) return {200, "text/plain; charset=utf-8", "ready\n"};
      return {503, "text/plain; charset=utf-8", "not ready\n"};
    }
    return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such endpoint: " + request.path));
  }

  std::shared_ptr<const config::CollectorConfig> config_;
  std::unique_ptr<Store> store_;
  prometheus::Registry registry_;
  LiveState live_;
  IngestMetrics metrics_;
  AlertingService alerting_;
  FaultReportBook reports_;
  SlaEngine sla_;
  SlaWatch sla_watch_;  // on alert_strand_
  SlaMetrics sla_metrics_;
  std::atomic<Duration> sla_check_interval_;
  std::atomic<Duration> agent_down_after_;
  std::atomic<bool> sd_anonymous_;
  std::atomic<bool> http_tls_on_{false};
  MetricsEndpoints scrape_;
  Authenticator auth_;
  ApiRouter router_;
  std::unique_ptr<IngestServer> ingest_;
  std::unique_ptr<HttpServer> http_;
  asio::strand<asio::io_context::executor_type> alert_strand_;
  asio::steady_timer alert_timer_;  // on alert_strand_
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
};

Result<std::unique_ptr<CollectorApp>> CollectorApp::Create(
    boost::asio::io_context& io, std::shared_ptr<const config::CollectorConfig> config,
    AlertingSetup setup) {
  auto store = OpenSqliteStore(config->store.sqlite);
  if (!store) return store.error();
  auto impl = std::make_unique<Impl>(io, std::move(config), std::move(*store), std::move(setup));
  if (Status bound = impl->Bind(io); !bound) return bound.error();
  return std::unique_ptr<CollectorApp>(new CollectorApp(std::move(impl)));
}

CollectorApp::CollectorApp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CollectorApp::~CollectorApp() = default;
void CollectorApp::WatchLoops(const std::function<std::function<void()>(std::string)>& add_loop) {
  impl_->SetDeliveryHeartbeat(add_loop("notification delivery"));
}

void CollectorApp::Start() { impl_->Start(); }
void CollectorApp::Stop() { impl_->Stop(); }
bool CollectorApp::Drained() const { return impl_->Drained(); }
void CollectorApp::Reload(std::shared_ptr<const config::CollectorConfig> config,
                          AlertingSetup setup) {
  impl_->Reload(std::move(config), std::move(setup));
}
std::uint16_t CollectorApp::ingest_port() const { return impl_->ingest_port(); }
std::uint16_t CollectorApp::http_port() const { return impl_->http_port(); }

}  // namespace vigil::collector
