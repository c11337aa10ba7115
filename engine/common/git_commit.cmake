# Writes OUTPUT from TEMPLATE with DEMBONES_GIT_COMMIT, the commit of SOURCE_DIR (12 hex digits, with
# "-dirty" when tracked files differ from it; "unknown" outside a git checkout). Run at every build
# (engine/CMakeLists.txt, target dembones_git_commit) rather than once at configure time: an
# incremental build after a commit stamped its run files with the commit it was configured at.
# configure_file rewrites OUTPUT only when the text changes, so a build at the same commit recompiles
# nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE DEMBONES_GIT_COMMIT RESULT_VARIABLE rc
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT DEMBONES_GIT_COMMIT)
  set(DEMBONES_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD --
    WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE dirty OUTPUT_QUIET ERROR_QUIET)
  if(NOT dirty EQUAL 0)
    string(APPEND DEMBONES_GIT_COMMIT "-dirty")
  endif()
endif()
configure_file(${TEMPLATE} ${OUTPUT} @ONLY)
