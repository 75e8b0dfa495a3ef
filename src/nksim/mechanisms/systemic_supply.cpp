// systemic_supply: a systemic well-mixed run (blood kinetics of infused cells, cytokines) stepped
// together with the tissue patch, the way spQSP platforms couple a QSP model to an agent-based
// region (Gong et al. 2021, Cancers 13:3751; Ruiz-Martinez et al. 2022, PLoS Comput Biol
// 18:e1010254). Docs: docs/mechanisms/systemic_supply.md.
//
// Every coupling interval dt (a whole number of phenotype steps), in the decide phase at
// t = 0, dt, 2 dt, ...:
//   1. the systemic run is advanced to the tissue's time (days = min / 1440);
//   2. the blood level C is the sum of the named systemic states; each source site recruits one
//      cell of the named type with probability p = min(1, k C dt) (spQSP-IO's rule
//      p = min(1, k_rec C_central) with the interval written out), placed uniformly in the site;
//   3. feedback: the tumour cells of the patch times patch_scale set a named systemic state
//      (optional), and the recruited cells times patch_scale divided by the blood volume leave
//      the blood states in proportion to their levels (optional). Each change is a bolus given
//      now (WellMixedRun::add_to_state), so the solver restarts there.
// Source sites are the cells of a lattice of side site_um: those on the domain's edge, or a
// fraction chosen once by a counter-based draw per site; or the live agents of a named type
// (vessels), the new cell appearing beside one. Draws are keyed by (seed, phenotype
// step, site), so results do not depend on threads. The systemic run is a replay of the
// well-mixed scenario with the boluses given so far: a checkpoint saves those boluses and the
// time reached, and the restored run replays them to the same bits.
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include "nksim/core/error.h"
#include "nksim/core/interrupt.h"
#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/core/text.h"
#include "nksim/engine/simulation.h"
#include "nksim/io/csv_metadata.h"
#include "nksim/io/limits.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"

namespace nksim {
namespace {

constexpr double kMinPerDay = 1440.0;
constexpr double kMaxSites = 1e6;
constexpr double kMaxIntervalSteps = 1e12;
constexpr double kMaxPatchScale = 1e12;

// Source sites: cells of a lattice over the domain, by index (x fastest).
struct SiteLattice {
  std::array<std::int64_t, 3> n = {1, 1, 1};
  std::array<double, 3> size_um = {0, 0, 0};
  std::array<double, 3> lo_um = {0, 0, 0};

  std::int64_t count() const { return n[0] * n[1] * n[2]; }
  std::array<std::int64_t, 3> cell(std::int64_t j) const {
    return {j % n[0], (j / n[0]) % n[1], j / (n[0] * n[1])};
  }
};

struct SupplySettings {
  std::string systemic_file;  // as given, for messages and the CSV header
  WellMixedProblem problem;
  std::vector<std::size_t> blood_states;
  int recruits = 0;
  double k_recruit_ul_per_min = 0;
  double interval_min = 60;
  std::uint64_t every_steps = 10;  // phenotype steps per coupling interval
  SiteLattice lattice;
  std::vector<std::int64_t> sites;  // source site indices, ascending
  int source_type = -1;  // sources = "agents": the live agents of this type are the sites
  double patch_scale = 1;
  int tumour_type = -1;   // feedback of tumour cells when >= 0 ...
  int tumour_state = -1;  // ... into this systemic state
  double blood_volume_ul = 0;  // > 0: recruited cells leave the blood
};

// The probability that one source site recruits a cell during an interval dt:
// p = min(1, k C dt), C the blood level (clamped at 0), k per site.
double recruit_probability(double k_ul_per_min, double c, double dt_min) {
  return std::min(1.0, k_ul_per_min * std::max(0.0, c) * dt_min);
}

class SystemicSupply final : public Mechanism {
 public:
  explicit SystemicSupply(SupplySettings settings)
      : s_(std::move(settings)), run_(std::make_unique<WellMixedRun>(s_.problem)) {}
  const char* name() const override { return "systemic_supply"; }
  unsigned phases() const override { return phase_bit(Phase::kDecide); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    if (step.step % s_.every_steps != 0) return;
    const InterruptsDeferred whole_step;  // the session stops between steps, not inside one
    const double t_days = step.time_min / kMinPerDay;
    run_->advance_to(t_days);
    const std::vector<double> y = run_->state();
    double c = 0;
    for (std::size_t k : s_.blood_states) c += y[k];
    const double p = recruit_probability(s_.k_recruit_ul_per_min, c, s_.interval_min);
    const std::int64_t arrived =
        s_.source_type >= 0 ? recruit_at_agents(sim, step, p) : recruit(sim, step, p);
    recruited_ += arrived;
    ++couplings_;

    const AgentStore& a = sim.agents();
    std::int64_t live_recruits = 0, tumour = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      live_recruits += a.type[i] == s_.recruits;
      tumour += a.type[i] == s_.tumour_type;
    }
    rows_.push_back(step.time_min);
    rows_.push_back(t_days);
    rows_.insert(rows_.end(), y.begin(), y.end());
    for (double v : {c, p, static_cast<double>(arrived), static_cast<double>(recruited_),
                     static_cast<double>(live_recruits)}) {
      rows_.push_back(v);
    }
    if (s_.tumour_type >= 0) rows_.push_back(static_cast<double>(tumour));

