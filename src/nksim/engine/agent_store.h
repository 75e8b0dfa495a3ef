// Agents as columns (structure of arrays) generated from the field table (agent_fields.h).
//
// Agents have stable ids (never reused) and dense indices 0..size()-1; removal is swap-and-pop
// so indices change, ids do not. index_of(id) maps back. Births and removals are applied by the
// Simulation at the end of a step, in id order, so the dense order is deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nksim/engine/agent_fields.h"

namespace nksim {

class StateWriter;
class StateReader;

// Types a mechanism's column may hold.
enum class ColumnType : std::uint8_t { kDouble, kFloat, kUint64, kInt32, kUint8 };
template <class T>
inline constexpr ColumnType kColumnTypeOf = [] {
  static_assert(sizeof(T) == 0, "agent columns hold double, float, uint64, int32 or uint8");
  return ColumnType::kDouble;
}();
template <>
inline constexpr ColumnType kColumnTypeOf<double> = ColumnType::kDouble;
template <>
inline constexpr ColumnType kColumnTypeOf<float> = ColumnType::kFloat;
template <>
inline constexpr ColumnType kColumnTypeOf<std::uint64_t> = ColumnType::kUint64;
template <>
inline constexpr ColumnType kColumnTypeOf<std::int32_t> = ColumnType::kInt32;
template <>
inline constexpr ColumnType kColumnTypeOf<std::uint8_t> = ColumnType::kUint8;
std::size_t column_type_size(ColumnType type);
const char* column_type_name(ColumnType type);

// A handle on a declared column of T: its index among the declared columns, fixed at set-up.
// A default-constructed key is invalid (the column is not in this run).
template <class T>
struct ColumnKey {
  std::size_t index = static_cast<std::size_t>(-1);
  explicit operator bool() const { return index != static_cast<std::size_t>(-1); }
};

class AgentStore {
 public:
  static constexpr std::uint32_t kNoIndex = 0xffffffffu;

  // Columns, one std::vector per row of the field table.
#define NKSIM_DECLARE_COLUMN(type, name, on_divide, doc) std::vector<type> name;
  NKSIM_AGENT_COLUMNS(NKSIM_DECLARE_COLUMN)
#undef NKSIM_DECLARE_COLUMN

  // Columns a mechanism owns (declared by it at set-up, Mechanism::declare_columns): numbers per
  // agent of one of the types below that move, copy or reset with the agents, are saved in
  // checkpoints and, when marked in_snapshots, written to every snapshot (the snapshot writer
  // writes those columns and no other mechanism state). A mechanism keeps the ColumnKey it gets
  // and reaches the values through column(key) or column_data(key): a plain std::vector<T>,
  // contiguous, to index in its loops.
  struct ColumnSpec {
    std::string name;
    OnDivide on_divide = OnDivide::kReset;  // what a daughter gets: the mother's value or 0
    bool in_snapshots = false;  // written to every snapshot as /agents/<snapshot_dataset()>
    std::string description;
    // The dataset's name in snapshots when it differs from `name` (empty: `name`).
    std::string snapshot_name = {};
    ColumnType type = ColumnType::kDouble;  // set by declare_column<T>

    const std::string& snapshot_dataset() const {
      return snapshot_name.empty() ? name : snapshot_name;
    }
  };
  using ColumnData =
      std::variant<std::vector<double>, std::vector<float>, std::vector<std::uint64_t>,
                   std::vector<std::int32_t>, std::vector<std::uint8_t>>;

  // Adds a column of T (0 for the agents already there). Throws Error when another column has
  // the name.
  template <class T>
  ColumnKey<T> declare_column(ColumnSpec spec) {
    spec.type = kColumnTypeOf<T>;
    return ColumnKey<T>{declare_any_column(std::move(spec))};
  }
  // The column another mechanism declared under `name` (an invalid key when there is none).
  // Throws Error when it holds another type than T.
  template <class T>
  ColumnKey<T> find_column(std::string_view name) const {
    const std::size_t k = column_index(name);
    if (k == kNoColumn) return {};
    check_column_type(k, kColumnTypeOf<T>);
    return ColumnKey<T>{k};
  }
  template <class T>
  std::vector<T>& column(ColumnKey<T> key) {
    return std::get<std::vector<T>>(columns_[key.index]);
  }
  template <class T>
  const std::vector<T>& column(ColumnKey<T> key) const {
    return std::get<std::vector<T>>(columns_[key.index]);
  }
  // The values of the column, or nullptr when the key is invalid (the column is absent).
  template <class T>
  T* column_data(ColumnKey<T> key) {
    return key ? column(key).data() : nullptr;
  }
  template <class T>
  const T* column_data(ColumnKey<T> key) const {
    return key ? column(key).data() : nullptr;
  }
  const std::vector<ColumnSpec>& declared_columns() const { return column_specs_; }
  // The storage of declared column k (in declaration order), for code that handles every type.
  const ColumnData& declared_column(std::size_t k) const { return columns_[k]; }
  ColumnData& declared_column(std::size_t k) { return columns_[k]; }

  // Dynamic heritable float properties (one column each), named once at set-up.
  void set_property_names(std::vector<std::string> names);
  const std::vector<std::string>& property_names() const { return property_names_; }
  int property_index(const std::string& name) const;  // -1 when absent
  std::vector<std::vector<double>> property;

  std::size_t size() const { return id.size(); }

  // Appends a live agent with a fresh id; returns its dense index. Columns not given are 0.
  std::size_t add(std::int32_t type_index, double px, double py, double pz, double r);
  // Appends a daughter of `mother`: columns marked kCopy and all properties copied, others 0.
  std::size_t add_daughter(std::size_t mother);
  // Removes the agent at dense index i (swap-and-pop).
  void remove(std::size_t i);
  // Reorders the agents: the agent at dense index order[k] moves to index k. `order` must be a
  // permutation of 0..size()-1. Ids are unchanged (index_of follows).
  void permute(const std::vector<std::uint32_t>& order, int threads = 1);

  std::uint32_t index_of(std::uint64_t agent_id) const {
    return agent_id < index_of_id_.size() ? index_of_id_[agent_id] : kNoIndex;
  }
  std::uint64_t next_id() const { return next_id_; }
  // Changes whenever an agent is added or removed or the agents are renumbered: dense indices
  // kept from before (e.g. neighbour lists) are stale once it differs.
  std::uint64_t layout_version() const { return layout_version_; }

  // Bytes held per agent by the columns (excluding vector slack).
  std::size_t bytes_per_agent() const;

  // Checkpoints: every column, the property columns (names must match on restore), the next id
  // and the layout version. Throws InputError when the saved agents do not fit this store.
  void save_state(StateWriter& out) const;
  void restore_state(const StateReader& in);

 private:
  static constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
  void push_default();
  std::size_t declare_any_column(ColumnSpec spec);
  std::size_t column_index(std::string_view name) const;  // kNoColumn when absent
  void check_column_type(std::size_t k, ColumnType wanted) const;
  std::vector<std::string> property_names_;
  std::vector<ColumnSpec> column_specs_;
  std::vector<ColumnData> columns_;
  std::vector<std::uint32_t> index_of_id_;
  std::uint64_t next_id_ = 1;  // 0 is reserved for "no agent"
  std::uint64_t layout_version_ = 0;
};

}  // namespace nksim
