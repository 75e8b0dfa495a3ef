#include "nksim/engine/agent_store.h"

#include <type_traits>
#include <utility>

#include "nksim/core/error.h"
#include "nksim/core/state_archive.h"
#include "nksim/core/text.h"
#include "nksim/engine/parallel.h"

namespace nksim {

void AgentStore::set_property_names(std::vector<std::string> names) {
  property_names_ = std::move(names);
  property.assign(property_names_.size(), std::vector<double>(size(), 0.0));
}

int AgentStore::property_index(const std::string& name) const {
  for (std::size_t k = 0; k < property_names_.size(); ++k) {
    if (property_names_[k] == name) return static_cast<int>(k);
  }
  return -1;
}

std::size_t column_type_size(ColumnType type) {
  switch (type) {
    case ColumnType::kDouble: return sizeof(double);
    case ColumnType::kFloat: return sizeof(float);
    case ColumnType::kUint64: return sizeof(std::uint64_t);
    case ColumnType::kInt32: return sizeof(std::int32_t);
    case ColumnType::kUint8: return sizeof(std::uint8_t);
  }
  return 0;
}

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kDouble: return "double";
    case ColumnType::kFloat: return "float";
    case ColumnType::kUint64: return "uint64";
    case ColumnType::kInt32: return "int32";
    case ColumnType::kUint8: return "uint8";
  }
  return "?";
}

std::size_t AgentStore::declare_any_column(ColumnSpec spec) {
  if (column_index(spec.name) != kNoColumn) {
    throw Error("agent column '" + spec.name + "' is declared twice");
  }
#define NKSIM_CHECK_NAME(type, column, on_divide, doc) \
  if (spec.name == #column) throw Error("agent column '" + spec.name + "' is an engine column");
  NKSIM_AGENT_COLUMNS(NKSIM_CHECK_NAME)
#undef NKSIM_CHECK_NAME
  switch (spec.type) {
    case ColumnType::kDouble: columns_.emplace_back(std::vector<double>(size(), 0.0)); break;
    case ColumnType::kFloat: columns_.emplace_back(std::vector<float>(size(), 0.0f)); break;
    case ColumnType::kUint64: columns_.emplace_back(std::vector<std::uint64_t>(size(), 0)); break;
    case ColumnType::kInt32: columns_.emplace_back(std::vector<std::int32_t>(size(), 0)); break;
    case ColumnType::kUint8: columns_.emplace_back(std::vector<std::uint8_t>(size(), 0)); break;
  }
  column_specs_.push_back(std::move(spec));
  return columns_.size() - 1;
}

std::size_t AgentStore::column_index(std::string_view name) const {
  for (std::size_t k = 0; k < column_specs_.size(); ++k) {
    if (column_specs_[k].name == name) return k;
  }
  return kNoColumn;
}

void AgentStore::check_column_type(std::size_t k, ColumnType wanted) const {
  if (column_specs_[k].type != wanted) {
    throw Error("agent column '" + column_specs_[k].name + "' holds " +
                column_type_name(column_specs_[k].type) + ", not " + column_type_name(wanted));
  }
}

void AgentStore::push_default() {
  ++layout_version_;
#define NKSIM_PUSH_COLUMN(type, name, on_divide, doc) name.push_back(type{});
  NKSIM_AGENT_COLUMNS(NKSIM_PUSH_COLUMN)
#undef NKSIM_PUSH_COLUMN
  for (auto& p : property) p.push_back(0.0);
  for (auto& c : columns_) std::visit([](auto& v) { v.emplace_back(); }, c);
}

std::size_t AgentStore::add(std::int32_t type_index, double px, double py, double pz, double r) {
  const std::size_t i = size();
  push_default();
  const std::uint64_t new_id = next_id_++;
  id[i] = new_id;
  type[i] = type_index;
  x[i] = px;
  y[i] = py;
  z[i] = pz;
  radius[i] = r;
  if (index_of_id_.size() <= new_id) index_of_id_.resize(new_id + 1, kNoIndex);
  index_of_id_[new_id] = static_cast<std::uint32_t>(i);
  return i;
}

std::size_t AgentStore::add_daughter(std::size_t mother) {
  const std::size_t i = size();
  push_default();
#define NKSIM_COPY_COLUMN(type, name, on_divide, doc) \
  if constexpr (OnDivide::on_divide == OnDivide::kCopy) name[i] = name[mother];
  NKSIM_AGENT_COLUMNS(NKSIM_COPY_COLUMN)
#undef NKSIM_COPY_COLUMN
  for (auto& p : property) p[i] = p[mother];
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    if (column_specs_[k].on_divide == OnDivide::kCopy) {
      std::visit([&](auto& v) { v[i] = v[mother]; }, columns_[k]);
    }
  }
  const std::uint64_t new_id = next_id_++;
  id[i] = new_id;
  if (index_of_id_.size() <= new_id) index_of_id_.resize(new_id + 1, kNoIndex);
  index_of_id_[new_id] = static_cast<std::uint32_t>(i);
  return i;
}

