#include "nksim/io/spatial_scenario.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nksim/core/error.h"
#include "nksim/core/rng.h"
#include "nksim/core/text.h"
#include "nksim/io/limits.h"
#include "nksim/io/spatial_population.h"
#include "nksim/mechanisms/builtin.h"

namespace nksim {
namespace {

Domain read_domain(TableReader& sim) {
  Domain d;
  d.dim = static_cast<int>(sim.integer("dimension", 2, 3));
  d.lo_um = read_point(sim, "domain_min_um", d.dim, true);
  d.hi_um = read_point(sim, "domain_max_um", d.dim, true);
  for (int a = 0; a < d.dim; ++a) {
    if (!(d.hi_um[a] > d.lo_um[a])) {
      sim.fail("domain_max_um", "must exceed domain_min_um on every axis (size must be > 0)");
    }
  }
  if (d.dim == 2) {
    d.lo_um[2] = 0;
    d.hi_um[2] = 0;
  }
  const std::vector<std::string> boundaries = {"reflecting", "periodic"};
  d.boundary = sim.choice_or("boundary", boundaries, "reflecting") == "periodic"
                   ? AgentBoundary::kPeriodic
                   : AgentBoundary::kReflecting;
  return d;
}


// A property that cell types declare but no mechanism reads is carried along (inherited, in
// snapshots) and otherwise ignored. When it is a near-miss of one a mechanism does read ("mhc"
// for "mhc_i"), it is an error: the mechanism would silently read 0. Otherwise a warning.
void check_properties_read(std::vector<TableReader>& type_tables,
                           const std::vector<std::string>& declared,
                           const std::set<std::string>& read, std::vector<std::string>& warnings) {
  const std::vector<std::string> wanted(read.begin(), read.end());
  for (const std::string& name : declared) {
    if (read.count(name) != 0) continue;
    for (TableReader& t : type_tables) {
      auto props = t.optional_table("properties");
      if (!props || !props->has(name)) continue;
      const std::string suggestion = nearest_key(name, wanted);
      if (!suggestion.empty()) {
        props->fail(name, "is read by no mechanism; did you mean '" + suggestion +
                              "' (which a mechanism reads, and would find missing)?");
      }
      warnings.push_back(props->location(name) + ": property '" + name +
                         "' is read by no mechanism: it is only inherited and written to "
                         "snapshots");
      break;
    }
  }
}

// Refuses initial agents whose total volume (area in 2-D) exceeds kMaxCrowding times the
// domain's: they cannot fit, and mechanics would push them apart with huge forces.
void check_crowding(const TableReader& sim_table, const Simulation& sim) {
  const Domain& d = sim.domain();
  double domain = 1, cells = 0;
  for (int a = 0; a < d.dim; ++a) domain *= d.extent(a);
  const AgentStore& agents = sim.agents();
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const double r = sim.types()[static_cast<std::size_t>(agents.type[i])].radius_um;
    cells += d.dim == 3 ? 4.0 / 3.0 * M_PI * r * r * r : M_PI * r * r;
  }
  if (cells > limits::kMaxCrowding * domain) {
    sim_table.fail("domain_max_um",
                   "holds " + std::to_string(agents.size()) + " initial cells whose " +
                       (d.dim == 3 ? "volume" : "area") + " (" + format_number(cells, 3) +
                       ") is over " + format_number(limits::kMaxCrowding) + " times the domain's (" +
                       format_number(domain, 3) +
                       "): they cannot fit; enlarge the domain or place fewer cells");
  }
}

// Estimated bytes of all snapshots: agent columns (about 64 bytes an agent) and fields (8 bytes
// a voxel), once per snapshot.
double check_snapshot_size(const TableReader& sim_table, const Simulation& sim,
                           const SpatialOutputSettings& output) {
  if (output.snapshot_interval_min <= 0) return 0;
  const double snapshots = output.end_time_min / output.snapshot_interval_min + 1;
  const double per = 64.0 * static_cast<double>(sim.agents().size()) +
                     8.0 * static_cast<double>(sim.fields().num_voxels()) *
                         static_cast<double>(sim.fields().num_fields());
  limits::check_size(sim_table, "snapshot_interval_min", snapshots * per,
                     limits::kMaxSnapshotBytes, "bytes of snapshots");
  return snapshots * per;
}

// Fails at `key` unless `big` is a whole multiple of `small` (a step of the next shorter one).
void require_whole_multiple(const TableReader& sim_table, std::string_view key, double big,
                            double small) {
  const double q = big / small;
  if (std::abs(q - std::round(q)) > 1e-6 * q) {
    sim_table.fail(key, "must be a whole multiple of the next shorter step");
  }
}

// [simulation] end_time_min and the three time steps, each a whole multiple of the next shorter.
void read_time_steps(TableReader& sim_table, SimulationSettings& settings,
                     SpatialOutputSettings& output) {
  output.end_time_min = sim_table.number("end_time_min", Bound::kPositive);
  limits::check_duration_days(sim_table, "end_time_min", output.end_time_min / 1440);
  settings.dt_mechanics_min = sim_table.number_or("dt_mechanics_min", 0.1, Bound::kPositive);
  settings.dt_diffusion_min = sim_table.number_or("dt_diffusion_min", 0.01, Bound::kPositive);
  settings.dt_phenotype_min = sim_table.number_or("dt_phenotype_min", 6.0, Bound::kPositive);
  if (settings.dt_diffusion_min > settings.dt_mechanics_min * (1 + 1e-9)) {
    sim_table.fail("dt_diffusion_min", "must be <= dt_mechanics_min");
  }
  if (settings.dt_mechanics_min > settings.dt_phenotype_min * (1 + 1e-9)) {
    sim_table.fail("dt_mechanics_min", "must be <= dt_phenotype_min");
  }
  require_whole_multiple(sim_table, "dt_mechanics_min", settings.dt_mechanics_min,
                         settings.dt_diffusion_min);
  require_whole_multiple(sim_table, "dt_phenotype_min", settings.dt_phenotype_min,
                         settings.dt_mechanics_min);
  // Sub-steps per step and steps per run, before a run could spin for ever between progress
  // lines (dt_diffusion_min = 1e-300 would pass every other check).
  if (settings.dt_mechanics_min / settings.dt_diffusion_min > limits::kMaxSubsteps) {
    sim_table.fail("dt_diffusion_min", "gives more than " + format_number(limits::kMaxSubsteps) +
                                           " diffusion steps per mechanics step");
  }
  if (settings.dt_phenotype_min / settings.dt_mechanics_min > limits::kMaxSubsteps) {
    sim_table.fail("dt_mechanics_min", "gives more than " + format_number(limits::kMaxSubsteps) +
                                           " mechanics steps per phenotype step");
  }
  limits::check_size(sim_table, "dt_mechanics_min", output.end_time_min / settings.dt_mechanics_min,
                     limits::kMaxSteps, "mechanics steps");
}

// [simulation] seed, threads, output and snapshot intervals, voxel size and diffusion solver.
// Returns voxel_um.
double read_run_settings(TableReader& sim_table, int threads_override, SimulationSettings& settings,
                         SpatialModel& model) {
  settings.seed = static_cast<std::uint64_t>(sim_table.integer_or("seed", 1, 0));
  model.output.scenario_threads = static_cast<int>(sim_table.integer_or("threads", 0, 0, 1024));
  model.output.output_interval_min =
      sim_table.number_or("output_interval_min", settings.dt_phenotype_min, Bound::kPositive);
  model.output.snapshot_interval_min =
      sim_table.number_or("snapshot_interval_min", 0.0, Bound::kNonNegative);
  require_whole_multiple(sim_table, "output_interval_min", model.output.output_interval_min,
                         settings.dt_mechanics_min);
  {
    const double rows = model.output.end_time_min / model.output.output_interval_min + 1;
    limits::check_size(sim_table, "output_interval_min", rows, limits::kMaxOutputRows,
                       "output rows", rows * 64);
    model.estimated_rows = rows;
  }
  if (model.output.snapshot_interval_min > 0) {
    require_whole_multiple(sim_table, "snapshot_interval_min", model.output.snapshot_interval_min,
                           settings.dt_mechanics_min);
  }
  const double voxel_um = sim_table.number_or("voxel_um", 20.0, Bound::kPositive);
  model.output.diffusion_solver =
      sim_table.choice_or("diffusion_solver", diffusion_solver_names(), "implicit_lod");
  int threads = threads_override > 0 ? threads_override : model.output.scenario_threads;
#ifdef _OPENMP
  if (threads <= 0) threads = omp_get_max_threads();
#endif
  settings.threads = std::max(threads, 1);
  return voxel_um;
}

// The [[cell_type]] tables, their names and the heritable properties they declare (sorted, each
// type's default 0 unless it gives one). The tables stay open for check_properties_read.
struct CellTypes {
  std::vector<CellType> types;
  std::vector<std::string> names;
  std::vector<std::string> property_names;
  std::vector<TableReader> tables;
};

// One [[cell_type]]: name and radius; the names of its properties go into `property_set`.
CellType read_cell_type(TableReader& t, const std::vector<std::string>& names_so_far,
                        std::set<std::string>& property_set) {
  CellType type;
  type.name = t.string("name");
  if (std::find(names_so_far.begin(), names_so_far.end(), type.name) != names_so_far.end()) {
    t.fail("name", "'" + type.name + "' is defined twice");
  }
  type.radius_um = t.number("radius_um", Bound::kPositive);
  if (auto props = t.optional_table("properties")) {
    for (const auto& k : props->keys()) {
      const bool plain = !k.empty() && std::all_of(k.begin(), k.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
      });
      if (!plain || k == "id" || k == "type" || k == "state" || k == "position" || k == "radius") {
        props->fail(k,
                    "must be a plain name (letters, digits, _) other than id, type, state, "
                    "position and radius");
      }
      property_set.insert(k);
    }
  }
  return type;
}

