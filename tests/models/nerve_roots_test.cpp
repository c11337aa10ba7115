// The lifter's back muscles are tagged with the nerve root of their own segment, so that a root lesion
// (the nerve_root impairment) weakens the fascicles that root supplies and no others. Every erector
// spinae fascicle carried a span (the thoracic ones T1-L5, every iliocostalis L1-L4), so capping L4 capped
// all 73 L4 muscles, the whole erector spinae among them, and the seed question "does a weak L4 root
// change knee loading?" was answered for a paralysed back (impairment audit). The lumbar fascicles follow
// the lumbar dorsal rami (Bogduk, Wilson & Tynan 1982, J Anat 134:383-397), the thoracic ones the thoracic
// dorsal ramus of their segment of origin (Gray 1918); models/lifter.yaml cites both.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "scenario/model_parser.hpp"

namespace dembones {
namespace {

const ModelSpec& lifter() {
  static const ModelSpec spec = load_model_spec(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
  return spec;
}

// The segment a back fascicle's name gives (IL_L4 -> L4, IL_R8 -> T8, LTpT_T3 / LTpT_R9 -> T3 / T9,
// LTpL_L5 -> L5, MF_m4s -> L4); "" for any other muscle.
std::string segment_of(const std::string& name) {
  std::smatch m;
  if (std::regex_match(name, m, std::regex("(IL_L|LTpL_L|MF_m)(\\d).*"))) return fmt::format("L{}", m[2].str());
  if (std::regex_match(name, m, std::regex("(IL_R|LTpT_T|LTpT_R)(\\d+)"))) return fmt::format("T{}", m[2].str());
  return "";
}

TEST(LifterNerveRoots, EachBackFascicleHasItsOwnSegmentsRoot) {
  int checked = 0;
  for (const auto& muscle : lifter().muscles) {
    const std::string segment = segment_of(muscle.name);
    if (segment.empty()) continue;
    ++checked;
    ASSERT_EQ(muscle.nerve_roots.size(), 1u) << muscle.name;
    EXPECT_EQ(muscle.nerve_roots[0], segment) << muscle.name;
  }
  // 12 iliocostalis, 21 + 5 longissimus and 25 multifidus fascicles (Christophy et al. 2012).
  EXPECT_EQ(checked, 12 + 21 + 5 + 25);
}

// What an L4 lesion reaches in the back: the L4 fascicles of iliocostalis, longissimus and multifidus, and
// in the legs the muscles whose span includes L4 (quadriceps, gluteus medius, tibialis anterior, ...).
TEST(LifterNerveRoots, AnL4LesionReachesOnlyTheL4BackFascicles) {
  std::set<std::string> back;
  for (const auto& muscle : lifter().muscles)
    for (const auto& root : muscle.nerve_roots)
      if (root == "L4" && !segment_of(muscle.name).empty()) back.insert(muscle.name);
  EXPECT_TRUE(back.count("IL_L4")) << "iliocostalis from L4";
  EXPECT_TRUE(back.count("LTpL_L4")) << "longissimus from L4";
  for (const auto& name : back) EXPECT_EQ(segment_of(name), "L4") << name;
}

}  // namespace
}  // namespace dembones
