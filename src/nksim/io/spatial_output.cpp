#include "nksim/io/spatial_output.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <type_traits>
#include <variant>

#include "nksim/core/error.h"
#include "nksim/core/state_archive.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/io/csv_metadata.h"
#include "nksim/io/hdf5_file.h"

namespace nksim {
namespace {

std::string snapshot_name(std::size_t index) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "snapshot_%06zu.h5", index);
  return buffer;
}

std::string comma_list(const std::vector<std::string>& names) { return join(names, ","); }

std::vector<std::string> type_names(const Simulation& sim) {
  std::vector<std::string> names;
  for (const auto& t : sim.types()) names.push_back(t.name);
  return names;
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw Error("cannot write " + file.string());
}

// A mechanism's column as a dataset of n values: double, int32 and uint64 as they are, float as
// double and uint8 as int32 (the types the HDF5 wrapper writes).
void write_agent_column(Hdf5File& h5, const std::string& path,
                        const AgentStore::ColumnData& column) {
  std::visit(
      [&](const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        const std::uint64_t dims[1] = {values.size()};
        if constexpr (std::is_same_v<T, float>) {
          const std::vector<double> wide(values.begin(), values.end());
          h5.dataset(path, dims, std::span<const double>(wide));
        } else if constexpr (std::is_same_v<T, std::uint8_t>) {
          const std::vector<std::int32_t> wide(values.begin(), values.end());
          h5.dataset(path, dims, std::span<const std::int32_t>(wide));
        } else {
          h5.dataset(path, dims, std::span<const T>(values));
        }
      },
      column);
}

// XDMF's name for the numbers a declared column is written as (write_agent_column).
SnapshotAgentDataset snapshot_column_dataset(const AgentStore::ColumnSpec& c) {
  switch (c.type) {
    case ColumnType::kDouble:
    case ColumnType::kFloat:
      return {c.snapshot_dataset(), "Float", 8};
    case ColumnType::kUint64:
      return {c.snapshot_dataset(), "UInt", 8};
    case ColumnType::kInt32:
    case ColumnType::kUint8:
      return {c.snapshot_dataset(), "Int", 4};
  }
  return {c.snapshot_dataset(), "Float", 8};
}

}  // namespace

std::uint64_t steps_per_interval(double interval_min, double dt_min) {
  return interval_min > 0 ? std::max<std::uint64_t>(1, std::llround(interval_min / dt_min)) : 0;
}

std::vector<SnapshotAgentDataset> snapshot_agent_datasets(const AgentStore& a) {
  std::vector<SnapshotAgentDataset> datasets = {
      {"id", "UInt", 8}, {"type", "Int", 4}, {"state", "Int", 4}, {"radius", "Float", 8}};
  for (const auto& p : a.property_names()) datasets.push_back({p, "Float", 8});
  for (const auto& c : a.declared_columns()) {
    if (c.in_snapshots) datasets.push_back(snapshot_column_dataset(c));
  }
  std::set<std::string> names = {"position"};
  for (const auto& d : datasets) {
    if (!names.insert(d.name).second) {
      throw Error("two per-agent datasets of the snapshots would be named /agents/" + d.name +
                  " (a property, an engine column or a mechanism's column marked in_snapshots)");
    }
  }
  return datasets;
}

std::vector<std::string> count_columns(const Simulation& sim) {
  std::vector<std::string> columns;
  for (const auto& t : sim.types()) {
    for (int s = 0; s < kNumStates; ++s) columns.push_back(t.name + "_" + kStateNames[s]);
  }
  for (std::size_t f = 0; f < sim.fields().num_fields(); ++f) {
    columns.push_back(sim.fields().spec(f).name + "_total");
  }
  for (const auto& m : sim.mechanisms()) {
    for (const CountsColumn& c : m->count_columns()) columns.push_back(c.name);
  }
  return columns;
}

std::vector<double> count_row(const Simulation& sim) {
  const AgentStore& a = sim.agents();
  const std::size_t offset = sim.types().size() * kNumStates;
  std::vector<double> values(offset + sim.fields().num_fields(), 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) values[a.type[i] * kNumStates + a.state[i]] += 1;
  for (std::size_t f = 0; f < sim.fields().num_fields(); ++f) {
    values[offset + f] = sim.fields().total(f);
  }
  for (const auto& m : sim.mechanisms()) m->append_counts(sim, values);
  return values;
}

void check_finite_counts(const std::vector<double>& row, double time_min) {
  for (double v : row) {
    if (!std::isfinite(v)) {
      throw NumericalError("spatial run: a field total became " + format_number(v) + " at t = " +
                           format_number(time_min) + " min");
    }
  }
}

SpatialRecorder::SpatialRecorder(const Simulation& sim, std::filesystem::path dir)
    : dir_(std::move(dir)), columns_(count_columns(sim)) {
  csv_ << "time_min";
  for (const auto& c : columns_) csv_ << "," << c;
  csv_ << "\n";
}