CellTypes read_cell_types(TableReader& root) {
  CellTypes out;
  std::set<std::string> property_set;
  out.tables = root.tables("cell_type");
  if (out.tables.empty()) root.fail("cell_type", "is required: at least one [[cell_type]]");
  for (TableReader& t : out.tables) {
    CellType type = read_cell_type(t, out.names, property_set);
    out.names.push_back(type.name);
    out.types.push_back(type);
  }
  out.property_names.assign(property_set.begin(), property_set.end());
  for (std::size_t i = 0; i < out.types.size(); ++i) {
    out.types[i].property_defaults.assign(out.property_names.size(), 0.0);
    if (auto props = out.tables[i].optional_table("properties")) {
      for (std::size_t k = 0; k < out.property_names.size(); ++k) {
        if (props->has(out.property_names[k])) {
          out.types[i].property_defaults[k] = props->number(out.property_names[k]);
        }
      }
      props->finish();
    }
    out.tables[i].finish();
  }
  return out;
}

// The [[field]] tables (none: a run without fields).
std::vector<FieldSpec> read_fields(TableReader& root, const std::vector<std::string>& type_names) {
  std::vector<FieldSpec> specs;
  for (TableReader& f : root.tables("field")) {
    FieldSpec s;
    s.name = f.string("name");
    for (const auto& other : specs) {
      if (other.name == s.name) f.fail("name", "'" + s.name + "' is defined twice");
    }
    if (std::find(type_names.begin(), type_names.end(), s.name) != type_names.end()) {
      f.fail("name", "'" + s.name + "' is already a cell type name");
    }
    s.diffusion_um2_per_min = f.number("diffusion_um2_per_min", Bound::kNonNegative);
    s.decay_per_min = f.number_or("decay_per_min", 0.0, Bound::kNonNegative);
    s.initial = f.number_or("initial", 0.0, Bound::kAny);
    const std::vector<std::string> kinds = {"neumann", "dirichlet"};
    s.boundary = f.choice_or("boundary", kinds, "neumann") == "dirichlet"
                     ? FieldBoundary::kDirichlet
                     : FieldBoundary::kNeumann;
    s.boundary_value = f.number_or("boundary_value", s.initial, Bound::kAny);
    s.unit = f.string_or("unit", s.unit);
    f.finish();
    specs.push_back(s);
  }
  return specs;
}

