// Measures what one health collection costs inside the agent, phase by phase, in CPU time of this
// process: running the collectors, building and serializing the batch, and committing it to the
// spool. Then the floor: the CPU of reading exactly the files one collection reads, with plain
// read(2) into a 64 KiB buffer, and the same statfs calls, as often — what the kernel charges for
// the data whoever reads it — and the agent's cost as a ratio to it. Prints figures; asserts
// nothing.
//
// usage: collection_cost [ITERATIONS] [ROOT] [PAUSE_MS]   (defaults: 200, /, 0)
// A pause between collections shows what they cost with the cold caches of a once-a-second agent.

#include <fcntl.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "agent/health_collection.h"
#include "agent/spool.h"
#include "common/clock.h"

namespace {

std::mutex accessed_mutex;
std::set<std::pair<vigil::agent::HostAccess, std::string>> accessed;  // guarded by accessed_mutex

void RecordAccess(vigil::agent::HostAccess access, const std::string& path) {
  std::lock_guard lock(accessed_mutex);
  accessed.emplace(access, path);
}

// One pass over what a collection read: the kernel's share of a collection.
void ReadLikeTheFloor(const std::set<std::pair<vigil::agent::HostAccess, std::string>>& what) {
  static char buffer[64 << 10];
  for (const auto& [access, path] : what) {
    if (access == vigil::agent::HostAccess::kStatfs) {
      struct statfs info {};
      (void)statfs(path.c_str(), &info);
      continue;
    }
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
    close(fd);
  }
}

double CpuMillis() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// CPU time of the agent's steps over the iterations, summed.
struct Costs {
  double collect_ms = 0, build_ms = 0, spool_ms = 0;
  std::map<std::string, double> per_collector_ms;  // wall time, from the agent's own self-metrics
  std::size_t samples = 0, bytes = 0;
};

// One collection as the agent makes it: collect, build the batch, spool it and acknowledge it.
bool CollectOnceAsTheAgent(vigil::agent::HealthCollection& collection, vigil::agent::Spool& spool,
                           Costs& costs) {
  const double t0 = CpuMillis();
  vigil::agent::Collection result = collection.CollectOnce();
  const double t1 = CpuMillis();
  for (const auto& family : result.self) {
    if (family.name() != "vigil_agent_collector_duration_seconds") continue;
    for (const auto& series : family.series()) {
      costs.per_collector_ms[series.labels(0).value()] += series.value() * 1e3;
    }
  }
  vigil::wire::Batch batch;
  batch.set_sequence(spool.NextSequence());
  vigil::wire::Snapshot* snapshot = batch.add_snapshots();
  snapshot->set_source("health");
  for (auto& family : result.health) {
    costs.samples += static_cast<std::size_t>(family.series_size());
    *snapshot->add_families() = std::move(family);
  }
  costs.bytes += batch.ByteSizeLong();
  const double t2 = CpuMillis();
  if (auto appended = spool.Append(batch); !appended) {
    std::fprintf(stderr, "%s\n", appended.error().message.c_str());
    return false;
  }
  (void)spool.AcknowledgeThrough(batch.sequence());
  const double t3 = CpuMillis();
  costs.collect_ms += t1 - t0;
  costs.build_ms += t2 - t1;
  costs.spool_ms += t3 - t2;
  return true;
}

void Print(const Costs& costs, double floor_ms, int iterations, const std::string& root,
           int pause_ms) {
  std::size_t reads = 0;
  for (const auto& entry : accessed)
    reads += entry.first == vigil::agent::HostAccess::kRead ? 1 : 0;
  const double n = iterations;
  std::printf("collection cost over %d iterations (root %s, %d ms apart), CPU ms per collection:\n",
              iterations, root.c_str(), pause_ms);
  std::printf("  collectors          %8.3f\n", costs.collect_ms / n);
  for (const auto& [name, ms] : costs.per_collector_ms) {
    std::printf("    %-16s  %8.3f (wall)\n", name.c_str(), ms / n);
  }
  const double total_ms = costs.collect_ms + costs.build_ms + costs.spool_ms;
  std::printf("  build batch         %8.3f\n", costs.build_ms / n);
  std::printf("  spool append + ack  %8.3f\n", costs.spool_ms / n);
  std::printf("  total               %8.3f   (%zu samples, %zu bytes per batch)\n", total_ms / n,
              costs.samples / static_cast<std::size_t>(n),
              costs.bytes / static_cast<std::size_t>(n));
  std::printf("  floor               %8.3f   (%zu files read, %zu statfs, 64 KiB buffer)\n",
              floor_ms / n, reads, accessed.size() - reads);
  std::printf("  collectors / floor  %8.2f\n", costs.collect_ms / floor_ms);
  std::printf("  total / floor       %8.2f   (aim: at most 1.3)\n", total_ms / floor_ms);
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  vigil::config::AgentConfig::Health health;
  health.root = argc > 2 ? argv[2] : "/";
  const int pause_ms = argc > 3 ? std::atoi(argv[3]) : 0;
  vigil::agent::HealthCollection collection(
      vigil::agent::MakeHealthCollectors(health, vigil::RealClock()), vigil::RealClock());
  const std::string spool_path =
      (std::filesystem::temp_directory_path() / ("vigil-bench-spool-" + std::to_string(getpid())))
          .string();
  auto spool = vigil::agent::Spool::Open(spool_path, 256ULL << 20);
  if (!spool) {
    std::fprintf(stderr, "%s\n", spool.error().message.c_str());
    return 1;
  }
  // Warm-up (first reads, regex verdicts), noting what a collection reads.
  vigil::agent::SetHostAccessObserver(&RecordAccess);
  (void)collection.CollectOnce();
  vigil::agent::SetHostAccessObserver(nullptr);
  Costs costs;
  for (int i = 0; i < iterations; ++i) {
    if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    if (!CollectOnceAsTheAgent(collection, **spool, costs)) return 1;
  }
  std::filesystem::remove(spool_path);
  std::filesystem::remove(spool_path + "-wal");
  std::filesystem::remove(spool_path + "-shm");

  double floor_ms = 0;
  for (int i = 0; i < iterations; ++i) {
    if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    const double t0 = CpuMillis();
    ReadLikeTheFloor(accessed);
    floor_ms += CpuMillis() - t0;
  }
  Print(costs, floor_ms, iterations, health.root, pause_ms);
  return 0;
}
