#pragma once
// The "textfile" collector: forwards the metrics in the *.prom files of a folder, the way
// node_exporter's textfile collector does, so that cron jobs and scripts can publish figures
// (last backup, pending updates) by writing a file.
//
// A file that cannot be read or parsed, is too large, or uses what Vigil does not carry (client
// timestamps, histograms, summaries) is skipped whole, logged (once per change of its problem) and
// counted; the other files are still forwarded. Exports node_textfile_mtime_seconds{file} for each
// file read, node_textfile_scrape_error (1 when any file was skipped, or the folder could not be
// listed) and vigil_agent_textfile_errors_total.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"
#include "agent/collectors/textfile_format.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeTextfileCollector(std::string directory);

}  // namespace vigil::agent
