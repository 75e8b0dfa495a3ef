// Verlet neighbour lists in 16-bit entries: each agent's neighbours are stored as offsets
// j - i from the agent's own index i, modulo the number of agents n (agents are renumbered in
// cell order, so neighbours sit close in memory, or, across a periodic boundary, at the other
// end), 2 bytes each instead of a 4-byte index. An agent with any neighbour farther than
// kMaxOffset away either way stores its whole list at full width instead: a kWide mark, then
// each index as two 16-bit halves (low first). A list with an offset taken across the end (the
// first agents' neighbours at the last, or the reverse) is marked in wraps(), so that the others
// decode with one addition. Either way an agent's neighbours are given back
// exactly, in the order they were written (tests/unit/engine/neighbour_list_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace nksim {

class NeighbourList {
 public:
  // Largest |j - i| stored as an offset; -32768 is not an offset but the kWide mark.
  static constexpr std::int64_t kMaxOffset = 32767;
  static constexpr std::uint16_t kWide = 0x8000;

  // The offset of neighbour j of agent i (both < n), or a value beyond kMaxOffset if none fits.
  static std::int64_t offset(std::size_t i, std::size_t j, std::size_t n) {
    const std::int64_t d = static_cast<std::int64_t>(j) - static_cast<std::int64_t>(i);
    if (d >= -kMaxOffset && d <= kMaxOffset) return d;
    return d > 0 ? d - static_cast<std::int64_t>(n) : d + static_cast<std::int64_t>(n);
  }
  static bool fits(std::size_t i, std::size_t j, std::size_t n) {
    const std::int64_t d = offset(i, j, n);
    return d >= -kMaxOffset && d <= kMaxOffset;
  }
  // 16-bit entries an agent's list of `count` neighbours takes.
  static std::uint32_t units(std::uint32_t count, bool wide) {
    return wide ? (count == 0 ? 0 : 2 * count + 1) : count;
  }

  // Building, in two passes: reset(n), then set_units(i, ...) for every agent (any order, any
  // thread), then allocate(), then write(i, ...) for every agent (any order, any thread).
  void reset(std::size_t agents) {
    offsets_.assign(agents + 1, 0);
    wraps_.assign(agents, 0);
  }
  void set_units(std::size_t i, std::uint32_t units) { offsets_[i + 1] = units; }
  void allocate() {
    std::uint64_t total = 0;
    for (std::size_t i = 1; i < offsets_.size(); ++i) {
      total += offsets_[i];
      if (total > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("neighbour lists: more than 2^32 - 1 entries");
      }
      offsets_[i] = static_cast<std::uint32_t>(total);
    }
    // Growing without copying the old entries (they are all rewritten).
    if (total > entries_.capacity()) entries_ = std::vector<std::uint16_t>();
    entries_.resize(total);
  }
  // Writes agent i's neighbours nb[0..count) in the form its set_units chose.
  void write(std::size_t i, const std::uint32_t* nb, std::uint32_t count) {
    std::uint16_t* e = entries_.data() + offsets_[i];
    if (offsets_[i + 1] - offsets_[i] == count) {
      std::uint8_t wraps = 0;
      for (std::uint32_t k = 0; k < count; ++k) {
        const std::int64_t d = offset(i, nb[k], agents());
        wraps |= static_cast<std::uint8_t>(d != static_cast<std::int64_t>(nb[k]) -
                                                    static_cast<std::int64_t>(i));
        e[k] = static_cast<std::uint16_t>(d & 0xffff);
      }
      wraps_[i] = wraps;
      return;
    }
    *e++ = kWide;
    for (std::uint32_t k = 0; k < count; ++k) {
      e[2 * k] = static_cast<std::uint16_t>(nb[k] & 0xffffu);
      e[2 * k + 1] = static_cast<std::uint16_t>(nb[k] >> 16);
    }
  }

