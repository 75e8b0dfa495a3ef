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

// ", did you mean 'x'?" or "" (for appending to an error message).
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

// "a, b, c"
std::string join(std::span<const std::string> items, std::string_view separator = ", ");

// A double formatted with `digits` significant digits ("%.{digits}g"); "nan"/"inf" spelled out.
std::string format_number(double value, int digits = 15);

// 64-bit FNV-1a hash of bytes, as 16 lower-case hex digits. Identifies a scenario file; it is
// not a cryptographic hash.
std::string fnv1a_hex(std::string_view bytes);

}  // namespace nksim
