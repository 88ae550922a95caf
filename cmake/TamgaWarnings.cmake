# tamga_warnings(target [CONVERSION]) turns on the project's warning set for one target.
# CONVERSION adds -Wconversion, which STYLE.md asks of consensus, ledger and contracts,
# where a silent narrowing of a height or a quantity would be a real bug.
function(tamga_warnings target)
  cmake_parse_arguments(ARG "CONVERSION" "" "" ${ARGN})
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(ARG_CONVERSION)
    target_compile_options(${target} PRIVATE -Wconversion -Wsign-conversion)
  endif()
  if(TAMGA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
