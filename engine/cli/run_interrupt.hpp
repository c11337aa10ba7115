#pragma once
// What a `dembones run` does when a signal stops it: no partial file left behind, and a message.
#include <filesystem>
#include <string>

namespace dembones::cli {

// On SIGINT, SIGTERM or SIGHUP the partial file is removed and `message` printed (if not empty) before
// the program dies of the signal.
void remove_partial_on_interrupt(const std::filesystem::path& partial, const std::string& message);

}  // namespace dembones::cli