    // Feedback: each change is a bolus now; the solver restarts at it.
    if (s_.tumour_type >= 0 && s_.tumour_state >= 0) {
      const auto index = static_cast<std::size_t>(s_.tumour_state);
      const double change = static_cast<double>(tumour) * s_.patch_scale - y[index];
      if (change != 0) run_->add_to_state(index, change);
    }
    if (s_.blood_volume_ul > 0 && arrived > 0 && c > 0) {
      const double loss = std::min(
          c, static_cast<double>(arrived) * s_.patch_scale / s_.blood_volume_ul);
      for (std::size_t k : s_.blood_states) {
        if (y[k] > 0) run_->add_to_state(k, -loss * y[k] / c);
      }
    }
  }

  nlohmann::json readouts(const Simulation&) const override {
    const std::vector<double> y = run_->state();
    double c = 0;
    for (std::size_t k : s_.blood_states) c += y[k];
    return {{"couplings", couplings_},
            {"recruited", recruited_},
            {"source_sites", s_.source_type >= 0 ? last_agent_sites_
                                                 : static_cast<std::int64_t>(s_.sites.size())},
            {"systemic_time_days", run_->time_days()},
            {"blood_level", c}};
  }

  void save_state(StateWriter& out) const override {
    const auto& doses = run_->problem().doses;
    std::vector<std::uint64_t> states;
    std::vector<double> times, amounts;
    for (std::size_t d = s_.problem.doses.size(); d < doses.size(); ++d) {
      states.push_back(doses[d].state);
      times.push_back(doses[d].start_days);
      amounts.push_back(doses[d].amount);
    }
    out.put("bolus_state", states);
    out.put("bolus_time_days", times);
    out.put("bolus_amount", amounts);
    out.put_value("systemic_time_days", run_->time_days());
    out.put("systemic_state", run_->state());
    out.put_value("recruited", recruited_);
    out.put_value("couplings", couplings_);
    out.put_value("agent_sites", last_agent_sites_);
    out.put("rows", rows_);
  }

  // Replays the well-mixed scenario with the saved boluses to the saved time; the state reached
  // must be the saved one to the bit (otherwise the systemic scenario file changed).
  void restore_state(const StateReader& in) override {
    const std::vector<std::uint64_t> states = in.get<std::uint64_t>("bolus_state");
    const auto n = static_cast<std::int64_t>(states.size());
    const std::vector<double> times = in.get<double>("bolus_time_days", n);
    const std::vector<double> amounts = in.get<double>("bolus_amount", n);
    WellMixedProblem problem = s_.problem;
    for (std::size_t d = 0; d < states.size(); ++d) {
      if (states[d] >= problem.model->num_states()) {
        throw InputError(in.path().string() + ": systemic_supply's checkpoint names a state " +
                         std::to_string(states[d]) + " its model does not have");
      }
      ResolvedDose dose;
      dose.state = states[d];
      dose.start_days = dose.stop_days = times[d];
      dose.amount = amounts[d];
      problem.doses.push_back(dose);
    }
    run_ = std::make_unique<WellMixedRun>(problem);
    run_->advance_to(in.get_value<double>("systemic_time_days"));
    const auto saved = in.get<double>("systemic_state",
                                      static_cast<std::int64_t>(problem.model->num_states()));
    if (run_->state() != saved) {
      throw InputError(in.path().string() + ": the systemic run replayed from the checkpoint "
                       "does not reach the saved state; " + s_.systemic_file +
                       " changed since the checkpoint was written");
    }
    recruited_ = in.get_value<std::int64_t>("recruited");
    couplings_ = in.get_value<std::int64_t>("couplings");
    last_agent_sites_ = in.get_value<std::int64_t>("agent_sites");
    rows_ = in.get<double>("rows");
  }