  // Reading: agent i's entries are entries()[offsets()[i] .. offsets()[i + 1]).
  static bool is_wide(const std::uint16_t* e, std::uint32_t units) {
    return units != 0 && e[0] == kWide;
  }
  static std::uint32_t count(const std::uint16_t* e, std::uint32_t units) {
    return is_wide(e, units) ? (units - 1) / 2 : units;
  }
  // Neighbour k of agent i of n from a list that is not wide (entries e; plain_at when the list
  // does not wrap), or wide (entries e + 1).
  static std::uint32_t plain_at(std::size_t i, const std::uint16_t* e, std::uint32_t k) {
    return static_cast<std::uint32_t>(i) +
           static_cast<std::uint32_t>(static_cast<std::int32_t>(static_cast<std::int16_t>(e[k])));
  }
  static std::uint32_t near_at(std::size_t i, const std::uint16_t* e, std::uint32_t k,
                               std::int64_t n) {
    std::int64_t j = static_cast<std::int64_t>(i) + static_cast<std::int16_t>(e[k]);
    j += j < 0 ? n : 0;
    j -= j >= n ? n : 0;
    return static_cast<std::uint32_t>(j);
  }
  static std::uint32_t wide_at(const std::uint16_t* w, std::uint32_t k) {
    return static_cast<std::uint32_t>(w[2 * k]) | (static_cast<std::uint32_t>(w[2 * k + 1]) << 16);
  }
  std::size_t agents() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  const std::uint32_t* offsets() const { return offsets_.data(); }
  const std::uint16_t* entries() const { return entries_.data(); }
  const std::uint8_t* wraps() const { return wraps_.data(); }
  std::size_t num_entries() const { return entries_.size(); }
  // Agent i's neighbours, in order.
  std::vector<std::uint32_t> neighbours(std::size_t i) const {
    const std::uint16_t* e = entries_.data() + offsets_[i];
    const std::uint32_t u = offsets_[i + 1] - offsets_[i];
    std::vector<std::uint32_t> out(count(e, u));
    for (std::uint32_t k = 0; k < out.size(); ++k) {
      out[k] =
          is_wide(e, u) ? wide_at(e + 1, k) : near_at(i, e, k, static_cast<std::int64_t>(agents()));
    }
    return out;
  }

  // The plain form (checkpoints): offsets[i] .. offsets[i + 1] index agent i's neighbours in
  // `list`, full 32-bit agent indices (each below the number of agents).
  void to_plain(std::vector<std::uint32_t>& offsets, std::vector<std::uint32_t>& list) const;
  void from_plain(const std::vector<std::uint32_t>& offsets,
                  const std::vector<std::uint32_t>& list);

  // Bytes held: offsets, wrap marks and entries.
  std::size_t bytes() const {
    return offsets_.size() * sizeof(std::uint32_t) + wraps_.size() +
           entries_.size() * sizeof(std::uint16_t);
  }

 private:
  std::vector<std::uint32_t> offsets_;  // per agent + 1: first entry of its list
  std::vector<std::uint16_t> entries_;
  std::vector<std::uint8_t> wraps_;  // per agent: 1 if its offsets wrap around the end
};

inline void NeighbourList::to_plain(std::vector<std::uint32_t>& offsets,
                                    std::vector<std::uint32_t>& list) const {
  const std::size_t n = agents();
  offsets.assign(offsets_.empty() ? 0 : n + 1, 0);
  list.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<std::uint32_t> nb = neighbours(i);
    list.insert(list.end(), nb.begin(), nb.end());
    offsets[i + 1] = static_cast<std::uint32_t>(list.size());
  }
}

inline void NeighbourList::from_plain(const std::vector<std::uint32_t>& offsets,
                                      const std::vector<std::uint32_t>& list) {
  if (offsets.empty()) {
    offsets_.clear();
    entries_.clear();
    return;
  }
  const std::size_t n = offsets.size() - 1;
  reset(n);
  for (std::size_t i = 0; i < n; ++i) {
    bool wide = false;
    for (std::uint32_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      wide = wide || !fits(i, list[k], n);
    }
    set_units(i, units(offsets[i + 1] - offsets[i], wide));
  }
  allocate();
  for (std::size_t i = 0; i < n; ++i)
    write(i, list.data() + offsets[i], offsets[i + 1] - offsets[i]);
}

}  // namespace nksim
