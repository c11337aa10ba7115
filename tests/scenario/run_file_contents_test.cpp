// What a run file's datasets hold, against the run's own record and model: the units each quantity is
// stored in, fibre lengths in metres, passive force as the passive part of the tendon force, and each
// site's rotation as its frame's axes in the world (the frame body's rotation times the site's own).
// The HDF5 writer's tests check that arrays round-trip; these check that the right array goes under
// each name (a mutation audit wrote each of them wrongly unseen).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>

#include "common/temp_dir.hpp"
#include "io/hdf5_reader.hpp"
#include "scenario/run_writer.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::Ran;
using scenario_test::run_scenario;
using scenario_test::short_scenario;

TEST(RunFileContents, EachDatasetHoldsItsQuantityInItsUnits) {
  const Ran ran = run_scenario(short_scenario("stoop_lift.yaml", {parse_override("task.duration_s=0.5")}));
  const MusculoskeletalModel& msm = ran.run->msm;
  const test_support::TempDir dir;
  const auto path = dir / "run.h5";
  {
    Hdf5Writer w(path);
    write_run(w, "/", msm, ran.record, summarize(msm, ran.record));
    w.commit();
  }
  const Hdf5Reader r(path);
  for (const auto& [dataset, unit] : {std::pair{"/time", "s"}, {"/coordinates/q", "rad"},
                                       {"/coordinates/qdot", "rad/s"}, {"/coordinates/qddot", "rad/s^2"},
                                       {"/muscles/force", "N"}, {"/muscles/passive_force", "N"},
                                       {"/muscles/fiber_length", "m"}, {"/muscles/mt_length", "m"},
                                       {"/muscles/activation", "1"}, {"/joints/moment", "N*m"},
                                       {"/loads/L5_S1/compression", "N"}, {"/loads/L5_S1/moment", "N*m"}})
    EXPECT_EQ(r.read_string_attribute(dataset, "units"), unit) << dataset;

  // Fibre lengths in metres: the muscle-tendon length less the tendon's is the fibre along the tendon,
  // l_f cos(alpha); the tendon is at its slack length or (stretched muscles in passive equilibrium) a
  // little longer, so l_MT - 1.15 l_ts <= l_f <= (l_MT - l_ts) / cos(alpha), with pennation under 48 deg
  // (1/cos < 1.5). Normalized lengths (about 1) fail it for every muscle. Frames with a slack or nearly
  // slack tendon (the abdominals in flexion) are left out.
  const MatX fiber = r.read_matrix("/muscles/fiber_length"), mt = r.read_matrix("/muscles/mt_length");
  EXPECT_TRUE(fiber.isApprox(ran.record.fiber_length)) << "fibre length is not the record's";
  const VecX l_opt = r.read_vector("/model/muscles/optimal_fiber_length");
  const VecX l_ts = r.read_vector("/model/muscles/tendon_slack_length");
  int checked = 0;
  for (Eigen::Index i = 0; i < fiber.cols(); ++i)
    for (Eigen::Index f = 0; f < fiber.rows(); ++f) {
      const double along = mt(f, i) - l_ts(i);
      if (along < 0.2 * l_opt(i)) continue;
      EXPECT_GE(fiber(f, i), along - 0.15 * l_ts(i)) << "muscle " << i << " frame " << f;
      EXPECT_LE(fiber(f, i), 1.5 * along) << "muscle " << i << " frame " << f;
      ++checked;
    }
  EXPECT_GT(checked, fiber.size() / 2);

  // Passive force: the record's passive part, never above the tendon force it is part of, and not the
  // whole of it in frames where muscles are active.
  const MatX passive = r.read_matrix("/muscles/passive_force"), force = r.read_matrix("/muscles/force");
  EXPECT_TRUE(passive.isApprox(ran.record.passive_force));
  EXPECT_LE((passive - force).maxCoeff(), 1e-6 * force.maxCoeff());
  EXPECT_GT((force - passive).maxCoeff(), 100.0) << "passive force equals the tendon force";

  // A site's rotation: its frame's axes in the world, R_W_body(frame body) R_body_site, frame by frame.
  const std::size_t B = static_cast<std::size_t>(msm.model.nbodies);
  const std::vector<double> body_rot = r.read_doubles("/bodies/rotation");
  for (std::size_t s = 0; s < msm.sites.size(); ++s) {
    const LoadSite& site = msm.sites[s];
    if (site.kind != LoadSite::Kind::joint_reaction) continue;
    const std::vector<double> rot = r.read_doubles("/loads/" + site.name + "/rotation");
    for (int f = 0; f < ran.record.frames(); f += 5) {
      Mat3 R_body, R_site;
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          R_body(i, j) = body_rot[((static_cast<std::size_t>(f) * B + static_cast<std::size_t>(site.frame_body)) * 3 + i) * 3 + j];
          R_site(i, j) = rot[(static_cast<std::size_t>(f) * 3 + i) * 3 + j];
        }
      EXPECT_LT((R_site - R_body * site.X_BS.rotation).norm(), 1e-9) << site.name << " frame " << f;
    }
  }
}

}  // namespace
}  // namespace dembones
