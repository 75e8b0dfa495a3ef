# libFuzzer build (preset "fuzz", docs/fuzzing.md): the library is instrumented for coverage and
# checked by AddressSanitizer and UndefinedBehaviorSanitizer; only the fuzz targets link the
# libFuzzer driver (-fsanitize=fuzzer). Needs clang: gcc has no libFuzzer.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "NKSIM_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                      "configure with 'cmake --preset fuzz' (clang++-14)")
endif()
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
check_cxx_source_compiles([[
  #include <cstddef>
  #include <cstdint>
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
]] NKSIM_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
if(NOT NKSIM_HAVE_LIBFUZZER)
  message(FATAL_ERROR "libFuzzer is unavailable: clang cannot link -fsanitize=fuzzer "
                      "(install libfuzzer-14-dev and libclang-rt-14-dev: scripts/setup.sh)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                    -fno-sanitize-recover=all)
add_link_options(-fsanitize=address,undefined)
