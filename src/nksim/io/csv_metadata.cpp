#include "nksim/io/csv_metadata.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "nksim/core/error.h"

namespace nksim {

void write_csv_metadata(const std::filesystem::path& csv_file,
                        const std::vector<CsvColumn>& columns) {
  nlohmann::json schema = nlohmann::json::array();
  for (const CsvColumn& c : columns) {
    schema.push_back({{"name", c.name},
                      {"titles", c.name},
                      {"datatype", "double"},
                      {"dc:description", c.description},
                      {"schema:unitText", c.unit}});
  }
  const nlohmann::json metadata = {
      {"@context", "http://www.w3.org/ns/csvw"},
      {"url", csv_file.filename().string()},
      {"tableSchema", {{"columns", schema}}}};
  const std::filesystem::path file = csv_file.string() + "-metadata.json";
  std::ofstream out(file, std::ios::binary);
  out << metadata.dump(2) << '\n';
  if (!out) throw Error("cannot write " + file.string());
}

}  // namespace nksim