void SpatialRecorder::record_counts(const Simulation& sim) {
  last_row_ = count_row(sim);
  csv_ << format_number(sim.time_min(), 12);
  for (double v : last_row_) csv_ << "," << format_number(v, 15);
  csv_ << "\n";
}

void SpatialRecorder::snapshot(const Simulation& sim) {
  const std::filesystem::path folder = dir_ / "snapshots";
  std::filesystem::create_directories(folder);
  const std::size_t index = snapshot_times_.size();
  const AgentStore& a = sim.agents();
  (void)snapshot_agent_datasets(a);  // throws when two datasets would share a name
  Hdf5File h5 = Hdf5File::create(folder / snapshot_name(index));
  const std::uint64_t n = a.size();
  h5.attribute("/", "time_min", sim.time_min());
  h5.attribute("/", "type_names", comma_list(type_names(sim)));
  std::vector<std::string> states(kStateNames, kStateNames + kNumStates);
  h5.attribute("/", "state_names", comma_list(states));
  h5.create_group("/agents");
  const std::uint64_t dims1[1] = {n};
  const std::uint64_t dims3[2] = {n, 3};
  h5.dataset("/agents/id", dims1, std::span<const std::uint64_t>(a.id));
  h5.dataset("/agents/type", dims1, std::span<const std::int32_t>(a.type));
  h5.dataset("/agents/state", dims1, std::span<const std::int32_t>(a.state));
  std::vector<double> position(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    position[3 * i] = a.x[i];
    position[3 * i + 1] = a.y[i];
    position[3 * i + 2] = a.z[i];
  }
  h5.dataset("/agents/position", dims3, std::span<const double>(position));
  h5.dataset("/agents/radius", dims1, std::span<const double>(a.radius));
  for (std::size_t k = 0; k < a.property.size(); ++k) {
    h5.dataset("/agents/" + a.property_names()[k], dims1, std::span<const double>(a.property[k]));
  }
  // Mechanisms' state: exactly the columns they declared in_snapshots, in declaration order.
  for (std::size_t k = 0; k < a.declared_columns().size(); ++k) {
    const AgentStore::ColumnSpec& c = a.declared_columns()[k];
    if (c.in_snapshots) {
      write_agent_column(h5, "/agents/" + c.snapshot_dataset(), a.declared_column(k));
    }
  }
  h5.create_group("/fields");
  const FieldGrid& g = sim.fields();
  const auto shape = g.shape();
  const std::uint64_t dims_f[3] = {shape[2], shape[1], shape[0]};
  const std::vector<double> origin(g.origin_um().begin(), g.origin_um().end());
  for (std::size_t f = 0; f < g.num_fields(); ++f) {
    const std::string path = "/fields/" + g.spec(f).name;
    h5.dataset(path, dims_f, std::span<const double>(g.values(f)));
    h5.attribute(path, "origin_um", std::span<const double>(origin));
    h5.attribute(path, "spacing_um", g.spacing_um());
  }
  snapshot_times_.push_back(sim.time_min());
  snapshot_agents_.push_back(n);
}

void SpatialRecorder::save_state(StateWriter& out) const {
  out.put_text("counts_csv", csv_.str());
  out.put("last_row", last_row_);
  out.put("snapshot_times", snapshot_times_);
  std::vector<std::uint64_t> agents(snapshot_agents_.begin(), snapshot_agents_.end());
  out.put("snapshot_agents", agents);
}

void SpatialRecorder::restore_state(const StateReader& in) {
  csv_.str(in.get_text("counts_csv"));
  csv_.seekp(0, std::ios::end);
  last_row_ = in.get<double>("last_row", static_cast<std::int64_t>(columns_.size()));
  snapshot_times_ = in.get<double>("snapshot_times");
  const std::vector<std::uint64_t> agents =
      in.get<std::uint64_t>("snapshot_agents", static_cast<std::int64_t>(snapshot_times_.size()));
  snapshot_agents_.assign(agents.begin(), agents.end());
  for (std::size_t s = 0; s < snapshot_times_.size(); ++s) {
    if (!std::filesystem::exists(dir_ / "snapshots" / snapshot_name(s))) {
      throw InputError(in.path().string() + ": snapshot " + snapshot_name(s) +
                       " written before the checkpoint is missing from " + dir_.string());
    }
  }
}