  // systemic.csv: one row per coupling; units in systemic.csv-metadata.json.
  void write_outputs(const std::filesystem::path& dir) const override {
    const std::vector<CsvColumn> columns = csv_columns();
    std::ostringstream csv;
    for (std::size_t c = 0; c < columns.size(); ++c) csv << (c ? "," : "") << columns[c].name;
    csv << "\n";
    const std::size_t width = columns.size();
    for (std::size_t r = 0; r + width <= rows_.size(); r += width) {
      for (std::size_t c = 0; c < width; ++c) {
        csv << (c ? "," : "") << format_number(rows_[r + c]);
      }
      csv << "\n";
    }
    const std::filesystem::path file = dir / "systemic.csv";
    std::ofstream out(file, std::ios::binary);
    out << csv.str();
    if (!out) throw Error("cannot write " + file.string());
    out.close();
    write_csv_metadata(file, columns);
  }

 private:
  // Bernoulli draws over the source sites in index order; returns the number recruited.
  std::int64_t recruit(Simulation& sim, const StepInfo& step, double p) {
    if (!(p > 0)) return 0;
    const int dim = sim.domain().dim;
    std::int64_t arrived = 0;
    for (const std::int64_t j : s_.sites) {
      const auto id = static_cast<std::uint64_t>(j);
      const RandomDraw draw(sim.seed(), step.step, Purpose::kSystemicSupply, id, 1);
      if (draw.uniform(0) >= p) continue;
      const RandomDraw where(sim.seed(), step.step, Purpose::kSystemicSupply, id, 2);
      const double u[3] = {draw.uniform(1), where.uniform(0), where.uniform(1)};
      const auto cell = s_.lattice.cell(j);
      std::array<double, 3> x = {0, 0, 0};
      for (int ax = 0; ax < dim; ++ax) {
        x[ax] = s_.lattice.lo_um[ax] +
                (static_cast<double>(cell[ax]) + u[ax]) * s_.lattice.size_um[ax];
      }
      sim.add_agent(s_.recruits, x[0], x[1], x[2]);
      ++arrived;
    }
    return arrived;
  }

  // sources = "agents": each live agent of the source type (a vessel), in id order, recruits
  // with probability p; the cell appears just outside it (centre distance = the two radii) in a
  // random direction. Draws keyed by (seed, phenotype step, the source agent's id).
  std::int64_t recruit_at_agents(Simulation& sim, const StepInfo& step, double p) {
    const AgentStore& a = sim.agents();
    std::vector<std::pair<std::uint64_t, std::size_t>> sources;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.type[i] == s_.source_type && a.state[i] == static_cast<std::int32_t>(AgentState::kLive)) {
        sources.emplace_back(a.id[i], i);
      }
    }
    std::sort(sources.begin(), sources.end());
    last_agent_sites_ = static_cast<std::int64_t>(sources.size());
    if (!(p > 0)) return 0;
    const double r_new = sim.types()[static_cast<std::size_t>(s_.recruits)].radius_um;
    std::vector<std::array<double, 3>> places;
    for (const auto& [id, i] : sources) {
      const RandomDraw draw(sim.seed(), step.step, Purpose::kSystemicSupply, id, 3);
      if (draw.uniform(0) >= p) continue;
      double ux, uy, uz;
      random_direction(RandomDraw(sim.seed(), step.step, Purpose::kSystemicSupply, id, 4),
                       sim.domain().dim, ux, uy, uz);
      const double r = a.radius[i] + r_new;
      places.push_back({a.x[i] + r * ux, a.y[i] + r * uy, a.z[i] + r * uz});
    }
    for (const auto& x : places) sim.add_agent(s_.recruits, x[0], x[1], x[2]);
    return static_cast<std::int64_t>(places.size());
  }

  std::vector<CsvColumn> csv_columns() const {
    std::vector<CsvColumn> columns = {
        {"time_min", "min", "tissue time of the coupling"},
        {"time_days", "days", "systemic time of the coupling (time_min / 1440)"}};
    const OdeModel& model = *s_.problem.model;
    for (const StateInfo& state : model.states()) {
      columns.push_back({std::string(state.name), std::string(state.unit),
                         "systemic state before this coupling's feedback: " +
                             std::string(state.description)});
    }
    const std::string unit(model.states()[s_.blood_states.front()].unit);
    columns.push_back({"blood_level", unit, "C: the sum of the blood states"});
    columns.push_back({"p_recruit", "1", "probability that one source site recruits a cell "
                                         "during the coming interval, min(1, k C dt)"});
    columns.push_back({"recruited", "cells", "cells recruited into the patch at this coupling"});
    columns.push_back({"recruited_total", "cells", "cells recruited so far"});
    columns.push_back({"recruits_live", "cells",
                       "live agents of the recruited type in the patch (after the arrivals)"});
    if (s_.tumour_type >= 0) {
      columns.push_back({"tumour_live", "cells", "live tumour agents in the patch"});
    }
    return columns;
  }

  SupplySettings s_;
  std::unique_ptr<WellMixedRun> run_;
  std::int64_t recruited_ = 0;
  std::int64_t couplings_ = 0;
  std::int64_t last_agent_sites_ = 0;  // sources = "agents": source agents at the last coupling
  std::vector<double> rows_;
};

