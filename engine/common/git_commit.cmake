# Writes OUTPUT from TEMPLATE with DEMBONES_GIT_COMMIT, the commit of SOURCE_DIR (12 hex digits;
# "unknown" outside a git checkout). When what is compiled (engine/, CMakeLists.txt) differs from that
# commit (tracked files changed, or files git does not track, which the build's GLOB_RECURSE compiles
# all the same) it gets "-dirty-" and 8 hex digits of the SHA-256 of those differences (the diff and
# each untracked file's name and bytes); edits to docs or tests leave the stamp alone. Two builds from
# different uncommitted changes then say so, and a sweep's resume and merge, which compare builds,
# tell them apart (provenance audit: both were "-dirty").
# Run at every build (engine/CMakeLists.txt, target dembones_git_commit) rather than once at configure
# time: an incremental build after a commit stamped its run files with the commit it was configured
# at. configure_file rewrites OUTPUT only when the text changes, so a build at the same state
# recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE DEMBONES_GIT_COMMIT RESULT_VARIABLE rc
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT DEMBONES_GIT_COMMIT)
  set(DEMBONES_GIT_COMMIT "unknown")
else()
  # What is compiled: engine/ and the top-level CMakeLists.txt. Options that make the diff's text the
  # same whatever the user's git configuration (colour, abbreviated hashes, prefixes, renames,
  # external diff drivers), so the same tree gives the same hash.
  execute_process(COMMAND git -c core.quotepath=off diff --binary --full-index --no-color --no-ext-diff
                          --no-textconv --no-renames --src-prefix=a/ --dst-prefix=b/ HEAD -- engine CMakeLists.txt
    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE changes ERROR_QUIET)
  execute_process(COMMAND git -c core.quotepath=off ls-files --others --exclude-standard -- engine CMakeLists.txt
    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE untracked OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REPLACE ";" "\\;" untracked "${untracked}")  # a ';' in a name is not a list separator
  set(fingerprint "${changes}")
  if(untracked)
    string(REPLACE "\n" ";" untracked_list "${untracked}")
    foreach(f IN LISTS untracked_list)
      if(EXISTS "${SOURCE_DIR}/${f}" AND NOT IS_DIRECTORY "${SOURCE_DIR}/${f}")
        file(SHA256 "${SOURCE_DIR}/${f}" h)
        string(APPEND fingerprint "\nuntracked ${f} ${h}")
      endif()
    endforeach()
  endif()
  if(NOT fingerprint STREQUAL "")
    string(SHA256 h "${fingerprint}")
    string(SUBSTRING "${h}" 0 8 h)
    string(APPEND DEMBONES_GIT_COMMIT "-dirty-${h}")
  endif()
endif()
configure_file(${TEMPLATE} ${OUTPUT} @ONLY)
