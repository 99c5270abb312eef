# Arrow C++ with Parquet: a system install (find_package) first, else the one shipped in the pinned pyarrow wheel.
# Defines the interface target icegraph_arrow.
set(ICEGRAPH_PYTHON "${CMAKE_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH "Python whose pyarrow provides Arrow C++")
option(ICEGRAPH_USE_SYSTEM_ARROW "Look for a system Arrow C++ (ArrowConfig.cmake) before pyarrow's" ON)

add_library(icegraph_arrow INTERFACE)

if(ICEGRAPH_USE_SYSTEM_ARROW)
  find_package(Arrow CONFIG QUIET)
endif()

if(Arrow_FOUND)
  find_package(Parquet CONFIG REQUIRED)
  find_package(ArrowCompute CONFIG QUIET)
  message(STATUS "icegraph: system Arrow ${Arrow_VERSION}")
  target_link_libraries(icegraph_arrow INTERFACE Arrow::arrow_shared Parquet::parquet_shared)
  if(TARGET ArrowCompute::arrow_compute_shared)
    target_link_libraries(icegraph_arrow INTERFACE ArrowCompute::arrow_compute_shared)
  endif()
else()
  if(NOT EXISTS "${ICEGRAPH_PYTHON}")
    message(FATAL_ERROR "icegraph: no system Arrow and no ${ICEGRAPH_PYTHON}; run `make venv` (or scripts/venv.sh) "
                        "or pass -DICEGRAPH_PYTHON=/path/to/python-with-pyarrow")
  endif()
  execute_process(
    COMMAND "${ICEGRAPH_PYTHON}" -c
            "import pyarrow as pa; pa.create_library_symlinks(); print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.__version__)"
    OUTPUT_VARIABLE _pa_out RESULT_VARIABLE _pa_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _pa_rc EQUAL 0)
    message(FATAL_ERROR "icegraph: ${ICEGRAPH_PYTHON} cannot import pyarrow")
  endif()
  string(REPLACE "\n" ";" _pa_lines "${_pa_out}")
  list(GET _pa_lines 0 ARROW_INCLUDE_DIR)
  list(GET _pa_lines 1 ARROW_LIB_DIR)
  list(GET _pa_lines 2 ARROW_VERSION)
  message(STATUS "icegraph: Arrow ${ARROW_VERSION} from pyarrow at ${ARROW_LIB_DIR}")
  foreach(_lib arrow arrow_compute parquet)
    find_library(_path_${_lib} NAMES ${_lib} PATHS "${ARROW_LIB_DIR}" NO_DEFAULT_PATH REQUIRED)
    target_link_libraries(icegraph_arrow INTERFACE "${_path_${_lib}}")
  endforeach()
  # Wheel headers are third-party: include them as system headers so -Werror applies to our code only.
  target_include_directories(icegraph_arrow SYSTEM INTERFACE "${ARROW_INCLUDE_DIR}")
  # The wheel is built with the C++11 string ABI (manylinux_2_28), which is also GCC's default here.
  target_compile_definitions(icegraph_arrow INTERFACE _GLIBCXX_USE_CXX11_ABI=1)
  target_link_options(icegraph_arrow INTERFACE "-Wl,-rpath,${ARROW_LIB_DIR}")
endif()