void AgentStore::remove(std::size_t i) {
  ++layout_version_;
  const std::size_t last = size() - 1;
  index_of_id_[id[i]] = kNoIndex;
  if (i != last) {
#define NKSIM_MOVE_COLUMN(type, name, on_divide, doc) name[i] = name[last];
    NKSIM_AGENT_COLUMNS(NKSIM_MOVE_COLUMN)
#undef NKSIM_MOVE_COLUMN
    for (auto& p : property) p[i] = p[last];
    for (auto& c : columns_) std::visit([&](auto& v) { v[i] = v[last]; }, c);
    index_of_id_[id[i]] = static_cast<std::uint32_t>(i);
  }
#define NKSIM_POP_COLUMN(type, name, on_divide, doc) name.pop_back();
  NKSIM_AGENT_COLUMNS(NKSIM_POP_COLUMN)
#undef NKSIM_POP_COLUMN
  for (auto& p : property) p.pop_back();
  for (auto& c : columns_) std::visit([](auto& v) { v.pop_back(); }, c);
}

void AgentStore::permute(const std::vector<std::uint32_t>& order, int threads) {
  ++layout_version_;
  const std::int64_t n = static_cast<std::int64_t>(size());
  const auto reorder = [&](auto& column) {
    std::remove_reference_t<decltype(column)> moved(column.size());
#pragma omp parallel for schedule(static) num_threads(threads) if (n >= kMinParallelAgents)
    for (std::int64_t k = 0; k < n; ++k) moved[k] = column[order[k]];
    column.swap(moved);
  };
#define NKSIM_PERMUTE_COLUMN(type, name, on_divide, doc) reorder(name);
  NKSIM_AGENT_COLUMNS(NKSIM_PERMUTE_COLUMN)
#undef NKSIM_PERMUTE_COLUMN
  for (auto& p : property) reorder(p);
  for (auto& c : columns_) std::visit(reorder, c);
  for (std::int64_t k = 0; k < n; ++k) index_of_id_[id[k]] = static_cast<std::uint32_t>(k);
}

std::size_t AgentStore::bytes_per_agent() const {
  std::size_t bytes = 0;
#define NKSIM_COLUMN_BYTES(type, name, on_divide, doc) bytes += sizeof(type);
  NKSIM_AGENT_COLUMNS(NKSIM_COLUMN_BYTES)
#undef NKSIM_COLUMN_BYTES
  bytes += property.size() * sizeof(double);
  for (const ColumnSpec& c : column_specs_) bytes += column_type_size(c.type);
  bytes += sizeof(std::uint32_t);  // id -> index map
  return bytes;
}

void AgentStore::save_state(StateWriter& out) const {
#define NKSIM_SAVE_COLUMN(type, name, on_divide, doc) out.put("column/" #name, name);
  NKSIM_AGENT_COLUMNS(NKSIM_SAVE_COLUMN)
#undef NKSIM_SAVE_COLUMN
  out.put_text("property_names", join(property_names_, "\n"));
  for (std::size_t k = 0; k < property.size(); ++k) {
    out.put("property/" + property_names_[k], property[k]);
  }
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    std::visit([&](const auto& v) { out.put("mechanism_column/" + column_specs_[k].name, v); },
               columns_[k]);
  }
  out.put_value("next_id", next_id_);
  out.put_value("layout_version", layout_version_);
}

void AgentStore::restore_state(const StateReader& in) {
  if (in.get_text("property_names") != join(property_names_, "\n")) {
    throw InputError(in.path().string() + ": the checkpoint's agents carry other properties (" +
                     in.get_text("property_names") + ") than the scenario's");
  }
  const std::int64_t n = static_cast<std::int64_t>(in.get<std::uint64_t>("column/id").size());
#define NKSIM_RESTORE_COLUMN(type, name, on_divide, doc) name = in.get<type>("column/" #name, n);
  NKSIM_AGENT_COLUMNS(NKSIM_RESTORE_COLUMN)
#undef NKSIM_RESTORE_COLUMN
  for (std::size_t k = 0; k < property.size(); ++k) {
    property[k] = in.get<double>("property/" + property_names_[k], n);
  }
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    std::visit(
        [&](auto& v) {
          using T = typename std::remove_reference_t<decltype(v)>::value_type;
          v = in.get<T>("mechanism_column/" + column_specs_[k].name, n);
        },
        columns_[k]);
  }
  next_id_ = in.get_value<std::uint64_t>("next_id");
  layout_version_ = in.get_value<std::uint64_t>("layout_version");
  index_of_id_.assign(next_id_, kNoIndex);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (id[i] == 0 || id[i] >= next_id_ || index_of_id_[id[i]] != kNoIndex) {
      throw InputError(in.path().string() + ": the checkpoint's agent ids are inconsistent");
    }
    index_of_id_[id[i]] = static_cast<std::uint32_t>(i);
  }
}

}  // namespace nksim
