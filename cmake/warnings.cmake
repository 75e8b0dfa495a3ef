add_library(nksim_warnings INTERFACE)
target_compile_options(nksim_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                       -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast
                       # GCC 12 reports false -Wrestrict positives inside std::string at -O3.
                       $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
                       # Notes that passing 32-byte vectors changed ABI in GCC 4.6: the vector
                       # helpers are internal (inline or in one library), never an ABI boundary.
                       $<$<CXX_COMPILER_ID:GNU>:-Wno-psabi>)
if(NKSIM_WERROR)
  target_compile_options(nksim_warnings INTERFACE -Werror)
endif()
if(NKSIM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
