// `external_forces:` in scenario files: parsing, reading the force table, resampling to the solver's
// frames, errors naming file and field, and the forces reaching the pipeline.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

#include "common/input_error_text.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

namespace fs = std::filesystem;

// A scratch folder with a scenario (stand, 50 Hz) and a force table.
struct Scratch {
  fs::path dir;
  Scratch() {
    dir = fs::temp_directory_path() / ("dembones_extforce_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
  // A stand scenario of `duration_s` with the given external_forces block (YAML, indented by 2).
  fs::path scenario(const std::string& external_block, double duration_s = 0.4) const {
    const fs::path model = fs::path(DEMBONES_SOURCE_DIR) / "models" / "lifter.yaml";
    return write("s.yaml", "name: ext\nmodel: " + model.string() +
                               "\nsubject: {height_m: 1.75, mass_kg: 75, sex: male}\n"
                               "task: {type: stand, duration_s: " + std::to_string(duration_s) + "}\n"
                               "solver: {rate_hz: 50}\n"
                               "external_forces:\n" + external_block);
  }
  // That scenario reading `table` (written as f.csv) for one force (`force`: a YAML flow mapping),
  // loaded into `spec` and prepared.
  std::unique_ptr<PreparedRun> prepare(ModelCache& models, const std::string& table, const std::string& force,
                                       ScenarioSpec& spec) const {
    write("f.csv", table);
    spec = load_scenario(scenario("  file: f.csv\n  forces:\n    - " + force + "\n").string());
    return prepare_run(spec, models);
  }
};

// time, Fx, Fy, Fz, px, py, pz: a force growing linearly in time, with a moving point in ground.
std::string force_csv(double t_end) {
  std::string s = "time,Fx,Fy,Fz,px,py,pz\n";
  for (int i = 0; i <= 10; ++i) {
    const double t = t_end * i / 10.0;
    s += std::to_string(t) + "," + std::to_string(10.0 + 20.0 * t) + ",-50," + std::to_string(5.0 * t) + ",0.3," +
         std::to_string(1.0 + 0.1 * t) + ",0.1\n";
  }
  return s;
}

using test_support::input_error_text;

TEST(ExternalForcesScenario, ParsesTheBlock) {
  Scratch s;
  s.write("f.csv", force_csv(1.0));
  const ScenarioSpec spec = load_scenario(s.scenario(
      "  file: f.csv\n"
      "  forces:\n"
      "    - {body: hand, force_columns: [Fx, Fy, Fz], point_m: [0.01, -0.02, 0.03], frame: body}\n"
      "    - {name: plate, body: foot, force_columns: [Fx, Fy, Fz], point_columns: [px, py, pz]}\n").string());
  ASSERT_TRUE(spec.external_forces.has_value());
  const ExternalForcesSpec& e = *spec.external_forces;
  EXPECT_EQ(fs::path(e.file), s.dir / "f.csv");
  ASSERT_EQ(e.forces.size(), 2u);
  EXPECT_EQ(e.forces[0].name, "hand_force0");
  EXPECT_TRUE(e.forces[0].force_in_body);
  EXPECT_TRUE(e.forces[0].has_point_m);
  EXPECT_EQ(e.forces[0].point_m, Eigen::Vector3d(0.01, -0.02, 0.03));
  EXPECT_EQ(e.forces[1].name, "plate");
  EXPECT_FALSE(e.forces[1].force_in_body);
  EXPECT_FALSE(e.forces[1].point_in_body);
  EXPECT_EQ(e.forces[1].point_columns, (std::vector<std::string>{"px", "py", "pz"}));
}

TEST(ExternalForcesScenario, MalformedBlocksNameTheField) {
  Scratch s;
  s.write("f.csv", force_csv(1.0));
  const std::string both = input_error_text([&] {
    load_scenario(s.scenario("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], "
                             "point_m: [0, 0, 0], point_columns: [px, py, pz]}\n").string());
  });
  EXPECT_NE(both.find("external_forces.forces[0]"), std::string::npos) << both;
  EXPECT_NE(both.find("exactly one of point_m"), std::string::npos) << both;
  const std::string two = input_error_text([&] {
    load_scenario(s.scenario("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy], point_m: [0, 0, 0]}\n")
                      .string());
  });
  EXPECT_NE(two.find("external_forces.forces[0].force_columns"), std::string::npos) << two;
  EXPECT_NE(two.find("expected 3 column labels"), std::string::npos) << two;
  const std::string frame = input_error_text([&] {
    load_scenario(s.scenario("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], "
                             "point_m: [0, 0, 0], frame: world}\n").string());
  });
  EXPECT_NE(frame.find("external_forces.forces[0].frame"), std::string::npos) << frame;
  const std::string typo = input_error_text([&] {
    load_scenario(s.scenario("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], "
                             "point_m: [0, 0, 0], pointframe: body}\n").string());
  });
  EXPECT_NE(typo.find("pointframe"), std::string::npos) << typo;
}

TEST(ExternalForcesScenario, BadTablesNameFileFieldAndColumn) {
  Scratch s;
  s.write("f.csv", force_csv(1.0));
  s.write("short.csv", force_csv(0.2));
  ModelCache models;
  auto prepare = [&](const std::string& block) {
    return [&models, block, &s] { prepare_run(load_scenario(s.scenario(block).string()), models); };
  };
  const std::string body = input_error_text(
      prepare("  file: f.csv\n  forces:\n    - {body: paw, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n"));
  EXPECT_NE(body.find("external_forces.forces[0].body"), std::string::npos) << body;
  EXPECT_NE(body.find("'paw'"), std::string::npos) << body;
  EXPECT_NE(body.find("(its bodies: "), std::string::npos) << body;  // and what it could be
  const std::string typo = input_error_text(
      prepare("  file: f.csv\n  forces:\n    - {body: hnd, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n"));
  EXPECT_NE(typo.find("'hnd' (did you mean 'hand'?)"), std::string::npos) << typo;
  EXPECT_NE(body.find("s.yaml"), std::string::npos) << body;
  const std::string column = input_error_text(
      prepare("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, F_z], point_m: [0, 0, 0]}\n"));
  EXPECT_NE(column.find("external_forces.forces[0].force_columns"), std::string::npos) << column;
  EXPECT_NE(column.find("f.csv' has no column 'F_z'"), std::string::npos) << column;
  const std::string range = input_error_text(
      prepare("  file: short.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n"));
  EXPECT_NE(range.find("short.csv' covers t = 0 to 0.2 s"), std::string::npos) << range;
  EXPECT_NE(range.find("external_forces.file"), std::string::npos) << range;
  const std::string missing = input_error_text(
      prepare("  file: nowhere.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n"));
  EXPECT_NE(missing.find("nowhere.csv"), std::string::npos) << missing;
  // A plate's centre of pressure is NaN while its foot is off it: named with its row and what to do.
  s.write("nan.csv", "time,Fx,Fy,Fz,px,py,pz\n0,0,0,0,nan,nan,nan\n1,0,300,0,0.1,0,0\n");
  const std::string nan = input_error_text(prepare(
      "  file: nan.csv\n  forces:\n    - {body: foot, force_columns: [Fx, Fy, Fz], point_columns: [px, py, pz]}\n"));
  EXPECT_NE(nan.find("external_forces.forces[0].point_columns"), std::string::npos) << nan;
  EXPECT_NE(nan.find("column 'px' is not a number at data row 1 (t = 0 s): a plate's centre of pressure"),
            std::string::npos) << nan;
  // Points in millimetres (audit: -68 mm read as -68 m ran with kN*m reserves).
  s.write("mm.csv", "time,Fx,Fy,Fz,px,py,pz\n0,0,300,0,100,0,-68\n1,0,300,0,100,0,-68\n");
  const std::string mm = input_error_text(prepare(
      "  file: mm.csv\n  forces:\n    - {body: foot, force_columns: [Fx, Fy, Fz], point_columns: [px, py, pz]}\n"));
  EXPECT_NE(mm.find("in millimetres? (points are in m)"), std::string::npos) << mm;
  const std::string mm_fixed = input_error_text(
      prepare("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, -80, 0]}\n"));
  EXPECT_NE(mm_fixed.find("external_forces.forces[0].point_m"), std::string::npos) << mm_fixed;
  EXPECT_NE(mm_fixed.find("in millimetres?"), std::string::npos) << mm_fixed;
}

// A table given by --set: an error found when it is read names the override, not the scenario's 1:1
// (audit).
TEST(ExternalForcesScenario, ATableGivenBySetIsNamedByTheOverride) {
  Scratch s;
  s.write("f.csv", force_csv(1.0));
  s.write("short.csv", force_csv(0.2));
  const fs::path scenario =
      s.scenario("  file: f.csv\n  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n");
  ModelCache models;
  const std::string range = input_error_text(
      [&] { prepare_run(load_scenario(scenario.string(), {parse_override("external_forces.file=short.csv")}), models); });
  EXPECT_EQ(range.rfind("--set external_forces.file=short.csv: field 'external_forces.file': ", 0), 0u) << range;
  EXPECT_NE(range.find("covers t = 0 to 0.2 s"), std::string::npos) << range;
}

// external_forces.filter_cutoff_hz: the table's force and point columns are low-passed (zero-lag
// Butterworth, at the table's own rate) before resampling. A 1 Hz force with 40 Hz noise sampled at
// 1000 Hz (a force plate's rate): at 6 Hz the noise is gone (40 Hz is 6.7 cut-offs up: a fourth-order
// response passes (6/40)^4 = 5e-4) and the 1 Hz signal is kept (gain 1 - (1/6)^4 / 2); unfiltered the
// frames carry the noise. Uneven rows and a cut-off above 0.4 x the table's rate are refused.
TEST(ExternalForcesScenario, AFilteredTableKeepsTheSignalAndDropsTheNoise) {
  Scratch s;
  constexpr double kPi = 3.14159265358979323846;
  std::string csv = "time,Fx,Fy,Fz,px,py,pz\n";
  auto signal = [&](double t) { return 100.0 * std::sin(2.0 * kPi * 1.0 * t); };
  auto noise = [&](double t) { return 30.0 * std::sin(2.0 * kPi * 40.0 * t + 0.3); };
  for (int i = 0; i <= 1000; ++i) {  // 0 to 1 s
    const double t = i / 1000.0;
    csv += fmt::format("{},{},{},0,{},1.0,0.1\n", t, signal(t) + noise(t), -50.0 + noise(t), 0.3 + 0.001 * noise(t));
  }
  s.write("plate.csv", csv);
  ModelCache models;
  const std::string forces =
      "  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], point_columns: [px, py, pz]}\n";
  auto track_of = [&](const std::string& block) {
    return prepare_run(load_scenario(s.scenario("  file: plate.csv\n" + block + forces, 1.0).string()), models)
        ->external.tracks.at(0);
  };
  const ExternalForceTrack raw = track_of(""), filtered = track_of("  filter_cutoff_hz: 6\n");
  const VecX time = prepare_run(load_scenario(s.scenario("  file: plate.csv\n" + forces, 1.0).string()), models)->kinematics.time;
  double raw_noise = 0.0, left_noise = 0.0, point_noise = 0.0;
  for (Eigen::Index f = 0; f < time.size(); ++f) {
    const double t = time(f);
    // Away from the table's ends, where the reflection padding about a noisy end value settles over
    // about one cut-off period.
    if (t < 0.25 || t > 0.75) continue;
    raw_noise = std::max(raw_noise, std::abs(raw.force_N(f, 1) + 50.0));
    left_noise = std::max(left_noise, std::abs(filtered.force_N(f, 1) + 50.0));
    point_noise = std::max(point_noise, std::abs(filtered.point_m(f, 0) - 0.3));
    EXPECT_NEAR(filtered.force_N(f, 0), signal(t), 0.5) << "t = " << t;
  }
  EXPECT_GT(raw_noise, 10.0);  // the frames sample the noise unfiltered
  EXPECT_LT(left_noise, 0.1);
  // The point columns are taken as read: a plate's made-up point where nothing stands on it must not be
  // carried into the loaded rows (review: half a metre off at contact).
  EXPECT_GT(point_noise, 0.01);
  // A contact: rows of zero force stay zero (no ringing pull before it).
  std::string step = "time,Fx,Fy,Fz,px,py,pz\n";
  for (int i = 0; i <= 1000; ++i) {
    const double t = i / 1000.0;
    step += t < 0.5 ? fmt::format("{},0,0,0,0,0,0\n", t) : fmt::format("{},100,0,0,0.35,0.8,0\n", t);
  }
  s.write("plate.csv", step);
  const ExternalForceTrack contact = track_of("  filter_cutoff_hz: 6\n");
  for (Eigen::Index f = 0; f < time.size(); ++f) {
    if (time(f) < 0.5) {
      EXPECT_EQ(contact.force_N.row(f).norm(), 0.0) << "t = " << time(f);
    } else if (time(f) > 0.52) {
      EXPECT_NEAR(contact.point_m(f, 0), 0.35, 1e-12) << "t = " << time(f);  // the point as given
    }
  }
  // Uneven rows, a cut-off above 0.4 x 1000 Hz.
  s.write("uneven.csv", "time,Fx,Fy,Fz\n0,0,0,0\n0.5,1,1,1\n0.6,1,1,1\n1,0,0,0\n");
  const std::string uneven = input_error_text([&] {
    prepare_run(load_scenario(s.scenario("  file: uneven.csv\n  filter_cutoff_hz: 6\n"
                                         "  forces:\n    - {body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n")
                                  .string()),
                models);
  });
  EXPECT_NE(uneven.find("external_forces.filter_cutoff_hz"), std::string::npos) << uneven;
  EXPECT_NE(uneven.find("evenly spaced rows"), std::string::npos) << uneven;
  const std::string high = input_error_text([&] { track_of("  filter_cutoff_hz: 450\n"); });
  EXPECT_NE(high.find("at most 400 Hz"), std::string::npos) << high;
  const std::string negative = input_error_text([&] { track_of("  filter_cutoff_hz: -6\n"); });
  EXPECT_NE(negative.find("external_forces.filter_cutoff_hz"), std::string::npos) << negative;
}

// The table is resampled at the solver's frames and every frame's force reaches inverse dynamics
// as −J_pᵀ f (compared with the same run without the force, the point Jacobian built here).
TEST(ExternalForcesScenario, ResampledForcesChangeEachFramesMomentsByTheirJacobianTranspose) {
  Scratch s;
  ModelCache models;
  ScenarioSpec spec;
  auto run = s.prepare(models, force_csv(1.0),
                       "{name: plate, body: hand, force_columns: [Fx, Fy, Fz], point_columns: [px, py, pz]}", spec);
  ASSERT_EQ(run->external.tracks.size(), 1u);
  // The table's bytes, kept when it was read (the run file's input_file_*), not read again at the end.
  ASSERT_EQ(run->input_files.size(), 1u);
  EXPECT_EQ(run->input_files[0].field, "external_forces.file");
  EXPECT_EQ(run->input_files[0].text, force_csv(1.0));
  const ExternalForceTrack& track = run->external.tracks[0];
  const KinematicSeries& k = run->kinematics;
  ASSERT_EQ(track.force_N.rows(), k.frames());
  ASSERT_TRUE(track.point_varies);
  const Model& model = run->msm.model;
  Pipeline with(run->msm, pipeline_settings(spec.solver)), without(run->msm, pipeline_settings(spec.solver));
  std::vector<AppliedForce> ext(1);
  Data d(model);
  Matrix3Xd J(3, model.nv);
  for (int f = 0; f < k.frames(); ++f) {
    const double t = k.time(f);
    // The table is linear in time: resampling reproduces it.
    EXPECT_NEAR(track.force_N(f, 0), 10.0 + 20.0 * t, 1e-5);
    EXPECT_NEAR(track.force_N(f, 2), 5.0 * t, 1e-5);
    EXPECT_NEAR(track.point_m(f, 1), 1.0 + 0.1 * t, 1e-6);
    const VecX q = k.q.row(f).transpose(), qd = k.qd.row(f).transpose(), qdd = k.qdd.row(f).transpose();
    run->external.get_frame(f, ext);
    const VecX tau1 = with.run_frame(q, qd, qdd, ext).tau_id;
    const VecX tau0 = without.run_frame(q, qd, qdd).tau_id;
    forward_kinematics(model, d, q);
    compute_joint_jacobians(model, d, q);
    point_jacobian(model, d, track.applied.body, track.point_m.row(f).transpose(), J);
    const VecX expected = -(J.transpose() * track.force_N.row(f).transpose());
    EXPECT_LT((tau1 - tau0 - expected).cwiseAbs().maxCoeff(), 1e-9 * (1.0 + tau0.cwiseAbs().maxCoeff())) << "frame " << f;
  }
  // And a whole run goes through execute_run with the forces applied.
  Pipeline p(run->msm, pipeline_settings(spec.solver));
  EXPECT_NO_THROW(execute_run(*run, p));
}

// Body-frame points and forces are in the model file's body frame (OpenSim's): the femur's origin is
// the hip joint centre there, while the engine's femur frame sits at the knee (the tree grows from
// the feet). An audit's thigh force landed 0.42 m from where it was given.
TEST(ExternalForcesScenario, BodyFramePointsAreInTheModelFilesFrame) {
  Scratch s;
  ModelCache models;
  ScenarioSpec spec;
  auto run = s.prepare(models, "time,Fx,Fy,Fz\n0,0,0,-20\n1,0,0,-20\n",
                       "{name: strap, body: femur, force_columns: [Fx, Fy, Fz], frame: body, point_m: [0, 0, 0]}", spec);
  const Model& model = run->msm.model;
  Data d(model);
  const VecX q = run->kinematics.q.row(0).transpose();
  forward_kinematics(model, d, q);
  std::vector<AppliedForce> ext(1);
  run->external.get_frame(0, ext);
  Vec3 f_W, p_W;
  resolve_in_world(d, ext[0], f_W, p_W);
  // The hip joint centre: the origin of the engine's pelvis frame (its joint to the femur).
  const int pelvis = model.find_body("pelvis"), femur = model.find_body("femur");
  ASSERT_EQ(model.parent[pelvis], femur) << "the tree grows from the feet";
  EXPECT_LT((p_W - d.oMb[pelvis].translation).norm(), 1e-9) << p_W.transpose();
  EXPECT_GT((p_W - d.oMb[femur].translation).norm(), 0.3) << "not at the engine femur's origin (the knee)";
  // The force given in the femur's frame turns with the model file's femur axes.
  const SE3 X_W_femur_file = d.oMb[femur] * run->built->X_spec_engine[static_cast<std::size_t>(femur)].inverse();
  EXPECT_LT((f_W - X_W_femur_file.rotation * Vec3(0, 0, -20)).norm(), 1e-9);
}

}  // namespace
}  // namespace dembones
