// Small text helpers shared by error messages and outputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nksim {

// Edit distance (insert, delete, substitute each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible typo.
std::string nearest(std::string_view word, std::span<const std::string> candidates);

// True when `a` and `b` name the same quantity in different units: the same stem followed by
// different unit suffixes ("time_min" and "time_days", "diffusion_um2_per_s" and
// "diffusion_um2_per_min", "cycle_duration_h" and "cycle_duration_min").
bool same_quantity_other_unit(std::string_view a, std::string_view b);

// The candidate closest to `word` as a key name: a plausible typo (nearest) or, failing that,
// the same quantity in another unit. "" when none.
std::string nearest_key(std::string_view word, std::span<const std::string> candidates);

// ", did you mean 'x'?" or "" (for appending to an error message).
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

// "1 dose", "2 doses": a count with its noun, plural by appending "s".
std::string count_of(std::size_t n, std::string_view noun);

// "a, b,c" -> {"a", "b", "c"}: split at commas, spaces trimmed from each item.
std::vector<std::string> split_list(std::string_view text);

// "a, b, c"
std::string join(std::span<const std::string> items, std::string_view separator = ", ");

// A double formatted with `digits` significant digits ("%.{digits}g"); "nan"/"inf" spelled out.
std::string format_number(double value, int digits = 15);

// 64-bit FNV-1a hash of bytes (detects damage; not a cryptographic hash).
std::uint64_t fnv1a(std::string_view bytes);
// The same as 16 lower-case hex digits. Identifies a scenario file; it is
// not a cryptographic hash.
std::string fnv1a_hex(std::string_view bytes);

}  // namespace nksim
