#pragma once
// The project's exception types. User errors (bad scenario, model or sweep files, bad command-line
// values) are InputError and carry where the problem is: file, line (1-based, 0 = unknown) and field.
// Failures of the engine itself are InternalError. Both are caught once, in the command-line program.
// Run-time trouble inside the per-frame loop is never an exception: it is a status in Data.
#include <stdexcept>
#include <string>

namespace dembones {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Location {
  std::string file;   // path as the user gave it; empty when not from a file
  int line = 0;       // 1-based; 0 = unknown
  int column = 0;     // 1-based; 0 = unknown
  std::string field;  // dotted path of the field, e.g. "task.load.mass_kg"
  bool operator==(const Location&) const = default;
};

// Bad input from the user. what() reads "FILE:LINE:COL: field 'F': MESSAGE".
class InputError : public Error {
 public:
  InputError(Location where, const std::string& message);
  explicit InputError(const std::string& message) : InputError(Location{}, message) {}
  const Location& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  Location where_;
  std::string message_;
};

// A file could not be read or written (missing, permissions, corrupt HDF5).
class IoError : public InputError {
 public:
  using InputError::InputError;
};

// Something inside dembones went wrong that no input should cause.
class InternalError : public Error {
 public:
  using Error::Error;
};

// Exit codes of the command-line program.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

}  // namespace dembones
