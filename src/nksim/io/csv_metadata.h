// Units and meanings of a CSV file's columns, in a sidecar that follows the W3C "CSV on the Web"
// metadata convention: <file>.csv-metadata.json next to <file>.csv. CSV readers keep working on
// plain column names; tools that know CSVW (and people) find each column's unit there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nksim {

struct CsvColumn {
  std::string name;
  std::string unit;         // "days", "cells", "ng/mL x um^3"; "1" for counts without a unit
  std::string description;  // one line
};

// Writes `csv_file` + "-metadata.json" describing `columns` in order.
void write_csv_metadata(const std::filesystem::path& csv_file,
                        const std::vector<CsvColumn>& columns);

}  // namespace nksim
