#pragma once
// The site-load tests' fixture: samples::human20 at its neutral configuration with a load site across
// the first joint, its frame turned about the joint axis (as a disc frame is tilted in the sagittal
// plane) and offset from the body origin; joint wrenches are set on it directly.
#include "multibody/data.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "solvers/joint_reactions.hpp"

namespace dembones::site_test {

struct Fixture {
  Model model = samples::human20();
  Data data{model};
  LoadSite site;
  Fixture() {
    forward_kinematics(model, data, model.neutral_configuration());
    site.body = 1;
    site.frame_body = 1;
    site.X_BS = SE3(Eigen::AngleAxisd(0.3, Vec3::UnitZ()).toRotationMatrix(), Vec3(0.02, 0.05, 0.0));
  }
  SE3 X_WS() const { return data.oMb[site.frame_body] * site.X_BS; }
  Vec3 site_origin() const { return X_WS().translation; }
  // Joint wrench (about the world origin) whose force, in the site frame, is f_S, acting at a point
  // `offset_S` (site axes) from the site origin.
  void set_load(const Vec3& f_S, const Vec3& offset_S) {
    const SE3 X = X_WS();
    const Vec3 f_W = X.rotation * f_S;
    const Vec3 p_W = X.translation + X.rotation * offset_S;
    data.f_joint_W[site.body] = Force{p_W.cross(f_W), f_W};
  }
};

}  // namespace dembones::site_test
