#pragma once
// CSV cells that a spreadsheet opens safely: the one writer of every CSV Vigil makes (the API's
// SLA report, vigilctl's -o csv).

#include <string>
#include <string_view>

namespace vigil {

// One cell (RFC 4180): quoted when it holds a comma, a quote or a line break. Text that a
// spreadsheet would take for a formula — starting with =, +, -, @, a tab or a carriage return, or
// the full-width =, +, - or @ that some locales read alike, after any spaces — is prefixed with a
// single quote and quoted, so it shows as the text it is and never runs (OWASP, "CSV Injection").
// Text people or hosts supply (categories, labels, names) can reach any cell. A plain number
// ("-1.5", "3e-05") is left as it is.
std::string CsvCell(std::string_view text);

}  // namespace vigil
