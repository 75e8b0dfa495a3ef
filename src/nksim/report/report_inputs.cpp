#include "nksim/report/report_inputs.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/csv_fields.h"

namespace nksim::report {
namespace {

// A cell of nksim's own outputs: a number, or nan / inf / -inf as format_number writes them.
double report_csv_cell(const CsvReader& csv, const CsvField& cell, const std::string& column) {
  if (cell.text == "nan") return std::nan("");
  if (cell.text == "inf") return HUGE_VAL;
  if (cell.text == "-inf") return -HUGE_VAL;
  double value = 0;
  const char* end = cell.text.data() + cell.text.size();
  const auto [ptr, ec] = std::from_chars(cell.text.data(), end, value);
  if (cell.text.empty() || ec != std::errc() || ptr != end) {
    csv.fail(cell, "'" + column + "' must be a number, got '" + cell.text + "'");
  }
  return value;
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line) { return split_csv_fields(line); }

std::size_t NumericTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  throw InputError(file.string() + ": no column '" + name + "' (columns: " + join(columns) + ")");
}

NumericTable read_numeric_csv(const std::filesystem::path& file) {
  CsvReader csv = CsvReader::open(file);
  NumericTable table;
  table.file = file;
  CsvRecord record;
  if (!csv.next(record)) throw InputError(file.string() + ": empty file");
  table.columns = record.texts();
  while (csv.next(record)) {
    if (record.size() != table.columns.size()) {
      csv.fail(record.line, 1,
               count_of(record.size(), "value") + ", the header has " +
                   std::to_string(table.columns.size()));
    }
    std::vector<double> row;
    row.reserve(record.size());
    for (std::size_t c = 0; c < record.size(); ++c) {
      row.push_back(report_csv_cell(csv, record[c], table.columns[c]));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError("cannot read " + file.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(file.string() + ": not valid JSON (" + e.what() + ")");
  }
}

nlohmann::json table_records(const NumericTable& table) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json record = nlohmann::json::object();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      record[table.columns[c]] = std::isfinite(row[c]) ? nlohmann::json(row[c]) : nullptr;
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string pretty_number(double value) {
  if (!std::isfinite(value)) return format_number(value);
  const double magnitude = std::fabs(value);
  struct Word {
    double scale;
    const char* name;
  };
  for (const Word word : {Word{1e12, " trillion"}, Word{1e9, " billion"}, Word{1e6, " million"}}) {
    if (magnitude >= word.scale && magnitude < 1e15) {
      return format_number(value / word.scale, 3) + word.name;
    }
  }
  if (magnitude >= 1000 && magnitude < 1e6) {
    // Three significant digits with a thousands separator: 315534 -> "316,000".
    const double step = std::pow(10.0, std::floor(std::log10(magnitude)) - 2);
    const auto rounded = std::llround(std::round(value / step) * step);
    std::string digits = std::to_string(rounded < 0 ? -rounded : rounded);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
    return (rounded < 0 ? "-" : "") + digits;
  }
  if (magnitude != 0 && (magnitude >= 1e15 || magnitude < 1e-3)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2e", value);
    return buffer;
  }
  return format_number(value, 3);
}

}  // namespace nksim::report
