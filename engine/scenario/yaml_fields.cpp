#include "scenario/yaml_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace dembones {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Two-row dynamic programme (Wagner & Fischer 1974).
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view key, const std::vector<std::string>& candidates) {
  // A field written without its unit suffix (`mass` for `mass_kg`, `trunk_flexion` for
  // `trunk_flexion_deg`) is the likeliest typo of all, whatever the edit distance.
  for (const auto& c : candidates)
    if (c.size() > key.size() + 1 && c.compare(0, key.size(), key) == 0 && c[key.size()] == '_' &&
        c.find('_', key.size() + 1) == std::string::npos)
      return c;
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(key, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view key, const std::vector<std::string>& candidates) {
  const std::string m = closest_match(key, candidates);
  return m.empty() ? std::string{} : fmt::format(" (did you mean '{}'?)", m);
}

Location location_of(const YAML::Node& node, const std::string& file, const std::string& field) {
  Location loc{file, 0, 0, field};
  if (node.IsDefined()) {
    const YAML::Mark m = node.Mark();
    if (m.line >= 0) loc.line = m.line + 1;
    if (m.column >= 0) loc.column = m.column + 1;
  }
  return loc;
}

namespace {

// YAML requires the keys of a mapping to be unique; yaml-cpp keeps both entries and looks up the
// first, so a repeated key (two `task:` blocks) silently dropped the second.
//
// Aliases (*name) make the tree a graph that is walked once per use: nested ten deep they expand a
// kilobyte file into a billion values ("billion laughs"), so the walk stops at a budget no scenario,
// model or sweep comes near (the lifter model is about 30,000 values).
constexpr std::size_t kMaxYamlValues = 2'000'000;

// The mappings and lists on the way from the root to the value being checked.
using YamlAncestors = std::vector<YAML::Node>;

void reject_duplicate_keys(const YAML::Node& n, const std::string& file, const std::string& path, std::size_t& budget,
                           YamlAncestors& ancestors) {
  // An alias inside the value it names (`&a [*a]`) makes the value contain itself: every reader
  // would walk it forever (the walk below overflowed the stack: a crash, audit).
  if (n.IsMap() || n.IsSequence()) {
    for (const YAML::Node& a : ancestors)
      if (a.is(n))
        throw InputError(location_of(n, file, path),
                         "an alias (*name) inside the value it names (&name): the value would contain itself; "
                         "write the value out");
  }
  if (budget-- == 0)
    throw InputError(location_of(n, file, path),
                     fmt::format("the file expands to more than {} values through its aliases (*name): a YAML alias "
                                 "bomb? Write the values out or use fewer nested aliases",
                                 kMaxYamlValues));
  if (n.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : n) {
      if (kv.first.IsNull())
        throw InputError(location_of(kv.first, file, path),
                         "a key with no name (a trailing comma in a {...} mapping, or a ':' without a key?)");
      // yaml-cpp reads `{[1.75]}` as a mapping whose key is the list [1.75]: every reader of a field
      // name then failed with "bad conversion", reported as an internal error without the file.
      if (!kv.first.IsScalar())
        throw InputError(location_of(kv.first, file, path),
                         kv.first.IsSequence()
                             ? "expected a field name, got a list as a key (YAML reads {[1, 2]} as a mapping whose "
                               "key is the list [1, 2]: a list of values is written without the braces)"
                             : "expected a field name, got a mapping as a key");
      const std::string& key = kv.first.Scalar();
      if (key == "<<")
        throw InputError(location_of(kv.first, file, path.empty() ? key : path + "." + key),
                         "YAML merge keys (<<) are not supported: write the fields out (anchors and aliases of "
                         "whole values, &name and *name, are)");
      const std::string field = path.empty() ? key : path + "." + key;
      const auto [it, fresh] = first_line.emplace(key, kv.first.Mark().line + 1);
      if (!fresh)
        throw InputError(location_of(kv.first, file, field),
                         fmt::format("duplicate key '{}' (first at line {}): keys of a mapping must be unique (the "
                                     "second would be ignored); merge the two", key, it->second));
      ancestors.push_back(n);
      reject_duplicate_keys(kv.second, file, field, budget, ancestors);
      ancestors.pop_back();
    }
  } else if (n.IsSequence()) {
    std::size_t i = 0;
    ancestors.push_back(n);
    for (const auto& item : n) reject_duplicate_keys(item, file, fmt::format("{}[{}]", path, i++), budget, ancestors);
    ancestors.pop_back();
  }
}

}  // namespace

