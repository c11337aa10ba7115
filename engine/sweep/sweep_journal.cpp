#include "sweep/sweep_journal.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace dembones {

namespace {

// The first line: what the file is and which sweep wrote it.
std::string header(const std::string& fingerprint) { return "dembones-sweep-journal 1 " + fingerprint + "\n"; }

// A record: its length (8 bytes, little-endian) and the packed row.
std::string frame(const std::string& payload) {
  std::string out(8, '\0');
  std::uint64_t n = payload.size();
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + payload;
}

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  throw IoError(Location{path.string(), 0, 0, ""}, std::string(what) + ": " + std::strerror(errno));
}

void write_all(std::FILE* f, const std::string& bytes, const std::filesystem::path& path) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) fail(path, "cannot write the sweep journal");
}

void sync_file(std::FILE* f, const std::filesystem::path& path) {
  if (std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0) fail(path, "cannot write the sweep journal");
}

}  // namespace

std::vector<JournalRecord> read_sweep_journal(const std::filesystem::path& path, const std::string& fingerprint) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string head = header(fingerprint);
  if (bytes.compare(0, head.size(), head) != 0) return {};
  std::vector<JournalRecord> records;
  std::size_t at = head.size();
  while (at + 8 <= bytes.size()) {
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)])) << (8 * i);
    if (n > bytes.size() - at - 8) break;  // cut short by a kill
    JournalRecord r;
    try {
      r.row = unpack_run_row(std::string_view(bytes).substr(at + 8, n), r.body_weight_N);
    } catch (const InternalError&) {
      break;
    }
    records.push_back(std::move(r));
    at += 8 + n;
  }
  return records;
}

bool sweep_journal_is_another_sweeps(const std::filesystem::path& path, const std::string& fingerprint) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const std::string head = header(fingerprint);
  std::string start(head.size(), '\0');
  in.read(start.data(), static_cast<std::streamsize>(start.size()));
  const std::string prefix = "dembones-sweep-journal ";
  return start.compare(0, prefix.size(), prefix) == 0 && start != head;
}

SweepJournal::SweepJournal(std::filesystem::path path, const std::string& fingerprint,
                           const std::vector<JournalRecord>& records)
    : path_(std::move(path)) {
  const std::filesystem::path tmp = path_.string() + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) fail(tmp, "cannot create the sweep journal");
  write_all(f, header(fingerprint), tmp);
  for (const JournalRecord& r : records) write_all(f, frame(pack_run_row(r.row, r.body_weight_N)), tmp);
  sync_file(f, tmp);
  std::fclose(f);
  std::filesystem::rename(tmp, path_);
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr) fail(path_, "cannot open the sweep journal");
}

SweepJournal::~SweepJournal() {
  if (file_ != nullptr) std::fclose(file_);
}

void SweepJournal::append(const SweepRow& row, double body_weight_N) {
  write_all(file_, frame(pack_run_row(row, body_weight_N)), path_);
}

void SweepJournal::sync() { sync_file(file_, path_); }

void SweepJournal::remove() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace dembones
