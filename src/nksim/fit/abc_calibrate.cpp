#include "nksim/fit/abc_calibrate.h"

#include <cmath>
#include <set>
#include <sstream>

#include "nksim/api/nksim.h"
#include "nksim/api/session.h"
#include "nksim/api/spatial_sweep.h"
#include "nksim/core/error.h"
#include "nksim/core/parallel_for.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/engine/mechanism.h"
#include "nksim/fit/fit_files.h"
#include "nksim/io/csv_fields.h"
#include "nksim/io/scenario.h"
#include "nksim/io/well_mixed_output.h"

namespace nksim {
namespace abc_calibrate_detail {

// effector_to_target,lysis_percent,sd; '#' lines are comments (the data's source).
std::vector<LysisPoint> read_lysis_csv(const std::filesystem::path& file) {
  CsvReader csv = CsvReader::open(file, {.trim = true, .comments = true});
  const std::vector<std::string> columns{"effector_to_target", "lysis_percent", "sd"};
  CsvRecord header;
  if (!csv.next(header)) {
    csv.fail(csv.line(), 1, "no header row (expected effector_to_target,lysis_percent,sd)");
  }
  if (header.texts() != columns) {
    csv.fail(header.line, 1, "the header must be 'effector_to_target,lysis_percent,sd'");
  }
  std::vector<LysisPoint> points;
  std::set<double> seen;
  CsvRecord row;
  while (csv.next(row)) {
    if (row.size() != 3) {
      csv.fail(row.line, 1, "has " + count_of(row.size(), "field") + ", expected 3");
    }
    double v[3] = {0, 0, 0};
    for (std::size_t k = 0; k < 3; ++k) v[k] = csv.finite_number(row[k], columns[k]);
    if (!(v[0] > 0)) {
      csv.fail(row[0], "'effector_to_target' must be > 0 (the control is simulated)");
    }
    if (!(v[2] > 0)) csv.fail(row[2], "'sd' must be > 0");
    if (!seen.insert(v[0]).second) {
      csv.fail(row[0], "E:T " + format_number(v[0]) + " appears twice");
    }
    points.push_back({v[0], v[1], v[2], row.line});
  }
  if (points.empty()) csv.fail(csv.line(), 1, "no data rows");
  return points;
}

TomlDocument scenario_with(const CalibrateSpec& spec, const TomlDocument& scenario,
                           const std::vector<double>& theta) {
  TomlDocument doc = scenario;
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    doc = doc.with_number(spec.parameters[k].path, theta[k]);
  }
  return doc;
}

double dead_fraction(const TomlDocument& document, int threads) {
  SpatialSession session(document, threads);
  session.run_to_end();
  const Simulation& sim = session.simulation();
  for (const auto& m : sim.mechanisms()) {
    if (std::string(m->name()) == "nk_recognition_kill") {
      return m->readouts(sim)["targets"]["dead_fraction"].get<double>();
    }
  }
  throw InputError(document.file() + ": nksim calibrate needs [mechanisms.nk_recognition_kill]");
}

}  // namespace abc_calibrate_detail

