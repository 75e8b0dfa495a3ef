#include "trial_test_util.h"

#include <fstream>

#include "nksim/core/text.h"
#include "nksim/io/sqlite_db.h"

namespace nksim::test {

std::filesystem::path write_trial(const std::filesystem::path& dir, const std::string& name,
                                  const std::string& body) {
  const auto file = dir / name;
  std::ofstream out(file);
  out << "[trial]\nbase = \"" << NKSIM_SOURCE_DIR << "/scenarios/trial_nk_dose_base.toml\"\n"
      << body;
  return file;
}

std::string small_trial_body(int patients, const std::string& sampler) {
  return "patients = " + std::to_string(patients) + "\nseed = 99\nsampler = \"" + sampler +
         "\"\nfollow_up_days = 40\n"
         R"(
[[distribution]]
parameter = "c"
kind = "lognormal"
median = 3.23e-7
sigma_log = 0.5
lower = 5e-8

[[distribution]]
parameter = "initial.T"
kind = "uniform"
lower = 1e5
upper = 5e6

[[distribution]]
parameter = "parameter_set"
kind = "discrete"
labels = ["mouse_nn", "mouse_nl"]

[[arm]]
name = "low"
dose_scale = 0.01

[[arm]]
name = "high"
dose_scale = 0.03

[endpoints]
assessment_day = 28
death_above = 5e8
peak_state = "N"
)";
}

std::vector<std::string> endpoint_rows(const std::filesystem::path& dir) {
  SqliteDb db(dir / "trial.sqlite", SqliteDb::Mode::kReadOnly);
  auto stmt = db.prepare(
      "SELECT e.patient, e.arm, e.seed, e.status, e.category, e.best_pct_change, e.ttp_days, "
      "e.survival_days, e.death, e.elimination_time_days, e.escape_time_days, e.peak, "
      "e.final_tumour, (SELECT group_concat(s.state || '@' || printf('%!.17g', s.time_days) || "
      "'=' || printf('%!.17g', s.value), ';') FROM (SELECT * FROM series s WHERE s.patient = "
      "e.patient AND s.arm = e.arm ORDER BY s.state, s.time_days) s) FROM endpoints e "
      "ORDER BY e.patient, e.arm");
  std::vector<std::string> rows;
  while (stmt.step()) {
    std::string row = stmt.column_text(0) + "," + stmt.column_text(1) + "," + stmt.column_text(2) +
                      "," + stmt.column_text(3) + "," + stmt.column_text(4);
    for (int c = 5; c <= 12; ++c) {
      const auto v = stmt.column_optional(c);
      row += "," + (v ? format_number(*v, 17) : std::string("NULL"));
    }
    row += "," + stmt.column_text(13);
    rows.push_back(row);
  }
  return rows;
}

std::size_t committed_rows(const std::filesystem::path& db_file) {
  try {
    if (!std::filesystem::exists(db_file)) return 0;
    SqliteDb db(db_file, SqliteDb::Mode::kReadOnly);
    auto stmt = db.prepare("SELECT count(*) FROM endpoints");
    stmt.step();
    return static_cast<std::size_t>(stmt.column_int(0));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace nksim::test
