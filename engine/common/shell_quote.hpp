#pragma once
// Command lines the program prints or stores (a run file's command_line, `dembones sweep --list`)
// as a POSIX shell reads them back.
#include <string>

namespace dembones {

// An argument as a POSIX shell reads it back: as it is when it holds only characters no shell treats
// specially, else in single quotes (a quote inside as '\'').
std::string shell_quoted(const std::string& arg);

}  // namespace dembones
