#pragma once

namespace nksim {

// Set by CMake from project(VERSION ...).
inline constexpr const char* kVersion = NKSIM_VERSION;

}  // namespace nksim
