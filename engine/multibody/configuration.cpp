#include "multibody/configuration.hpp"

#include <cmath>
#include <random>

namespace dembones {
namespace {

Quat get_quat(const VecX& q, int i) { return Quat(q[i], q[i + 1], q[i + 2], q[i + 3]); }
void set_quat(VecX& q, int i, const Quat& r) {
  q[i] = r.w();
  q[i + 1] = r.x();
  q[i + 2] = r.y();
  q[i + 3] = r.z();
}

// Unit quaternion of the rotation vector φ (exponential map on SO(3)).
Quat quat_exp(const Vec3& phi) {
  const double theta = phi.norm();
  const double half_sinc = theta < 1e-6 ? 0.5 - theta * theta / 48.0 : std::sin(0.5 * theta) / theta;
  const Vec3 xyz = half_sinc * phi;
  return Quat(std::cos(0.5 * theta), xyz.x(), xyz.y(), xyz.z());
}

// Rotation vector of a unit quaternion (logarithm on SO(3)), shortest rotation.
Vec3 quat_log(Quat r) {
  if (r.w() < 0.0) r.coeffs() = -r.coeffs();
  const double s = r.vec().norm();
  const double theta = 2.0 * std::atan2(s, r.w());
  const double scale = s < 1e-12 ? 2.0 / r.w() : theta / s;
  return scale * r.vec();
}

// SE(3) exponential/logarithm translation factor V(φ) = I + (1-cos θ)/θ² [φ] + (θ-sin θ)/θ³ [φ]²
// (Murray, Li & Sastry, A Mathematical Introduction to Robotic Manipulation, 1994, eq. 2.36), and
// its inverse V^-1 = I - ½[φ] + (1 - θ sin θ / (2(1 - cos θ)))/θ² [φ]².
Mat3 se3_V(const Vec3& phi) {
  const double t = phi.norm();
  const double t2 = t * t;
  const double a = t < 1e-4 ? 0.5 - t2 / 24.0 : (1.0 - std::cos(t)) / t2;
  const double b = t < 1e-4 ? 1.0 / 6.0 - t2 / 120.0 : (t - std::sin(t)) / (t2 * t);
  const Mat3 K = skew(phi);
  return Mat3::Identity() + a * K + b * K * K;
}
Mat3 se3_V_inverse(const Vec3& phi) {
  const double t = phi.norm();
  const double t2 = t * t;
  const double c = t < 1e-4 ? 1.0 / 12.0 + t2 / 720.0
                             : (1.0 - t * std::sin(t) / (2.0 * (1.0 - std::cos(t)))) / t2;
  const Mat3 K = skew(phi);
  return Mat3::Identity() - 0.5 * K + c * K * K;
}

}  // namespace

void integrate(const Model& model, const VecX& q, const VecX& v, double dt, VecX& q_out) {
  if (&q_out != &q) q_out = q;
  for (int i = 1; i < model.nbodies; ++i) {
    const int iq = model.idx_q[i];
    const int iv = model.idx_v[i];
    switch (model.joints[i].type) {
      case JointType::kRevolute:
      case JointType::kPrismatic:
      case JointType::kCustom: q_out[iq] = q[iq] + v[iv] * dt; break;
      case JointType::kSpherical:
        set_quat(q_out, iq, (get_quat(q, iq) * quat_exp(v.segment<3>(iv) * dt)).normalized());
        break;
      case JointType::kFree: {
        // X_J <- X_J exp(ξ dt), ξ = (ω, v_o) the body-frame twist (constant along this path).
        const Quat r0 = get_quat(q, iq + 3).normalized();
        const Vec3 phi = v.segment<3>(iv) * dt;
        const Vec3 rho = v.segment<3>(iv + 3) * dt;
        const Vec3 p_new = q.segment<3>(iq) + r0.toRotationMatrix() * (se3_V(phi) * rho);
        q_out.segment<3>(iq) = p_new;
        set_quat(q_out, iq + 3, (r0 * quat_exp(phi)).normalized());
        break;
      }
      case JointType::kFixed:
      case JointType::kCoupled: break;  // no coordinates of its own
    }
  }
}

void difference(const Model& model, const VecX& q0, const VecX& q1, VecX& v_out) {
  v_out.resize(model.nv);
  for (int i = 1; i < model.nbodies; ++i) {
    const int iq = model.idx_q[i];
    const int iv = model.idx_v[i];
    switch (model.joints[i].type) {
      case JointType::kRevolute:
      case JointType::kPrismatic:
      case JointType::kCustom: v_out[iv] = q1[iq] - q0[iq]; break;
      case JointType::kSpherical:
        v_out.segment<3>(iv) = quat_log(get_quat(q0, iq).normalized().conjugate() * get_quat(q1, iq).normalized());
        break;
      case JointType::kFree: {
        const Quat r0 = get_quat(q0, iq + 3).normalized();
        const Quat r1 = get_quat(q1, iq + 3).normalized();
        const Vec3 phi = quat_log(r0.conjugate() * r1);
        const Vec3 t = r0.toRotationMatrix().transpose() * (q1.segment<3>(iq) - q0.segment<3>(iq));
        v_out.segment<3>(iv) = phi;
        v_out.segment<3>(iv + 3) = se3_V_inverse(phi) * t;
        break;
      }
      case JointType::kFixed:
      case JointType::kCoupled: break;  // no coordinates of its own
    }
  }
}

// Quaternion kinematics for a body-frame angular velocity: q̇ = ½ q ⊗ (0, ω)
// (Diebel, Representing Attitude, 2006, eq. 138 for the body-fixed rate).
void velocity_to_qdot(const Model& model, const VecX& q, const VecX& v, VecX& qdot) {
  qdot.resize(model.nq);
  auto quat_rate = [&](int iq, const Vec3& w) {
    const double qw = q[iq];
    const Vec3 qv(q[iq + 1], q[iq + 2], q[iq + 3]);
    qdot[iq] = -0.5 * qv.dot(w);
    qdot.segment<3>(iq + 1) = 0.5 * (qw * w + qv.cross(w));
  };
  for (int i = 1; i < model.nbodies; ++i) {
    const int iq = model.idx_q[i];
    const int iv = model.idx_v[i];
    switch (model.joints[i].type) {
      case JointType::kRevolute:
      case JointType::kPrismatic:
      case JointType::kCustom: qdot[iq] = v[iv]; break;
      case JointType::kSpherical: quat_rate(iq, v.segment<3>(iv)); break;
      case JointType::kFree:
        qdot.segment<3>(iq) = get_quat(q, iq + 3).normalized().toRotationMatrix() * v.segment<3>(iv + 3);
        quat_rate(iq + 3, v.segment<3>(iv));
        break;
      case JointType::kFixed:
      case JointType::kCoupled: break;  // no coordinates of its own
    }
  }
}

void normalize(const Model& model, VecX& q) {
  for (int i = 1; i < model.nbodies; ++i) {
    const int iq = model.idx_q[i];
    if (model.joints[i].type == JointType::kSpherical) q.segment<4>(iq).normalize();
    if (model.joints[i].type == JointType::kFree) q.segment<4>(iq + 3).normalize();
  }
}

VecX random_configuration(const Model& model, unsigned seed, double range) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  VecX q(model.nq);
  for (int k = 0; k < model.nq; ++k) q[k] = range * uni(rng);
  for (int i = 1; i < model.nbodies; ++i) {
    const int iq = model.idx_q[i];
    if (model.joints[i].type == JointType::kSpherical) q.segment<4>(iq).normalize();
    if (model.joints[i].type == JointType::kFree) q.segment<4>(iq + 3).normalize();
  }
  return q;
}

}  // namespace dembones
