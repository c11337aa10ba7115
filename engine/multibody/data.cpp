#include "multibody/data.hpp"

#include "common/error.hpp"

namespace dembones {

Data::Data(const Model& model) : M_llt(model.nv) {
  if (!model.finalized) throw InternalError("Data(model): call finalize(model) first");
  const int nb = model.nbodies;
  const int nv = model.nv;
  X_parent.assign(nb, SE3::Identity());
  oMb.assign(nb, SE3::Identity());
  S = Matrix6Xd::Zero(6, model.ns);
  J_W = Matrix6Xd::Zero(6, model.ns);
  custom_theta_d2.assign(nb, 0.0);
  custom_p_d2.assign(nb, Vec3::Zero());
  v.assign(nb, Motion{});
  v_W.assign(nb, Motion{});
  c_J.assign(nb, Motion{});
  a.assign(nb, Motion{});
  a_W.assign(nb, Motion{});
  a_bias.assign(nb, Motion{});
  f.assign(nb, Force{});
  f_joint.assign(nb, Force{});
  f_joint_W.assign(nb, Force{});
  f_ext_body.assign(nb, Force{});
  f_motion.assign(nb, Force{});
  c.assign(nb, Motion{});
  tau = VecX::Zero(nv);
  nle = VecX::Zero(nv);
  g = VecX::Zero(nv);
  Ic.assign(nb, InertiaAtOrigin{});
  M = MatX::Zero(nv, nv);
  Y_W.assign(nb, InertiaAtOrigin{});
  IA.assign(nb, Mat6::Zero());
  pA.assign(nb, Force{});
  W = Matrix6Xd::Zero(6, nv);
  kappa = VecX::Zero(nv);
  ddq = VecX::Zero(nv);
  J_com = Matrix3Xd::Zero(3, nv);
  zero_nv = VecX::Zero(nv);
  // Motion subspaces that do not depend on q are written once here; the position pass updates
  // only the configuration-dependent ones (custom joints).
  for (int i = 1; i < nb; ++i) {
    const int iv = model.idx_v[i];
    const Joint& j = model.joints[i];
    switch (j.type) {
      case JointType::kRevolute: S.col(iv).head<3>() = j.axis; break;
      case JointType::kPrismatic: S.col(iv).tail<3>() = j.axis; break;
      case JointType::kSpherical: S.block<3, 3>(0, iv).setIdentity(); break;
      case JointType::kFree: S.block<6, 6>(0, iv).setIdentity(); break;
      case JointType::kCustom:
      case JointType::kCoupled:
      case JointType::kFixed: break;
    }
  }
}

}  // namespace dembones
