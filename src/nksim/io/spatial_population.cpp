#include "nksim/io/spatial_population.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/rng.h"
#include "nksim/core/text.h"
#include "nksim/io/limits.h"

namespace nksim {

std::array<double, 3> read_point(TableReader& t, std::string_view key, int dim, bool required,
                                 std::array<double, 3> fallback) {
  if (!t.has(key)) {
    if (required) t.fail_missing(key, "an array of " + std::to_string(dim) + " numbers");
    t.mark_known(key);
    return fallback;
  }
  const std::vector<double> v = t.number_array(key);
  if (static_cast<int>(v.size()) != dim) {
    t.fail(key, "must have " + std::to_string(dim) + " numbers (dimension " + std::to_string(dim) +
                    "), got " + std::to_string(v.size()));
  }
  std::array<double, 3> p = {0, 0, 0};
  for (int a = 0; a < dim; ++a) p[a] = v[a];
  return p;
}

namespace {

// Fails at `key` unless the box [lo, hi] lies inside the domain: agents placed outside would be
// silently clamped or wrapped onto its faces.
void require_inside(const TableReader& t, std::string_view key, const Domain& d,
                    const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                    const std::string& what) {
  static constexpr const char* kAxis[] = {"x", "y", "z"};
  for (int a = 0; a < d.dim; ++a) {
    const double slack = 1e-9 * d.extent(a);
    if (lo[a] < d.lo_um[a] - slack || hi[a] > d.hi_um[a] + slack) {
      t.fail(key, "places " + what + " outside the domain: on " + kAxis[a] + " it spans [" +
                      format_number(lo[a], 6) + ", " + format_number(hi[a], 6) +
                      "] um, the domain [" + format_number(d.lo_um[a], 6) + ", " +
                      format_number(d.hi_um[a], 6) + "] um");
    }
  }
}

// Running total of agents placed, checked against the size limit before anything is allocated.
void add_to_agent_budget(const TableReader& t, std::string_view key, double& total, double n) {
  total += n;
  limits::check_size(t, key, total, limits::kMaxAgents, "agents", total * 200);
}

// Uniform point in a ball or shell (rejection sampling, deterministic in `counter`).
std::array<double, 3> point_in_shell(std::uint64_t seed, std::uint32_t population,
                                     std::uint64_t& counter, int dim, double r_in, double r_out) {
  for (;;) {
    const RandomDraw a(seed, 0, Purpose::kPlacement, counter, population * 2);
    const RandomDraw b(seed, 0, Purpose::kPlacement, counter, population * 2 + 1);
    ++counter;
    const std::array<double, 3> p = {r_out * (2 * a.uniform(0) - 1), r_out * (2 * a.uniform(1) - 1),
                                     dim == 3 ? r_out * (2 * b.uniform(0) - 1) : 0.0};
    const double r2 = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
    if (r2 <= r_out * r_out && r2 >= r_in * r_in) return p;
  }
}

// One [[population]] being placed: its table, the simulation it fills, its cell type and its
// number (which keys its random placement stream).
struct Placement {
  TableReader& pop;
  Simulation& sim;
  int type;
  std::uint32_t index;
  double& agent_budget;
};

// shape = "csv": one agent per row of `file` (a header line, then x,y or x,y,z).
void place_from_csv(Placement& at, const std::filesystem::path& scenario_dir) {
  TableReader& pop = at.pop;
  const Domain& d = at.sim.domain();
  const int dim = d.dim;
  const std::filesystem::path file = scenario_dir / pop.string("file");
  std::ifstream in(file);
  if (!in) pop.fail("file", "cannot be read: " + file.string());
  std::string line;
  std::getline(in, line);
  int row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // Windows line ends
    if (line.empty()) continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    double p[3] = {0, 0, 0};
    std::string rest;
    for (int a = 0; a < dim; ++a) {
      if (!(fields >> p[a]) || !std::isfinite(p[a])) {
        pop.fail("file", file.string() + " line " + std::to_string(row) + ": expected " +
                             std::to_string(dim) + " finite numbers");
      }
    }
    if (fields >> rest) {
      pop.fail("file", file.string() + " line " + std::to_string(row) + ": expected " +
                           std::to_string(dim) + " numbers (x,y" + (dim == 3 ? ",z" : "") +
                           "), found more: '" + rest + "'");
    }
    const std::array<double, 3> point = {p[0], p[1], p[2]};
    require_inside(pop, "file", d, point, point,
                   "the agent of " + file.string() + " line " + std::to_string(row));
    add_to_agent_budget(pop, "file", at.agent_budget, 1);
    at.sim.add_agent(at.type, p[0], p[1], p[2]);
  }
}

// packing = "physicell": the sphere filler of PhysiCell's cancer-immune sample
// (create_cell_sphere_positions, 1.14.2), rewritten: layers along z at spacing r sqrt(3), rows
// along x at r sqrt(3), cells along y at 2r, from -R while below R; odd layers shift x by r/2, odd
// rows (counted over the whole ball, not per layer) shift y by r; a site is kept when its distance
// from the centre is below R (and, for a shell, not below r_in). The sums are accumulated as
// PhysiCell accumulates them, so the count is PhysiCell's: 18,317 at R = 250 um, r = 8.41271 um.
void pack_sphere_physicell(Simulation& sim, int type, const std::array<double, 3>& c, double r_in,
                           double r_out) {
  const int dim = sim.domain().dim;
  const double r = sim.types()[type].radius_um;
  const double step_x = r * std::sqrt(3.0), step_y = 2.0 * r, step_z = r * std::sqrt(3.0);
  std::uint64_t row = 0, layer = 0;
  const auto place_layer = [&](double z) {
    for (double x = -r_out; x < r_out; x += step_x, ++row) {
      for (double y = -r_out; y < r_out; y += step_y) {
        const double px = x + static_cast<double>(layer % 2) * 0.5 * r;
        const double py = y + static_cast<double>(row % 2) * r;
        const double d = std::sqrt(px * px + py * py + z * z);
        if (d < r_out && d >= r_in) sim.add_agent(type, c[0] + px, c[1] + py, c[2] + z);
      }
    }
  };
  if (dim == 2) {
    place_layer(0.0);
    return;
  }
  for (double z = -r_out; z < r_out; z += step_z, ++layer) place_layer(z);
}

// shape = "sphere", packed = true: hexagonal close packing of the ball or shell around `c`.
void pack_sphere(Placement& at, const std::array<double, 3>& c, double r_in, double r_out) {
  TableReader& pop = at.pop;
  Simulation& sim = at.sim;
  const int dim = sim.domain().dim;
  const std::size_t before = sim.agents().size();
  const std::vector<std::string> packings = {"hexagonal", "physicell"};
  // Hexagonal close packing at spacing 2r (as PhysiCell's sample projects).
  const double s = 2.0 * sim.types()[at.type].radius_um;
  // The lattice below visits every site of the whole ball (a shell keeps some of them):
  // about its volume over a cell's, charged to the budget before any loop runs.
  const double ball = dim == 3 ? 4.0 / 3.0 * M_PI * std::pow(r_out, 3) : M_PI * r_out * r_out;
  const double cell = dim == 3 ? M_PI / 6.0 * s * s * s : M_PI / 4.0 * s * s;
  add_to_agent_budget(pop, "radius_um", at.agent_budget, ball / cell);
  const double dy = s * std::sqrt(3.0) / 2.0, dz = s * std::sqrt(6.0) / 3.0;
  if (!(r_out / dz < 1e9)) {
    pop.fail("radius_um",
             "is " + format_number(r_out / s, 3) + " cell diameters: too many to pack");
  }
  const int nz = dim == 3 ? static_cast<int>(r_out / dz) + 1 : 0;
  const int ny = static_cast<int>(r_out / dy) + 1, nx = static_cast<int>(r_out / s) + 2;
  const bool physicell = pop.choice_or("packing", packings, "hexagonal") == "physicell";
  if (physicell) pack_sphere_physicell(sim, at.type, c, r_in, r_out);
  for (int k = -nz; k <= nz && !physicell; ++k) {
    for (int j = -ny; j <= ny; ++j) {
      for (int i = -nx; i <= nx; ++i) {
        const double x = (i + 0.5 * ((j + k) & 1)) * s;
        const double y = (j + ((k & 1) ? 1.0 / 3.0 : 0.0)) * dy;
        const double z = k * dz;
        const double r2 = x * x + y * y + z * z;
        if (r2 <= r_out * r_out && r2 >= r_in * r_in) {
          sim.add_agent(at.type, c[0] + x, c[1] + y, c[2] + z);
        }
      }
    }
  }
  pop.mark_known("count");
  if (pop.has("count")) pop.fail("count", "cannot be combined with packed = true");
  if (sim.agents().size() == before) {
    pop.fail("radius_um", "packs no cell: the shell is thinner than one cell diameter (" +
                              format_number(s) + " um)");
  }
}

// shape = "sphere": `count` agents uniform in a ball or shell, or packed.
void place_in_sphere(Placement& at) {
  TableReader& pop = at.pop;
  const Domain& d = at.sim.domain();
  const int dim = d.dim;
  const auto c = read_point(pop, "center_um", dim, false);
  const double r_out = pop.number("radius_um", Bound::kPositive);
  const double r_in = pop.number_or("inner_radius_um", 0.0, Bound::kNonNegative);
  if (r_in >= r_out) pop.fail("inner_radius_um", "must be < radius_um");
  std::array<double, 3> lo = c, hi = c;
  for (int a = 0; a < dim; ++a) {
    lo[a] -= r_out;
    hi[a] += r_out;
  }
  require_inside(pop, "radius_um", d, lo, hi, "the sphere");
  if (pop.boolean_or("packed", false)) {
    pack_sphere(at, c, r_in, r_out);
    return;
  }
  const std::int64_t count = pop.integer("count", 0);
  add_to_agent_budget(pop, "count", at.agent_budget, static_cast<double>(count));
  const std::vector<std::string> distributions = {"uniform", "physicell"};
  if (pop.choice_or("distribution", distributions, "uniform") == "physicell") {
    // PhysiCell's cancer-immune sample (introduce_immune_cells): a uniform direction and a
    // normal distance from the centre, mean (r_in + r_out) / 2, sd 0.33 (r_out - r_in) / 2.
    const double mean = 0.5 * (r_in + r_out), sd = 0.33 * (r_out - r_in) / 2.0;
    for (std::int64_t n = 0; n < count; ++n) {
      const auto k = static_cast<std::uint64_t>(n);
      double ux, uy, uz, z1, z2;
      random_direction(RandomDraw(at.sim.seed(), 0, Purpose::kPlacement, k, at.index * 2), dim, ux,
                       uy, uz);
      RandomDraw(at.sim.seed(), 0, Purpose::kPlacement, k, at.index * 2 + 1).normals(z1, z2);
      const double radius = mean + sd * z1;
      at.sim.add_agent(at.type, c[0] + radius * ux, c[1] + radius * uy, c[2] + radius * uz);
    }
    return;
  }
  std::uint64_t counter = 0;
  for (std::int64_t n = 0; n < count; ++n) {
    const auto p = point_in_shell(at.sim.seed(), at.index, counter, dim, r_in, r_out);
    at.sim.add_agent(at.type, c[0] + p[0], c[1] + p[1], c[2] + p[2]);
  }
}

// shape = "box" (between min_um and max_um) or "uniform" (the whole domain): `count` agents
// uniform in the box.
void place_in_box(Placement& at, const std::string& shape) {
  TableReader& pop = at.pop;
  const Domain& d = at.sim.domain();
  const int dim = d.dim;
  const std::uint64_t seed = at.sim.seed();
  std::array<double, 3> lo = d.lo_um, hi = d.hi_um;
  if (shape == "box") {
    lo = read_point(pop, "min_um", dim, true);
    hi = read_point(pop, "max_um", dim, true);
    for (int a = 0; a < dim; ++a) {
      if (!(hi[a] > lo[a])) pop.fail("max_um", "must exceed min_um on every axis");
    }
    require_inside(pop, "max_um", d, lo, hi, "the box");
  }
  const std::int64_t count = pop.integer("count", 0);
  add_to_agent_budget(pop, "count", at.agent_budget, static_cast<double>(count));
  std::uint64_t counter = 0;
  for (std::int64_t n = 0; n < count; ++n) {
    const RandomDraw a(seed, 0, Purpose::kPlacement, counter, at.index * 2);
    const RandomDraw b(seed, 0, Purpose::kPlacement, counter, at.index * 2 + 1);
    ++counter;
    at.sim.add_agent(at.type, lo[0] + (hi[0] - lo[0]) * a.uniform(0),
                     lo[1] + (hi[1] - lo[1]) * a.uniform(1),
                     dim == 3 ? lo[2] + (hi[2] - lo[2]) * b.uniform(0) : 0.0);
  }
}

// property_sd = { <property> = sd, ... }: each agent of the population starts with its type's
// value plus a normal deviate of that sd, clipped at 0 (as PhysiCell's cancer-immune sample draws
// oncoprotein). The draw is keyed by the agent's id and the property, so it is the same at any
// thread count and independent of the other populations.
void spread_properties(TableReader& spread, Simulation& sim, int type, std::size_t first) {
  AgentStore& a = sim.agents();
  for (const std::string& name : spread.keys()) {
    const int k = a.property_index(name);
    if (k < 0) {
      spread.fail(name, "is not a property of any [[cell_type]] (properties: " +
                            join(a.property_names()) + ")");
    }
    const double sd = spread.number(name, Bound::kNonNegative);
    const auto column = static_cast<std::size_t>(k);
    const double mean = sim.types()[static_cast<std::size_t>(type)].property_defaults[column];
    std::vector<double>& values = a.property[column];
    for (std::size_t i = first; i < a.size(); ++i) {
      double z1, z2;
      RandomDraw(sim.seed(), 1, Purpose::kPlacement, a.id[i], static_cast<std::uint32_t>(k))
          .normals(z1, z2);
      values[i] = std::max(0.0, mean + sd * z1);
    }
  }
  spread.finish();
}

void place_population(TableReader& pop, Simulation& sim, const std::vector<std::string>& types,
                      const std::filesystem::path& scenario_dir, std::uint32_t index,
                      double& agent_budget) {
  const int type = static_cast<int>(
      std::find(types.begin(), types.end(), pop.choice("type", types)) - types.begin());
  const std::vector<std::string> shapes = {"sphere", "box", "uniform", "csv"};
  const std::string shape = pop.choice("shape", shapes);
  Placement at{pop, sim, type, index, agent_budget};
  const std::size_t first = sim.agents().size();
  if (shape == "csv") {
    place_from_csv(at, scenario_dir);
  } else if (shape == "sphere") {
    place_in_sphere(at);
  } else {
    place_in_box(at, shape);
  }
  if (auto spread = pop.optional_table("property_sd")) spread_properties(*spread, sim, type, first);
}

}  // namespace

// The [[population]] tables, placed in file order (relative csv files are read from `dir`).
void place_populations(TableReader& root, Simulation& simulation,
                       const std::vector<std::string>& type_names,
                       const std::filesystem::path& dir) {
  std::uint32_t index = 0;
  double agent_budget = 0;
  for (TableReader& pop : root.tables("population")) {
    place_population(pop, simulation, type_names, dir, index++, agent_budget);
    pop.finish();
  }
}

}  // namespace nksim
