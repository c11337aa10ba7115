// ModelCache shared by threads (as run_sweep shares one): concurrent look-ups of the same and of
// different subjects give models equal to the ones a cache of one thread builds, to the last bit,
// the model file is parsed once, and each subject is stored once.
#include <gtest/gtest.h>

#include <thread>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::short_scenario;

void expect_same_subject_model(const SubjectModel& a, const SubjectModel& b) {
  scenario_test::expect_same_bodies_and_muscles(a.msm, b.msm);
  EXPECT_TRUE(a.rig.q_offset == b.rig.q_offset);
}

TEST(ModelCacheThreads, ConcurrentLookupsStoreEachSubjectOnceAndEqualOneThreadsBuilds) {
  const ScenarioSpec base = short_scenario("stoop_lift.yaml");
  const std::vector<double> heights = {1.62, 1.70, 1.78, 1.86};
  ModelCache shared;
  constexpr int kThreads = 4;
  // Every thread asks for every subject, in a different order, several times over.
  std::vector<std::vector<std::shared_ptr<const SubjectModel>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round)
        for (std::size_t k = 0; k < heights.size(); ++k) {
          SubjectSpec s = base.subject;
          s.height_m = heights[(k + static_cast<std::size_t>(t)) % heights.size()];
          got[static_cast<std::size_t>(t)].push_back(shared.subject_model(base.model_file, s));
        }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(shared.subject_model_builds(), static_cast<int>(heights.size()));
  ModelCache alone;
  for (std::size_t k = 0; k < heights.size(); ++k) {
    SCOPED_TRACE(heights[k]);
    SubjectSpec s = base.subject;
    s.height_m = heights[k];
    const std::shared_ptr<const SubjectModel> stored = shared.subject_model(base.model_file, s);
    const std::shared_ptr<const SubjectModel> reference = alone.subject_model(base.model_file, s);
    expect_same_subject_model(*stored, *reference);
    // Every thread got the stored model, or an equal one it built while another thread stored its own.
    for (int t = 0; t < kThreads; ++t)
      for (std::size_t j = 0; j < got[static_cast<std::size_t>(t)].size(); ++j)
        if (j % heights.size() == (k + heights.size() - static_cast<std::size_t>(t) % heights.size()) % heights.size() &&
            got[static_cast<std::size_t>(t)][j].get() != stored.get())
          expect_same_subject_model(*got[static_cast<std::size_t>(t)][j], *reference);
  }
  // Once stored, a subject is returned as it is: no more builds.
  EXPECT_EQ(shared.subject_model_builds(), static_cast<int>(heights.size()));
  // The model file itself, parsed once: every caller gets the same ModelSpec object.
  EXPECT_EQ(&shared.get(base.model_file), &shared.get(base.model_file));
}

}  // namespace
}  // namespace dembones
