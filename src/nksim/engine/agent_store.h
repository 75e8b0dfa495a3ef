// Agents as columns (structure of arrays) generated from the field table (agent_fields.h).
//
// Agents have stable ids (never reused) and dense indices 0..size()-1; removal is swap-and-pop
// so indices change, ids do not. index_of(id) maps back. Births and removals are applied by the
// Simulation at the end of a step, in id order, so the dense order is deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nksim/engine/agent_fields.h"

namespace nksim {

class StateWriter;
class StateReader;

class AgentStore {
 public:
  static constexpr std::uint32_t kNoIndex = 0xffffffffu;

  // Columns, one std::vector per row of the field table.
#define NKSIM_DECLARE_COLUMN(type, name, on_divide, doc) std::vector<type> name;
  NKSIM_AGENT_COLUMNS(NKSIM_DECLARE_COLUMN)
#undef NKSIM_DECLARE_COLUMN

  // Columns a mechanism owns (declared by it at set-up, Mechanism::declare_columns): numbers per
  // agent that move, copy or reset with the agents, are saved in checkpoints and (when asked)
  // written to snapshots as /agents/<name>.
  struct ColumnSpec {
    std::string name;
    OnDivide on_divide = OnDivide::kReset;  // what a daughter gets: the mother's value or 0
    bool in_snapshots = false;
    std::string description;
  };
  // Adds a column (0 for the agents already there) and returns its index in mechanism_column.
  // Throws Error when another column has the name.
  std::size_t declare_column(ColumnSpec spec);
  const std::vector<ColumnSpec>& declared_columns() const { return column_specs_; }
  std::vector<std::vector<double>> mechanism_column;

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
  void push_default();
  std::vector<std::string> property_names_;
  std::vector<ColumnSpec> column_specs_;
  std::vector<std::uint32_t> index_of_id_;
  std::uint64_t next_id_ = 1;  // 0 is reserved for "no agent"
  std::uint64_t layout_version_ = 0;
};

}  // namespace nksim
