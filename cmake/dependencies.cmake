# Every dependency is a Debian 12 package installed by scripts/setup.sh; nothing is downloaded.
find_package(tomlplusplus 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)

# SUNDIALS' own CMake package drags in optional back-ends (Trilinos, PETSc, ...); the serial
# CVODE pieces we use are plain libraries, so we find them directly.
find_path(SUNDIALS_INCLUDE_DIR cvode/cvode.h REQUIRED)
foreach(lib cvode nvecserial sunmatrixdense sunlinsoldense)
  find_library(SUNDIALS_${lib}_LIBRARY sundials_${lib} REQUIRED)
  list(APPEND NKSIM_SUNDIALS_LIBRARIES ${SUNDIALS_${lib}_LIBRARY})
endforeach()
add_library(nksim_sundials INTERFACE)
target_include_directories(nksim_sundials SYSTEM INTERFACE ${SUNDIALS_INCLUDE_DIR})
target_link_libraries(nksim_sundials INTERFACE ${NKSIM_SUNDIALS_LIBRARIES})

# Spatial engine: OpenMP (gcc's libgomp), HDF5 snapshots, Random123 (header-only).
find_package(OpenMP REQUIRED COMPONENTS CXX)
enable_language(C)  # FindHDF5 probes the C wrapper compiler
find_package(HDF5 REQUIRED COMPONENTS C)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
