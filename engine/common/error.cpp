#include "common/error.hpp"

#include <fmt/format.h>

namespace dembones {
namespace {

std::string format_where(const Location& w, const std::string& message) {
  std::string out;
  if (!w.file.empty()) {
    out += w.file;
    if (w.line > 0) out += fmt::format(":{}", w.line);
    if (w.line > 0 && w.column > 0) out += fmt::format(":{}", w.column);
    out += ": ";
  }
  if (!w.field.empty()) out += fmt::format("field '{}': ", w.field);
  return out + message;
}

}  // namespace

InputError::InputError(Location where, const std::string& message)
    : Error(format_where(where, message)), where_(std::move(where)), message_(message) {}

}  // namespace dembones