int type_index(const SetupContext& context, const std::string& name) {
  for (std::size_t t = 0; t < context.types.size(); ++t) {
    if (context.types[t].name == name) return static_cast<int>(t);
  }
  return -1;
}

// `key` names a state of the systemic model; returns its index.
std::size_t state_index(TableReader& table, std::string_view key, const std::string& name,
                        const OdeModel& model) {
  const int index = model.state_index(name);
  if (index < 0) {
    const auto names = model.state_names();
    table.fail(key, "names '" + name + "', not a state of " + std::string(model.name()) +
                        " (states: " + join(names) + ")" + did_you_mean(name, names));
  }
  return static_cast<std::size_t>(index);
}

// The well-mixed scenario named by `systemic`, relative to the spatial scenario's folder.
WellMixedProblem read_systemic(TableReader& table, const SetupContext& context,
                               std::string& given) {
  given = table.string("systemic");
  std::filesystem::path path(given);
  if (path.is_relative()) path = context.scenario_dir / path;
  if (!std::filesystem::is_regular_file(path)) {
    table.fail("systemic", "is '" + given + "', but " + path.string() + " is not a file");
  }
  const TomlDocument document = TomlDocument::parse_file(path);
  const auto engine = document.root()["simulation"]["engine"].value<std::string>();
  if (engine.value_or("") != "well_mixed") {
    table.fail("systemic", "is '" + given + "', which is not a well-mixed scenario " +
                               "([simulation] engine = \"well_mixed\")");
  }
  return resolve(parse_well_mixed(document));
}

SiteLattice read_lattice(TableReader& table, const SetupContext& context) {
  const Domain& d = context.settings.domain;
  const double site_um = table.number_or("site_um", 20.0, Bound::kPositive);
  SiteLattice lattice;
  double sites = 1;
  for (int ax = 0; ax < d.dim; ++ax) {
    const double cells = std::max(1.0, std::round(d.extent(ax) / site_um));
    sites *= cells;
    if (sites > kMaxSites) {
      table.fail("site_um", "gives more than " + format_number(kMaxSites) + " lattice sites");
    }
    lattice.n[ax] = static_cast<std::int64_t>(cells);
    lattice.size_um[ax] = d.extent(ax) / cells;
    lattice.lo_um[ax] = d.lo_um[ax];
  }
  return lattice;
}

// Sites on the domain's edge, or a fraction drawn once (one counter-based uniform per site), or
// (sources = "agents") the live agents of a type, looked up at each coupling.
std::vector<std::int64_t> choose_sites(TableReader& table, const SetupContext& context,
                                       const SiteLattice& lattice, SupplySettings& s) {
  static const std::string kSources[] = {"boundary", "fraction", "agents"};
  const std::string sources = table.choice_or("sources", kSources, "boundary");
  const std::optional<double> fraction =
      table.optional_number("source_fraction", Bound::kNonNegative);
  if (sources != "fraction" && fraction) {
    table.fail("source_fraction", "is only for sources = \"fraction\"");
  }
  const std::optional<std::string> source_type = table.optional_string("source_type");
  if ((sources == "agents") != source_type.has_value()) {
    table.fail(source_type ? "source_type" : "sources",
               "source_type (the cell type of the vessels) goes with sources = \"agents\"");
  }
  if (source_type) {
    s.source_type = type_index(context, *source_type);
    if (s.source_type < 0) {
      std::vector<std::string> names;
      for (const auto& t : context.types) names.push_back(t.name);
      table.fail("source_type", "is '" + *source_type + "', not a cell type (types: " +
                                    join(names) + ")" + did_you_mean(*source_type, names));
    }
    return {};
  }
  if (fraction && *fraction > 1) table.fail("source_fraction", "must be <= 1");
  const int dim = context.settings.domain.dim;
  std::vector<std::int64_t> sites;
  for (std::int64_t j = 0; j < lattice.count(); ++j) {
    if (sources == "boundary") {
      const auto cell = lattice.cell(j);
      bool edge = false;
      for (int ax = 0; ax < dim; ++ax) edge = edge || cell[ax] == 0 || cell[ax] == lattice.n[ax] - 1;
      if (edge) sites.push_back(j);
    } else {
      const RandomDraw draw(context.settings.seed, 0, Purpose::kSystemicSupply,
                            static_cast<std::uint64_t>(j), 0);
      if (draw.uniform(0) < fraction.value_or(0.1)) sites.push_back(j);
    }
  }
  if (sites.empty()) {
    context.warnings.push_back(table.location("sources") + ": '" + table.key_path("sources") +
                               "' gives no source site: no cell is ever recruited");
  }
  return sites;
}