namespace {

// The first line indented with a tab (1-based; 0 if none): YAML forbids tabs in indentation, and
// yaml-cpp's message for them ("illegal map value") does not say so.
int first_tab_indented_line(const std::string& text) {
  int line = 1;
  bool at_start = true;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      at_start = true;
    } else if (at_start && c == '\t') {
      return line;
    } else if (c != ' ') {
      at_start = false;
    }
  }
  return 0;
}

// The byte offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or npos. yaml-cpp passes such bytes through into names and
// descriptions, which HDF5 then stores in attributes declared UTF-8 that readers cannot decode.
std::size_t first_invalid_utf8(const std::string& text) {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = b[i];
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string::npos;
}

// A byte order mark of UTF-16 or UTF-32, which yaml-cpp decodes itself.
bool wide_unicode(const std::string& text) {
  return text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0 ||
         text.rfind(std::string("\x00\x00\xFE\xFF", 4), 0) == 0;
}

}  // namespace

YAML::Node load_yaml_string(const std::string& text, const std::string& file) {
  // A result file given where a YAML file belongs (dembones validate run.h5).
  if (text.rfind("\x89HDF\r\n\x1a\n", 0) == 0)
    throw InputError(Location{file, 0, 0, ""}, "this is an HDF5 file (a result), not a YAML file: dembones info " + file +
                                                    " describes it");
  // A NUL byte is well-formed UTF-8 but no text: yaml-cpp reported it as "unknown escape character"
  // (audit). A binary file, or one saved as UTF-16 without its byte-order mark.
  if (const std::size_t nul = wide_unicode(text) ? std::string::npos : text.find('\0'); nul != std::string::npos) {
    const std::size_t line_start = nul == 0 ? std::string::npos : text.rfind('\n', nul - 1);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
    const int column = static_cast<int>(nul - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    throw InputError(Location{file, line, column, ""},
                     "a NUL byte (0x00): not a text file (a binary file, or text saved as UTF-16?); save it as UTF-8 "
                     "text");
  }
  if (const std::size_t bad = wide_unicode(text) ? std::string::npos : first_invalid_utf8(text); bad != std::string::npos) {
    const std::size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    const int column = static_cast<int>(bad - (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1)) + 1;
    throw InputError(Location{file, line, column, ""},
                     fmt::format("byte 0x{:02X} is not UTF-8 text (saved as Latin-1 or Windows-1252?): save the file "
                                 "as UTF-8",
                                 static_cast<unsigned char>(text[bad])));
  }
  try {
    // One document per file: a second one (after '---') would be ignored without a word.
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1)
      throw InputError(location_of(documents[1], file, ""),
                       fmt::format("a second YAML document (after '---'): one file holds one document; the "
                                   "second would be ignored"));
    YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
    std::size_t budget = kMaxYamlValues;
    YamlAncestors ancestors;
    reject_duplicate_keys(root, file, "", budget, ancestors);
    return root;
  } catch (const YAML::Exception& e) {
    Location loc{file, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                 e.mark.column >= 0 ? e.mark.column + 1 : 0, ""};
    std::string hint;
    if (const int tab = first_tab_indented_line(text); tab > 0)
      hint = fmt::format(" (line {} is indented with a tab: YAML allows spaces only)", tab);
    // yaml-cpp 0.7 stops at 498 levels of nesting with only "bad file" (its depth guard's message).
    if (e.msg.rfind(YAML::ErrorMsg::BAD_FILE, 0) == 0)
      throw InputError(loc, "YAML nested too deeply (the reader stops at about 500 levels of brackets or "
                            "indentation): a scenario or model needs fewer than ten");
    throw InputError(loc, "YAML syntax error: " + e.msg + hint);
  }
}

YAML::Node load_yaml_file(const std::string& path) {
  // A folder opens as an empty stream and read as "expected a mapping of scenario fields" (audit).
  if (std::filesystem::is_directory(path))
    throw IoError(Location{path, 0, 0, ""}, "is a folder, not a file: expected a YAML file");
  std::ifstream in(path);
  if (!in) throw IoError(Location{path, 0, 0, ""}, "cannot open file for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return load_yaml_string(ss.str(), path);
}

namespace {

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsScalar()) return fmt::format("'{}'", n.Scalar());
  if (n.IsSequence()) return "a list";
  return "a mapping";
}

}  // namespace

