#pragma once
// Typed reading of YAML mappings with errors that name the file, line, column and field, and say what
// was expected ("expected a number, got 'abc'"). Shared by the model and scenario parsers.
//
// A FieldReader wraps one YAML mapping. Every get/read marks its key as used; finish() then rejects any
// key that was not read, suggesting the closest known key ("did you mean 'mass_kg'?"). So unknown
// fields are errors, never silently ignored.
//
// Sources: a numeric field may be written plainly (`mass_kg: 9.3`) or with its own source
// (`mass_kg: {value: 9.3, source: "Rajagopal 2016"}`). A mapping may carry `source:` that applies to all
// numbers inside it (nested mappings inherit it). Each numeric value read is recorded, with its dotted
// path and effective source, in the optional ParameterLog, so a model file can list where every number
// comes from.
#include <yaml-cpp/yaml.h>

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace dembones {

// One numeric parameter as read from a file: where it is and which publication it comes from.
struct ParameterRecord {
  std::string field;   // dotted path, e.g. "bodies.femur.mass_kg"
  std::string value;   // as written (a scalar, or "[a, b, c]" for a vector)
  std::string source;  // empty when none was given
  Location where;
};

using ParameterLog = std::vector<ParameterRecord>;

// Levenshtein distance (insertions, deletions, substitutions each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `key` when it is close enough to be a likely typo (distance at most
// max(2, |key|/3)), else empty.
std::string closest_match(std::string_view key, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" — appended to "unknown ..." messages.
std::string did_you_mean(std::string_view key, const std::vector<std::string>& candidates);

// Location of a node from its yaml-cpp mark (0-based there, 1-based here).
Location location_of(const YAML::Node& node, const std::string& file, const std::string& field);

// Parses a YAML file; a syntax error becomes an InputError with the file, line and column.
YAML::Node load_yaml_file(const std::string& path);
// Parses YAML text; `file` names it in error messages.
YAML::Node load_yaml_string(const std::string& text, const std::string& file);

class FieldReader {
 public:
  // `node` must be a mapping (else InputError "expected a mapping"). `path` is its dotted field path
  // ("" at the top). `inherited_source` is the source in force from enclosing mappings.
  FieldReader(YAML::Node node, std::string file, std::string path, ParameterLog* log = nullptr,
              std::string inherited_source = {});

  bool has(const std::string& key) const;
  // The raw child node (marks the key used); throws "missing required field" when absent.
  YAML::Node node(const std::string& key);
  // A nested mapping reader inheriting this reader's source.
  FieldReader child(const std::string& key);
  // Children of a sequence field (marks the key used); throws unless it is a sequence.
  std::vector<YAML::Node> sequence(const std::string& key);
  // Reader for a mapping element of a sequence field, path "key[i]" or "key.NAME" when named.
  FieldReader element(const YAML::Node& item, const std::string& element_path);

  double number(const std::string& key);
  double number_or(const std::string& key, double fallback);
  int integer(const std::string& key);
  int integer_or(const std::string& key, int fallback);
  bool boolean_or(const std::string& key, bool fallback);
  std::string string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  // One of `allowed`; otherwise "expected one of a, b, c, got 'x' (did you mean ...)".
  std::string choice(const std::string& key, const std::vector<std::string>& allowed);
  std::string choice_or(const std::string& key, const std::vector<std::string>& allowed,
                        const std::string& fallback);
  Eigen::Vector3d vector3(const std::string& key);
  Eigen::Vector3d vector3_or(const std::string& key, const Eigen::Vector3d& fallback);
  std::vector<double> numbers(const std::string& key);  // a sequence of numbers, any length
  std::vector<std::string> strings(const std::string& key);
  std::vector<std::string> strings_or_empty(const std::string& key);

  // Throws "unknown field 'X' (did you mean ...)" when a key X of this mapping that no read asked about
  // is a likely misspelling of the absent required `missing_key`; returns otherwise. node() calls it
  // before "missing required field"; call it before reporting a required field missing yourself.
  void throw_if_misspelt(const std::string& missing_key) const;

  // Rejects every key that was not read. Call after reading all known fields.
  void finish();

  // The source in force here (own `source:` if present, else inherited).
  const std::string& source() const { return source_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  Location where(const std::string& key) const;
  // Throws InputError located at `key` (or at the mapping itself when key is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // A required field given in none of its forms (trunk_flexion_deg or _rad) is absent: names a
  // misspelt key close to `key` where it is written ("unknown field (did you mean ...)"), as node()
  // does, else throws "missing required field".
  [[noreturn]] void missing(const std::string& key) const;

 private:
  std::string field_path(const std::string& key) const;
  // Resolves `{value: X, source: S}` wrappers; returns the value node and the effective source.
  YAML::Node unwrap(const std::string& key, const YAML::Node& raw, std::string& source_out);
  void record(const std::string& key, const std::string& value_text, const std::string& source,
              const YAML::Node& at);

  YAML::Node node_;
  std::string file_;
  std::string path_;
  ParameterLog* log_;
  std::string source_;
  std::vector<std::string> used_;           // keys read
  mutable std::vector<std::string> known_;  // keys read or asked about (for suggestions)
};

// Scalar conversion with "expected a number, got 'abc'" errors located at `at`.
double parse_number(const YAML::Node& at, const std::string& file, const std::string& field);

}  // namespace dembones
