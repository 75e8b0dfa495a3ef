# Every dependency is a Debian 12 package installed by scripts/setup.sh; nothing is downloaded.
find_package(tomlplusplus 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)
# FindHDF5 probes its C compiler wrapper, so the C language must be enabled.
enable_language(C)
find_package(HDF5 REQUIRED COMPONENTS C)

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
# Eigen (header-only): the small dense LU of the Rodas4 solver for small well-mixed models.
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(SQLite3 REQUIRED)
# Fitting (docs/fit.md): NLopt's C++ library (Debian libnlopt-cxx-dev). Its CMake package
# is named NLopt but installed under cmake/nlopt_cxx, beside the C library's; it defines
# NLopt::nlopt_cxx.
find_package(NLopt 2.6 CONFIG REQUIRED NAMES nlopt_cxx CONFIGS NLoptConfig.cmake)
# Open MPI is only for the separate nksim-mpi executable; the nksim library never links it.
find_package(MPI REQUIRED COMPONENTS C)

# Spatial engine: OpenMP (gcc's libgomp), HDF5 snapshots (found above), Random123 (header-only).
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)

# SBML export and import (docs/sbml.md): libSBML (Debian libsbml5-dev), found via pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBSBML REQUIRED IMPORTED_TARGET libsbml)

# The Python module: Debian's interpreter (/usr/bin/python3, which has numpy), not whichever
# python3 comes first on PATH; pybind11 from pybind11-dev.
if(NKSIM_BUILD_PYTHON)
  if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python 3.9 REQUIRED COMPONENTS Interpreter Development.Module NumPy)
  find_package(pybind11 2.6 CONFIG REQUIRED)
endif()