double parse_number(const YAML::Node& at, const std::string& file, const std::string& field) {
  if (at.IsScalar()) {
    const std::string& s = at.Scalar();
    // std::stod accepts "1.5abc"; require the whole scalar to be consumed.
    try {
      std::size_t used = 0;
      const double v = std::stod(s, &used);
      if (used == s.size() && std::isfinite(v)) return v;
    } catch (const std::out_of_range&) {
      // strtod's ERANGE: an overflow, or an underflow to a subnormal (1e-320), is a typo, not a value.
      throw InputError(location_of(at, file, field),
                       fmt::format("'{}' is out of the range of a double-precision number (magnitudes from about "
                                   "1e-307 to 1e308, or 0)",
                                   s));
    } catch (const std::exception&) {
    }
  }
  throw InputError(location_of(at, file, field), "expected a number, got " + describe(at));
}

FieldReader::FieldReader(YAML::Node node, std::string file, std::string path, ParameterLog* log,
                         std::string inherited_source)
    : node_(std::move(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      log_(log),
      source_(std::move(inherited_source)),
      known_{"source"} {
  if (!node_.IsMap())
    throw InputError(location_of(node_, file_, path_), "expected a mapping, got " + describe(node_));
  if (node_["source"]) {
    const YAML::Node s = node_["source"];
    if (!s.IsScalar())
      throw InputError(location_of(s, file_, field_path("source")),
                       "expected a citation string, got " + describe(s));
    source_ = s.Scalar();
    used_.push_back("source");
  }
}

std::string FieldReader::field_path(const std::string& key) const {
  if (key.empty()) return path_;
  return path_.empty() ? key : path_ + "." + key;
}

Location FieldReader::where(const std::string& key) const {
  if (!key.empty() && node_[key]) return location_of(node_[key], file_, field_path(key));
  return location_of(node_, file_, field_path(key));
}

void FieldReader::fail(const std::string& key, const std::string& message) const {
  throw InputError(where(key), message);
}

void FieldReader::missing(const std::string& key) const {
  throw_if_misspelt(key);
  throw InputError(location_of(node_, file_, field_path(key)), "missing required field");
}

bool FieldReader::has(const std::string& key) const {
  // Optional fields asked about count as known, so a typo of one gets a suggestion.
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  return static_cast<bool>(node_[key]);
}

YAML::Node FieldReader::node(const std::string& key) {
  const YAML::Node n = node_[key];
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  if (!n) {
    throw_if_misspelt(key);
    throw InputError(location_of(node_, file_, field_path(key)), "missing required field");
  }
  if (std::find(used_.begin(), used_.end(), key) == used_.end()) used_.push_back(key);
  return n;
}

void FieldReader::throw_if_misspelt(const std::string& missing_key) const {
  // A required field that is absent is most often misspelt (`subjct:`): the unknown key is the real
  // mistake, so name it, located where it is written, rather than "missing required field" at the
  // mapping. Only keys no reader has asked about can be the typo.
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    if (closest_match(key, {missing_key}).empty()) continue;
    throw InputError(location_of(kv.first, file_, field_path(key)),
                     "unknown field" + did_you_mean(key, known_));
  }
}

FieldReader FieldReader::child(const std::string& key) {
  return FieldReader(node(key), file_, field_path(key), log_, source_);
}

std::vector<YAML::Node> FieldReader::sequence(const std::string& key) {
  const YAML::Node n = node(key);
  if (!n.IsSequence())
    throw InputError(location_of(n, file_, field_path(key)), "expected a list, got " + describe(n));
  std::vector<YAML::Node> out;
  for (const auto& item : n) out.push_back(item);
  return out;
}

FieldReader FieldReader::element(const YAML::Node& item, const std::string& element_path) {
  return FieldReader(item, file_, element_path, log_, source_);
}

YAML::Node FieldReader::unwrap(const std::string& key, const YAML::Node& raw,
                               std::string& source_out) {
  source_out = source_;
  if (!raw.IsMap()) return raw;
  FieldReader inner(raw, file_, field_path(key), nullptr, source_);
  const YAML::Node v = inner.node("value");
  source_out = inner.source();
  inner.finish();
  return v;
}

void FieldReader::record(const std::string& key, const std::string& value_text,
                         const std::string& source, const YAML::Node& at) {
  if (log_ != nullptr)
    log_->push_back(ParameterRecord{field_path(key), value_text, source,
                                    location_of(at, file_, field_path(key))});
}

double FieldReader::number(const std::string& key) {
  std::string src;
  const YAML::Node v = unwrap(key, node(key), src);
  const double x = parse_number(v, file_, field_path(key));
  record(key, v.Scalar(), src, v);
  return x;
}

double FieldReader::number_or(const std::string& key, double fallback) {
  return has(key) ? number(key) : fallback;
}

int FieldReader::integer(const std::string& key) {
  std::string src;
  const YAML::Node v = unwrap(key, node(key), src);
  const double x = parse_number(v, file_, field_path(key));
  if (x != std::floor(x) || std::abs(x) > 1e9)
    throw InputError(location_of(v, file_, field_path(key)),
                     "expected an integer, got " + describe(v));
  record(key, v.Scalar(), src, v);
  return static_cast<int>(x);
}

int FieldReader::integer_or(const std::string& key, int fallback) {
  return has(key) ? integer(key) : fallback;
}

bool FieldReader::boolean_or(const std::string& key, bool fallback) {
  if (!has(key)) return fallback;
  const YAML::Node v = node(key);
  if (v.IsScalar()) {
    const std::string& s = v.Scalar();
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
  }
  throw InputError(location_of(v, file_, field_path(key)),
                   "expected true or false, got " + describe(v));
}

std::string FieldReader::string(const std::string& key) {
  const YAML::Node v = node(key);
  if (!v.IsScalar() || v.Scalar().empty())
    throw InputError(location_of(v, file_, field_path(key)), "expected a text, got " + describe(v));
  return v.Scalar();
}

std::string FieldReader::string_or(const std::string& key, const std::string& fallback) {
  return has(key) ? string(key) : fallback;
}

std::string FieldReader::choice(const std::string& key, const std::vector<std::string>& allowed) {
  const std::string s = string(key);
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  throw InputError(where(key), fmt::format("expected one of {}, got '{}'{}",
                                           fmt::join(allowed, ", "), s, did_you_mean(s, allowed)));
}

std::string FieldReader::choice_or(const std::string& key, const std::vector<std::string>& allowed,
                                   const std::string& fallback) {
  return has(key) ? choice(key, allowed) : fallback;
}

std::vector<double> FieldReader::numbers(const std::string& key) {
  std::string src;
  const YAML::Node v = unwrap(key, node(key), src);
  if (!v.IsSequence())
    throw InputError(location_of(v, file_, field_path(key)),
                     "expected a list of numbers, got " + describe(v));
  std::vector<double> out;
  std::vector<std::string> text;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(parse_number(v[i], file_, fmt::format("{}[{}]", field_path(key), i)));
    text.push_back(v[i].Scalar());
  }
  record(key, fmt::format("[{}]", fmt::join(text, ", ")), src, v);
  return out;
}