void SpatialRecorder::finish(const Simulation& sim) {
  write_text(dir_ / "counts.csv", csv_.str());
  std::vector<CsvColumn> columns = {{"time_min", "min", "time since the start of the run"}};
  for (const auto& t : sim.types()) {
    for (int s = 0; s < kNumStates; ++s) {
      columns.push_back({t.name + "_" + kStateNames[s], "cells",
                         std::string("number of ") + t.name + " agents that are " + kStateNames[s]});
    }
  }
  for (std::size_t f = 0; f < sim.fields().num_fields(); ++f) {
    const FieldSpec& spec = sim.fields().spec(f);
    columns.push_back({spec.name + "_total", spec.unit + " x um^3",
                       "amount of " + spec.name + " in the domain (value summed over voxels "
                       "times the voxel volume)"});
  }
  for (const auto& m : sim.mechanisms()) {
    for (const CountsColumn& c : m->count_columns()) columns.push_back({c.name, c.unit, c.meaning});
  }
  write_csv_metadata(dir_ / "counts.csv", columns);
  for (const auto& mechanism : sim.mechanisms()) mechanism->write_outputs(dir_);
  if (snapshot_times_.empty()) return;
  // XDMF 3: a temporal collection; each time holds the agents (polyvertex) and the fields
  // (3DCoRectMesh, node-centred at voxel centres; ZYX order for origin and spacing).
  const FieldGrid& g = sim.fields();
  const auto shape = g.shape();
  const double h = g.spacing_um();
  const std::vector<SnapshotAgentDataset> agent_datasets = snapshot_agent_datasets(sim.agents());
  std::ostringstream x;
  x << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n<Domain>\n"
    << "<Grid Name=\"time_series\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (std::size_t s = 0; s < snapshot_times_.size(); ++s) {
    const std::string file = "snapshots/" + snapshot_name(s);
    const std::size_t n = snapshot_agents_[s];
    x << " <Grid Name=\"step_" << s << "\" GridType=\"Collection\" CollectionType=\"Spatial\">\n"
      << "  <Time Value=\"" << format_number(snapshot_times_[s], 12) << "\"/>\n";
    if (n > 0) {
      x << "  <Grid Name=\"agents\" GridType=\"Uniform\">\n"
        << "   <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << n << "\"/>\n"
        << "   <Geometry GeometryType=\"XYZ\"><DataItem Dimensions=\"" << n
        << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << file
        << ":/agents/position</DataItem></Geometry>\n";
      for (const SnapshotAgentDataset& d : agent_datasets) {
        x << "   <Attribute Name=\"" << d.name << "\" AttributeType=\"Scalar\" Center=\"Node\">"
          << "<DataItem Dimensions=\"" << n << "\" NumberType=\"" << d.number_type
          << "\" Precision=\"" << d.precision << "\" Format=\"HDF\">" << file << ":/agents/"
          << d.name << "</DataItem></Attribute>\n";
      }
      x << "  </Grid>\n";
    }
    if (g.num_fields() > 0) {
      const std::string dims = std::to_string(shape[2]) + " " + std::to_string(shape[1]) + " " +
                               std::to_string(shape[0]);
      const auto& o = g.origin_um();
      x << "  <Grid Name=\"fields\" GridType=\"Uniform\">\n"
        << "   <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"" << dims << "\"/>\n"
        << "   <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
        << "    <DataItem Dimensions=\"3\" Format=\"XML\">" << format_number(o[2] + 0.5 * h) << " "
        << format_number(o[1] + 0.5 * h) << " " << format_number(o[0] + 0.5 * h)
        << "</DataItem>\n    <DataItem Dimensions=\"3\" Format=\"XML\">" << format_number(h) << " "
        << format_number(h) << " " << format_number(h) << "</DataItem>\n   </Geometry>\n";
      for (std::size_t f = 0; f < g.num_fields(); ++f) {
        x << "   <Attribute Name=\"" << g.spec(f).name
          << "\" AttributeType=\"Scalar\" Center=\"Node\"><DataItem Dimensions=\"" << dims
          << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << file << ":/fields/"
          << g.spec(f).name << "</DataItem></Attribute>\n";
      }
      x << "  </Grid>\n";
    }
    x << " </Grid>\n";
  }
  x << "</Grid>\n</Domain>\n</Xdmf>\n";
  write_text(dir_ / "snapshots.xdmf", x.str());
}

nlohmann::json spatial_summary(const Simulation& sim, const SpatialRecorder& recorder,
                               const std::string& scenario_file, const std::string& scenario_hash,
                               double wall_seconds) {
  nlohmann::json j;
  j["engine"] = "spatial";
  j["nksim_version"] = kVersion;
  j["scenario_file"] = scenario_file;
  j["scenario_hash"] = scenario_hash;
  j["seed"] = sim.seed();
  j["threads"] = sim.threads();
  j["dimension"] = sim.domain().dim;
  j["end_time_min"] = sim.time_min();
  j["mechanics_steps"] = sim.mechanics_steps();
  j["wall_seconds"] = wall_seconds;
  j["agents"] = sim.agents().size();
  j["bytes_per_agent"] = sim.bytes_per_agent();
  nlohmann::json mechanisms = nlohmann::json::array();
  for (const auto& m : sim.mechanisms()) mechanisms.push_back(m->name());
  j["mechanisms"] = mechanisms;
  nlohmann::json readouts = nlohmann::json::object();
  for (const auto& m : sim.mechanisms()) {
    nlohmann::json r = m->readouts(sim);
    if (!r.is_null()) readouts[m->name()] = std::move(r);
  }
  if (!readouts.empty()) j["readouts"] = readouts;
  nlohmann::json counts = nlohmann::json::object();
  for (std::size_t c = 0; c < recorder.columns().size(); ++c) {
    counts[recorder.columns()[c]] = recorder.last_row()[c];
  }
  j["final_counts"] = counts;
  return j;
}

}  // namespace nksim
