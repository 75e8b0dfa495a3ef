// toml++'s implementation, compiled into the fuzz targets. Debian ships toml++ as a shared
// library, which libFuzzer cannot see into and the sanitizers do not check; compiled here with
// the fuzz build's flags, the TOML parser is coverage-guided and checked too. The executable's
// definitions take precedence over the shared library's (ELF symbol interposition).
//
// Two checks are off for this file only, as in Debian's library (tests/fuzz/CMakeLists.txt,
// docs/fuzzing.md), because toml++ 3.3.0 fails them on malformed input it then rejects cleanly:
// - its internal assertions: parse_key() asserts a precondition that a table header such as
//   "[*x]" breaks (fixed upstream in toml++ pull request 301);
// - UBSan's unreachable check: is_non_ascii_horizontal_whitespace() reaches its "unreachable"
//   default for some non-ASCII characters, e.g. U+00A7 or U+FEFC (toml++ issues 190 and 295,
//   fixed upstream in pull request 305).
#define TOML_ASSERT(expr) static_assert(true)
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
