// Reading what a run wrote: numeric CSV tables and JSON files, with errors that name the file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nksim::report {

// A CSV file of numbers with one header line.
struct NumericTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;  // rows[i][j] is column j of row i

  // Index of a column; throws InputError naming `file` when it is missing.
  std::size_t column(const std::string& name) const;
  std::filesystem::path file;
};

// Throws InputError (missing file, ragged row, a cell that is not a number).
NumericTable read_numeric_csv(const std::filesystem::path& file);

// The cells of one CSV line, untrimmed, quotes as in io/csv_fields.h (`a,"b,c",` is `a`, `b,c`
// and an empty last cell).
std::vector<std::string> split_csv_line(const std::string& line);

// Throws InputError (missing file, malformed JSON).
nlohmann::json read_json_file(const std::filesystem::path& file);

// Rows as an array of objects {column: value}; non-finite values become null.
nlohmann::json table_records(const NumericTable& table);

// A short number for people: "1 million", "316,000", "0.422", "1.29e-05" (3 digits).
std::string pretty_number(double value);

}  // namespace nksim::report
