#include "common/error.hpp"

#include <fmt/format.h>

namespace dembones {
namespace {

std::string format_where(const Location& w, const std::string& message) {
  std::string file;
  if (!w.file.empty()) {
    if (w.line > 0 && w.column > 0)
      file = fmt::format("{}:{}:{}: ", w.file, w.line, w.column);
    else if (w.line > 0)
      file = fmt::format("{}:{}: ", w.file, w.line);
    else
      file = fmt::format("{}: ", w.file);
  }
  const std::string field = w.field.empty() ? std::string() : fmt::format("field '{}': ", w.field);
  return fmt::format("{}{}{}", file, field, message);
}

}  // namespace

InputError::InputError(Location where, const std::string& message)
    : Error(format_where(where, message)), where_(std::move(where)), message_(message) {}

}  // namespace dembones