CalibrateSpec read_calibrate_spec_file(const std::filesystem::path& file) {
  using fit_files::beside;
  const TomlDocument document = TomlDocument::parse_file(file);
  CalibrateSpec spec;
  spec.file = document.file();
  spec.text = document.text();
  TableReader root = document.reader();
  TableReader c = root.table("calibrate");
  const std::string scenario = c.string("scenario");
  const auto scenario_path = beside(spec.file, scenario);
  if (!std::filesystem::is_regular_file(scenario_path)) {
    c.fail("scenario", "is '" + scenario + "', but " + scenario_path.string() + " is not a file");
  }
  spec.scenario_file = scenario_path.string();
  const TomlDocument scenario_doc = TomlDocument::parse_file(scenario_path);
  if (const std::string engine = scenario_engine(scenario_doc); engine != "spatial") {
    c.fail("scenario", "is '" + scenario + "', a " + engine +
                           " scenario; nksim calibrate takes spatial killing assays");
  }
  if (has_sweep(scenario_doc)) {
    c.fail("scenario", "is '" + scenario + "', which has a [sweep]; calibrate sets E:T itself");
  }
  const std::string data = c.string("data");
  const auto data_path = beside(spec.file, data);
  if (!std::filesystem::is_regular_file(data_path)) {
    c.fail("data", "is '" + data + "', but " + data_path.string() + " is not a file");
  }
  spec.data_file = data_path.string();
  spec.effector_to_target_path =
      c.string_or("effector_to_target", "mechanisms.nk_infusion.dose[1].effector_to_target");
  if (!scenario_doc.node(spec.effector_to_target_path).is_number()) {
    c.fail("effector_to_target", "is '" + spec.effector_to_target_path + "', not a number in " +
                                     scenario_path.filename().string());
  }
  spec.seed = static_cast<std::uint64_t>(c.integer_or("seed", 1, 0));
  spec.replicates = static_cast<int>(c.integer_or("replicates", 4, 1, 1000));
  c.finish();

  AbcSettings& abc = spec.abc;
  abc.seed = spec.seed;
  if (auto a = root.optional_table("abc")) {
    abc.population = static_cast<int>(a->integer_or("population", 24, 2, 100000));
    abc.max_generations = static_cast<int>(a->integer_or("max_generations", 3, 0, 1000));
    abc.quantile = a->number_or("quantile", 0.5, Bound::kPositive);
    if (!(abc.quantile < 1))
      a->fail("quantile", "must be in (0, 1), got " + format_number(abc.quantile));
    abc.target_epsilon = a->number_or("target_distance", 0, Bound::kNonNegative);
    abc.max_simulations = a->integer_or("max_simulations", 2000, 1);
    a->finish();
  } else {
    abc.population = 24;
    abc.max_generations = 3;
    abc.max_simulations = 2000;
  }

  auto tables = root.tables("parameter");
  if (tables.empty()) root.fail_missing("parameter", "at least one [[parameter]] table");
  std::set<std::string> names;
  for (auto& t : tables) {
    CalibrateParameter p;
    p.prior.name = t.string("name");
    if (!names.insert(p.prior.name).second) t.fail("name", "'" + p.prior.name + "' appears twice");
    p.path = t.string("path");
    if (!scenario_doc.node(p.path).is_number()) {
      // with_number adds a key missing from an existing table; check that it can.
      try {
        (void)scenario_doc.with_number(p.path, 1.0);
      } catch (const InputError& e) {
        t.fail("path", "is '" + p.path + "', which names no number in " +
                           scenario_path.filename().string() + " (" + e.what() + ")");
      }
    }
    p.prior.lower = t.number("lower");
    p.prior.upper = t.number("upper");
    p.prior.log = t.boolean_or("log", false);
    if (!(p.prior.upper > p.prior.lower)) {
      t.fail("upper", "must be greater than lower (" + format_number(p.prior.lower) + ")");
    }
    if (p.prior.log && !(p.prior.lower > 0)) t.fail("lower", "must be > 0 when log = true");
    t.finish();
    spec.parameters.push_back(std::move(p));
  }
  root.finish();
  spec.data = abc_calibrate_detail::read_lysis_csv(data_path);
  return spec;
}

std::vector<double> simulate_lysis_curve(const CalibrateSpec& spec, const TomlDocument& scenario,
                                         const std::vector<double>& theta, std::uint64_t seed,
                                         int threads) {
  using namespace abc_calibrate_detail;
  // The scenario's seed: 31 bits of the stream's seed (any non-negative TOML integer would do).
  const double run_seed = static_cast<double>(seed >> 33);
  const TomlDocument base =
      scenario_with(spec, scenario, theta).with_number("simulation.seed", run_seed);
  const double control =
      dead_fraction(base.with_number(spec.effector_to_target_path, 0.0), threads);
  std::vector<double> lysis;
  for (const auto& point : spec.data) {
    const double dead = dead_fraction(
        base.with_number(spec.effector_to_target_path, point.effector_to_target), threads);
    lysis.push_back(specific_lysis_percent(dead, control));
  }
  return lysis;
}

double lysis_distance(const CalibrateSpec& spec, const std::vector<double>& simulated) {
  double sum = 0;
  for (std::size_t k = 0; k < spec.data.size(); ++k) {
    const double z = (simulated[k] - spec.data[k].percent) / spec.data[k].sd;
    sum += z * z;
  }
  return std::sqrt(sum / static_cast<double>(spec.data.size()));
}

