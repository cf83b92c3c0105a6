#include "agent/collectors/processes.h"

#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

struct TaskStat {
  std::string state;  // "R", "S", "D", "Z", "I", …
  std::int64_t threads = 0;
};

// The fields after the command name's closing parenthesis; procfs insists on at least 41.
constexpr std::size_t kStatFieldsAfterComm = 41;
constexpr std::size_t kThreadsField = 17;  // num_threads, counting the state as 0

// nullopt: the task is gone (it exited between listing and reading), which is no error.
Result<std::optional<TaskStat>> ReadTaskStat(const std::string& root, const std::string& relative) {
  Result<std::string> text = ReadFileUnderRoot(root, relative);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return std::optional<TaskStat>();
    return text.error();
  }
  const std::size_t open = text->find('(');
  const std::size_t close = text->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 2 > text->size()) {
    return MakeError(ErrorCode::kParseFailed, relative + ": no command name in parentheses");
  }
  const std::vector<std::string_view> fields =
      SplitWords(std::string_view(*text).substr(close + 2));
  if (fields.size() < kStatFieldsAfterComm)
    return MakeError(ErrorCode::kParseFailed, relative + ": too few fields");
  const std::optional<std::int64_t> threads = ParseInt(fields[kThreadsField]);
  if (!threads)
    return MakeError(ErrorCode::kParseFailed, relative + ": num_threads is not a number");
  return std::optional<TaskStat>(TaskStat{std::string(fields[0]), *threads});
}

// The numeric entries of a /proc-like folder (pids or tids); none when it is gone.
Result<std::vector<std::string>> NumericEntries(const std::string& root,
                                                const std::string& folder) {
  Result<std::vector<FolderEntry>> entries = ListFolder(root, folder);
  if (!entries)
    return entries.error().code == ErrorCode::kNotFound
               ? Result<std::vector<std::string>>(std::vector<std::string>{})
               : entries.error();
  std::vector<std::string> names;
  for (const FolderEntry& entry : *entries) {
    if (ParseInt(entry.name)) names.push_back(entry.name);
  }
  return names;
}

class ProcessesCollector final : public RootCollector {
 public:
  explicit ProcessesCollector(std::string root) : RootCollector("processes", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::vector<std::string>> pids = NumericEntries(root_, "proc");
    if (!pids) return pids.error();
    std::map<std::string, double> process_states, thread_states;
    double processes = 0, threads = 0;
    for (const std::string& pid : *pids) {
      Result<std::optional<TaskStat>> stat = ReadTaskStat(root_, "proc/" + pid + "/stat");
      if (!stat) return stat.error();
      if (!*stat) continue;
      ++processes;
      ++process_states[(*stat)->state];
      threads += static_cast<double>((*stat)->threads);
      Result<std::vector<std::string>> tids = NumericEntries(root_, "proc/" + pid + "/task");
      if (!tids) return tids.error();
      for (const std::string& tid : *tids) {
        if (tid == pid) {
          ++thread_states[(*stat)->state];
          continue;
        }
        Result<std::optional<TaskStat>> thread =
            ReadTaskStat(root_, "proc/" + pid + "/task/" + tid + "/stat");
        if (!thread) return thread.error();
        if (*thread) ++thread_states[(*thread)->state];
      }
    }
    Families out;
    const auto gauge = [&out](const char* name, const char* help, double value) {
      auto family = MakeFamily(name, help, wire::METRIC_TYPE_GAUGE);
      AddSeries(family, value);
      out.push_back(std::move(family));
    };
    // A limit the kernel does not show (a container's /proc) leaves its series out; upstream
    // fails the whole collection there, after it has sent the thread count.
    const ReadRelative read = ReaderUnder(root_);
    const auto limit = [&](const char* file, const char* name,
                           const char* help) -> std::optional<Error> {
      Result<std::uint64_t> value = ReadUintFile(read, file);
      if (value) gauge(name, help, static_cast<double>(*value));
      if (!value && value.error().code != ErrorCode::kNotFound) return value.error();
      return std::nullopt;
    };
    gauge("node_processes_threads", "Allocated threads in system", threads);
    if (auto error = limit("proc/sys/kernel/threads-max", "node_processes_max_threads",
                           "Limit of threads in the system")) {
      return *error;
    }
    gauge("node_processes_pids", "Number of PIDs", processes);
    if (auto error = limit("proc/sys/kernel/pid_max", "node_processes_max_processes",
                           "Number of max PIDs limit")) {
      return *error;
    }
    auto by_state = MakeFamily("node_processes_state", "Number of processes in each state.",
                               wire::METRIC_TYPE_GAUGE);
    for (const auto& [state, count] : process_states)
      AddSeries(by_state, count, {{"state", state}});
    out.push_back(std::move(by_state));
    auto threads_by_state = MakeFamily("node_processes_threads_state",
                                       "Number of threads in each state.", wire::METRIC_TYPE_GAUGE);
    for (const auto& [state, count] : thread_states)
      AddSeries(threads_by_state, count, {{"thread_state", state}});
    out.push_back(std::move(threads_by_state));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeProcessesCollector(std::string root) {
  return std::make_unique<ProcessesCollector>(std::move(root));
}

}  // namespace vigil::agent