Eigen::Vector3d FieldReader::vector3(const std::string& key) {
  std::string src;
  const YAML::Node v = unwrap(key, node(key), src);
  if (!v.IsSequence() || v.size() != 3)
    throw InputError(location_of(v, file_, field_path(key)),
                     "expected a list of 3 numbers [x, y, z], got " +
                         (v.IsSequence() ? fmt::format("a list of {}", v.size()) : describe(v)));
  Eigen::Vector3d out;
  for (int i = 0; i < 3; ++i)
    out[i] = parse_number(v[i], file_, fmt::format("{}[{}]", field_path(key), i));
  record(key, fmt::format("[{}, {}, {}]", v[0].Scalar(), v[1].Scalar(), v[2].Scalar()), src, v);
  return out;
}

Eigen::Vector3d FieldReader::vector3_or(const std::string& key, const Eigen::Vector3d& fallback) {
  return has(key) ? vector3(key) : fallback;
}

std::vector<std::string> FieldReader::strings(const std::string& key) {
  const YAML::Node v = node(key);
  if (!v.IsSequence())
    throw InputError(location_of(v, file_, field_path(key)),
                     "expected a list of names, got " + describe(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar())
      throw InputError(location_of(v[i], file_, fmt::format("{}[{}]", field_path(key), i)),
                       "expected a name, got " + describe(v[i]));
    out.push_back(v[i].Scalar());
  }
  return out;
}

std::vector<std::string> FieldReader::strings_or_empty(const std::string& key) {
  return has(key) ? strings(key) : std::vector<std::string>{};
}

void FieldReader::finish() {
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (std::find(used_.begin(), used_.end(), key) != used_.end()) continue;
    throw InputError(location_of(kv.first, file_, field_path(key)),
                     "unknown field" + did_you_mean(key, known_));
  }
}

}  // namespace dembones