// The optional feedback: tumour cells into a systemic state, recruited cells out of the blood.
void read_feedback(TableReader& table, const SetupContext& context, SupplySettings& s) {
  const OdeModel& model = *s.problem.model;
  s.patch_scale = table.number_or("patch_scale", 1.0, Bound::kPositive);
  if (s.patch_scale > kMaxPatchScale) {
    table.fail("patch_scale", "is " + format_number(s.patch_scale) + "; at most " +
                                  format_number(kMaxPatchScale) + " (a whole tumour over a patch)");
  }
  const std::optional<std::string> tumour = table.optional_string("tumour_type");
  const std::optional<std::string> tumour_state = table.optional_string("tumour_state");
  if (tumour) {
    s.tumour_type = type_index(context, *tumour);
    if (s.tumour_type < 0) {
      std::vector<std::string> names;
      for (const auto& t : context.types) names.push_back(t.name);
      table.fail("tumour_type", "is '" + *tumour + "', not a cell type (types: " + join(names) +
                                    ")" + did_you_mean(*tumour, names));
    }
  }
  if (tumour_state) {
    if (!tumour) table.fail("tumour_state", "needs tumour_type (the cells it counts)");
    s.tumour_state = static_cast<int>(state_index(table, "tumour_state", *tumour_state, model));
  }
  s.blood_volume_ul = table.optional_number("blood_volume_ul", Bound::kPositive).value_or(0);
}

}  // namespace

std::unique_ptr<Mechanism> make_systemic_supply(TableReader& table, const SetupContext& context) {
  SupplySettings s;
  s.problem = read_systemic(table, context, s.systemic_file);
  const OdeModel& model = *s.problem.model;
  if (context.end_time_min / kMinPerDay > s.problem.end_time_days * (1 + 1e-12)) {
    table.fail("systemic", "runs to " + format_number(s.problem.end_time_days) +
                               " days, but the tissue runs to " +
                               format_number(context.end_time_min / kMinPerDay) + " days");
  }
  const std::vector<std::string> blood = table.string_array("blood_states");
  if (blood.empty()) table.fail("blood_states", "must name at least one systemic state");
  for (const std::string& name : blood) {
    s.blood_states.push_back(state_index(table, "blood_states", name, model));
  }
  std::vector<std::string> names;
  for (const auto& t : context.types) names.push_back(t.name);
  s.recruits = type_index(context, table.choice("recruits", names));
  s.k_recruit_ul_per_min = table.number("k_recruit_ul_per_min", Bound::kNonNegative);
  s.interval_min = table.number_or("interval_min", 60.0, Bound::kPositive);
  const double dt = context.settings.dt_phenotype_min;
  const double steps = s.interval_min / dt;
  if (!(steps <= kMaxIntervalSteps)) {
    table.fail("interval_min", "is " + format_number(s.interval_min) + " min, more than " +
                                   format_number(kMaxIntervalSteps) + " phenotype steps");
  }
  if (std::abs(steps - std::round(steps)) > 1e-6 * steps || std::round(steps) < 1) {
    table.fail("interval_min", "is " + format_number(s.interval_min) +
                                   " min, not a whole multiple of dt_phenotype_min (" +
                                   format_number(dt) + " min)");
  }
  s.every_steps = static_cast<std::uint64_t>(std::llround(steps));
  s.lattice = read_lattice(table, context);
  s.sites = choose_sites(table, context, s.lattice, s);
  read_feedback(table, context, s);
  if (s.k_recruit_ul_per_min == 0) {
    context.warnings.push_back(table.location("k_recruit_ul_per_min") + ": '" +
                               table.key_path("k_recruit_ul_per_min") +
                               "' is 0: no cell is ever recruited");
  }
  return std::make_unique<SystemicSupply>(std::move(s));
}

}  // namespace nksim
