#  Writes the C file that holds what --version prints, at build time (the
#  target opstap_version_stamp in CMakeLists.txt runs it on every build):
#    cmake -DSOURCE=DIR -DOUTPUT=FILE -DVERSION=X.Y.Z [-DCOMMIT=ID] -P version.cmake
#  The commit is COMMIT when given (a package built from a tree without
#  git), else git's (with -dirty for uncommitted changes), else "unknown".
#  FILE is rewritten only when its text changes, so an unchanged tree
#  compiles nothing.
if (NOT COMMIT)
    set (COMMIT "unknown")
    find_program (GIT git)
    if (GIT)
        #  Only the tree's own repository: a copy of the sources unpacked
        #  inside some other repository is not that repository's commit.
        execute_process (COMMAND ${GIT} -C ${SOURCE} rev-parse --show-toplevel
                         OUTPUT_VARIABLE top OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        file (REAL_PATH "${SOURCE}" source_real)
        if (top)
            file (REAL_PATH "${top}" top)
        endif ()
        execute_process (
            COMMAND ${GIT} -C ${SOURCE} describe --always --dirty --abbrev=12 --exclude=*
            OUTPUT_VARIABLE described OUTPUT_STRIP_TRAILING_WHITESPACE
            RESULT_VARIABLE failed ERROR_QUIET)
        if (top STREQUAL source_real AND NOT failed
            AND described MATCHES "^[0-9a-f]+(-dirty)?$")
            set (COMMIT "${described}")
        endif ()
    endif ()
endif ()
if (NOT COMMIT MATCHES "^[A-Za-z0-9._+~-]+$")
    message (FATAL_ERROR "version.cmake: COMMIT '${COMMIT}' is not a plain word")
endif ()
set (text "/*  Made by scripts/version.cmake at build time; not in git.  */
#include \"opstap_version.h\"

const char opstap_version[] = \"${VERSION}\";
const char opstap_commit[] = \"${COMMIT}\";
")
set (old "")
if (EXISTS ${OUTPUT})
    file (READ ${OUTPUT} old)
endif ()
if (NOT old STREQUAL text)
    file (WRITE ${OUTPUT} "${text}")
endif ()