CalibrateResult run_calibration(const CalibrateSpec& spec, int threads) {
  const TomlDocument scenario = TomlDocument::parse_file(spec.scenario_file);
  // Every run read once up front, so a bad value fails before the first generation.
  validate_scenario(scenario);
  std::vector<AbcParameter> priors;
  for (const auto& p : spec.parameters) priors.push_back(p.prior);
  AbcSettings settings = spec.abc;
  settings.threads = threads;
  CalibrateResult result;
  result.abc =
      run_abc_smc(priors, settings, [&](const std::vector<double>& theta, std::uint64_t seed) {
        return lysis_distance(spec, simulate_lysis_curve(spec, scenario, theta, seed, 1));
      });
  for (const auto& post : result.abc.posterior) result.median.push_back(post.median);
  // The curve at the posterior median: replicate wells with seeds 1..replicates.
  std::vector<std::vector<double>> wells(static_cast<std::size_t>(spec.replicates));
  parallel_for(wells.size(), threads, [&](std::size_t r) {
    wells[r] = simulate_lysis_curve(spec, scenario, result.median,
                                    static_cast<std::uint64_t>(r + 1) << 33, 1);
  });
  for (std::size_t k = 0; k < spec.data.size(); ++k) {
    CalibrateCurvePoint point;
    point.effector_to_target = spec.data[k].effector_to_target;
    point.observed = spec.data[k].percent;
    point.observed_sd = spec.data[k].sd;
    for (const auto& w : wells) point.replicates.push_back(w[k]);
    double mean = 0;
    for (double v : point.replicates) mean += v;
    mean /= static_cast<double>(point.replicates.size());
    double var = 0;
    for (double v : point.replicates) var += (v - mean) * (v - mean);
    point.mean = mean;
    point.sd = point.replicates.size() > 1
                   ? std::sqrt(var / static_cast<double>(point.replicates.size() - 1))
                   : 0.0;
    result.curve.push_back(point);
  }
  return result;
}

