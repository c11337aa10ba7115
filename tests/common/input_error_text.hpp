#pragma once
// The message of the InputError that `f` throws, or "(no InputError)" when it throws none: for
// checking that a user error names its file, line and field. Shared by the scenario and io tests.
#include <string>
#include <utility>

#include "common/error.hpp"

namespace dembones::test_support {

template <class F>
std::string input_error_text(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

}  // namespace dembones::test_support