// With fields, voxel_um must divide the domain on every axis and the voxel count stay within
// the limits.
void check_voxels(const TableReader& sim_table, const Domain& domain, double voxel_um,
                  const std::vector<FieldSpec>& specs) {
  if (specs.empty()) return;
  for (int a = 0; a < domain.dim; ++a) {
    const double q = domain.extent(a) / voxel_um;
    if (std::abs(q - std::round(q)) > 1e-6 * q) {
      sim_table.fail("voxel_um", "must divide the domain size on every axis (axis " +
                                     std::to_string(a) + ": " + format_number(domain.extent(a)) +
                                     " um)");
    }
  }
  double voxels = 1;
  for (int a = 0; a < domain.dim; ++a) voxels *= std::round(domain.extent(a) / voxel_um);
  // Values, the solver's work arrays and a snapshot copy: about 4 doubles a voxel a field.
  limits::check_size(sim_table, "voxel_um", voxels * static_cast<double>(specs.size()),
                     limits::kMaxVoxels, "voxel values (voxels times fields)",
                     32.0 * voxels * static_cast<double>(specs.size()));
}

// [mechanisms]: each one present is made from its table, in registration order whatever the
// order in the file.
void add_mechanisms(TableReader& root, Simulation& simulation, const SetupContext& context) {
  if (auto mechanisms = root.optional_table("mechanisms")) {
    const std::vector<std::string> names = mechanism_names();
    for (const std::string& key : mechanisms->keys()) {
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        mechanisms->fail(
            key, "is not a mechanism (mechanisms: " + join(names) + ")" + did_you_mean(key, names));
      }
    }
    for (const MechanismEntry& entry : builtin_mechanisms()) {
      if (!mechanisms->has(entry.name)) continue;
      TableReader table = mechanisms->table(entry.name);
      simulation.add_mechanism(entry.make(table, context));
      table.finish();
    }
    mechanisms->finish();
  }
}

}  // namespace