void write_calibration_outputs(const std::filesystem::path& dir, const CalibrateSpec& spec,
                               const CalibrateResult& result) {
  using fit_files::check;
  using fit_files::csv_number;
  using fit_files::open;
  const auto& abc = result.abc;
  {
    const auto file = dir / "particles.csv";
    auto out = open(file);
    out << "generation,particle";
    for (const auto& p : spec.parameters) out << "," << p.prior.name;
    out << ",weight,distance\n";
    for (std::size_t t = 0; t < abc.generations.size(); ++t) {
      const auto& particles = abc.generations[t].particles;
      for (std::size_t i = 0; i < particles.size(); ++i) {
        out << t << "," << i;
        for (double v : particles[i].theta) out << "," << csv_number(v);
        out << "," << csv_number(particles[i].weight) << "," << csv_number(particles[i].distance)
            << "\n";
      }
    }
    check(out, file);
  }
  {
    const auto file = dir / "generations.csv";
    auto out = open(file);
    out << "generation,epsilon,accepted,simulations,acceptance_rate\n";
    for (std::size_t t = 0; t < abc.generations.size(); ++t) {
      const auto& g = abc.generations[t];
      out << t << "," << csv_number(g.epsilon) << "," << g.particles.size() << "," << g.simulations
          << "," << csv_number(g.acceptance_rate()) << "\n";
    }
    check(out, file);
  }
  nlohmann::json posterior = nlohmann::json::array();
  {
    const auto file = dir / "posterior.csv";
    auto out = open(file);
    out << "parameter,path,prior,prior_lower,prior_upper,mean,median,q05,q95,identified\n";
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      const auto& p = spec.parameters[k];
      const auto& post = abc.posterior[k];
      const bool identified = abc_identified(p.prior, post);
      const char* prior = p.prior.log ? "log-uniform" : "uniform";
      out << p.prior.name << "," << p.path << "," << prior << "," << csv_number(p.prior.lower)
          << "," << csv_number(p.prior.upper) << "," << csv_number(post.mean) << ","
          << csv_number(post.median) << "," << csv_number(post.q05) << "," << csv_number(post.q95)
          << "," << (identified ? "yes" : "no") << "\n";
      posterior.push_back({{"name", p.prior.name},
                           {"path", p.path},
                           {"prior", prior},
                           {"prior_lower", p.prior.lower},
                           {"prior_upper", p.prior.upper},
                           {"mean", post.mean},
                           {"median", post.median},
                           {"q05", post.q05},
                           {"q95", post.q95},
                           {"identified", identified}});
    }
    check(out, file);
  }
  nlohmann::json curve = nlohmann::json::array();
  {
    const auto file = dir / "curve.csv";
    auto out = open(file);
    out << "effector_to_target,observed_percent,observed_sd,simulated_mean,simulated_sd,"
           "replicates\n";
    for (const auto& c : result.curve) {
      out << csv_number(c.effector_to_target) << "," << csv_number(c.observed) << ","
          << csv_number(c.observed_sd) << "," << csv_number(c.mean) << "," << csv_number(c.sd)
          << "," << c.replicates.size() << "\n";
      curve.push_back({{"effector_to_target", c.effector_to_target},
                       {"observed_percent", c.observed},
                       {"observed_sd", c.observed_sd},
                       {"simulated_mean", c.mean},
                       {"simulated_sd", c.sd},
                       {"simulated_replicates", c.replicates}});
    }
    check(out, file);
  }
  nlohmann::json generations = nlohmann::json::array();
  for (const auto& g : abc.generations) {
    generations.push_back({{"epsilon", std::isfinite(g.epsilon) ? nlohmann::json(g.epsilon)
                                                                : nlohmann::json(nullptr)},
                           {"simulations", g.simulations},
                           {"acceptance_rate", g.acceptance_rate()}});
  }
  nlohmann::json j;
  j["command"] = "calibrate";
  j["nksim_version"] = kVersion;
  j["spec"] = std::filesystem::path(spec.file).filename().string();
  j["spec_hash"] = fnv1a_hex(spec.text);
  j["scenario"] = std::filesystem::path(spec.scenario_file).filename().string();
  j["data"] = std::filesystem::path(spec.data_file).filename().string();
  j["method"] = "ABC-SMC (Toni 2009; Beaumont 2009)";
  j["seed"] = spec.seed;
  j["abc"] = {{"population", spec.abc.population},
              {"max_generations", spec.abc.max_generations},
              {"quantile", spec.abc.quantile},
              {"target_distance", spec.abc.target_epsilon},
              {"max_simulations", spec.abc.max_simulations}};
  j["simulations"] = abc.simulations;
  j["generations"] = std::move(generations);
  j["final_epsilon"] = std::isfinite(abc.generations.back().epsilon)
                           ? nlohmann::json(abc.generations.back().epsilon)
                           : nlohmann::json(nullptr);
  j["posterior"] = std::move(posterior);
  j["curve_at_posterior_median"] = std::move(curve);
  write_json(dir / "summary.json", j);
}

std::string calibration_summary_text(const CalibrateSpec& spec, const CalibrateResult& result) {
  std::ostringstream s;
  const auto& abc = result.abc;
  s << "ABC-SMC calibration of " << count_of(spec.parameters.size(), "parameter") << " to "
    << count_of(spec.data.size(), "E:T point") << ": " << abc.generations.size() << " generations, "
    << abc.simulations << " simulations, final epsilon "
    << format_number(abc.generations.back().epsilon, 3) << "\n";
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& post = abc.posterior[k];
    s << "  " << spec.parameters[k].prior.name << ": median " << format_number(post.median, 3)
      << ", 90% [" << format_number(post.q05, 3) << ", " << format_number(post.q95, 3) << "]"
      << (abc_identified(spec.parameters[k].prior, post) ? "" : " (not identified)") << "\n";
  }
  s << "  lysis at the posterior median (E:T: simulated mean vs observed):";
  for (const auto& c : result.curve) {
    s << " " << format_number(c.effector_to_target) << ": " << format_number(c.mean, 3) << " vs "
      << format_number(c.observed, 3) << ";";
  }
  s << "\n";
  return s.str();
}

}  // namespace nksim