SpatialModel load_spatial(const TomlDocument& document, int threads_override) {
  TableReader root = document.reader();
  TableReader sim_table = root.table("simulation");
  sim_table.mark_known("engine");
  SpatialModel model;
  SimulationSettings settings;
  settings.domain = read_domain(sim_table);
  read_time_steps(sim_table, settings, model.output);
  const double voxel_um = read_run_settings(sim_table, threads_override, settings, model);
  sim_table.finish();

  CellTypes cell_types = read_cell_types(root);
  const std::vector<FieldSpec> specs = read_fields(root, cell_types.names);
  check_voxels(sim_table, settings.domain, voxel_um, specs);
  FieldGrid fields(settings.domain, voxel_um, specs);
  auto solver = make_diffusion_solver(model.output.diffusion_solver);
  if (!specs.empty()) {
    if (auto problem = solver->check_step(fields, settings.dt_diffusion_min)) {
      sim_table.fail("dt_diffusion_min", *problem);
    }
  }

  auto simulation = std::make_unique<Simulation>(settings, cell_types.types);
  simulation->agents().set_property_names(cell_types.property_names);
  std::set<std::string> properties_read;
  const SetupContext context{cell_types.types,
                             fields,
                             cell_types.property_names,
                             settings,
                             model.output.end_time_min,
                             model.warnings,
                             properties_read,
                             std::filesystem::path(document.file()).parent_path()};
  add_mechanisms(root, *simulation, context);
  check_properties_read(cell_types.tables, cell_types.property_names, properties_read,
                        model.warnings);
  simulation->set_fields(std::move(fields), std::move(solver));

  place_populations(root, *simulation, cell_types.names,
                    std::filesystem::path(document.file()).parent_path());
  root.finish();
  check_crowding(sim_table, *simulation);
  model.estimated_snapshot_bytes = check_snapshot_size(sim_table, *simulation, model.output);
  model.simulation = std::move(simulation);
  return model;
}

}  // namespace nksim
