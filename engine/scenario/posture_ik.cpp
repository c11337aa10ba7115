#include "scenario/posture_ik.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <string>

#include "common/error.hpp"

#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"

namespace dembones {

namespace {
// Residual scales: a 1 cm hand miss costs as much as a 0.1 rad (~6°) departure from a posture
// preference of weight 100, so hand targets dominate whenever the posture can reach them.
constexpr double kHandWeight = 1.0e3;  // per m
constexpr double kHipWeight = 1.0e3;   // per m
constexpr double kComWeight = 1.0e3;   // per m outside the band
constexpr double kComSoftness_m = 0.002;  // width of the smooth band edge

// log(1 + e^d) and its derivative 1 / (1 + e^-d), without overflow.
double softplus(double d) { return d > 30.0 ? d : std::log1p(std::exp(d)); }
double logistic(double d) { return 1.0 / (1.0 + std::exp(-d)); }

// data.oMb, data.mass and data.com without the joint Jacobians, summed over subtrees as
// center_of_mass_jacobian does (energy.cpp, the same function), so a trial point's cost is computed
// exactly as it would be with the Jacobian. Half the residual evaluations of a solve are trial points.
void subtree_center_of_mass(const Model& model, Data& data, const VecX& q) {
  forward_kinematics(model, data, q);
  subtree_centers_of_mass(model, data);
}

// row · T for a (1 × nv) row: T has a few nonzeros per column (a variable drives one coordinate, or
// the lumbar levels by the rhythm's ratios), so the product is a short sum per variable rather than a
// dense (nv × nvars) product.
template <typename Row, typename Out>
void times_T(const TaskRig& rig, const Row& row, Out&& out) {
  for (int k = 0; k < rig.nvars(); ++k) {
    const PostureVariable& v = rig.vars[k];
    double sum = 0.0;
    for (std::size_t i = 0; i < v.coords.size(); ++i) sum += v.ratios[i] * row(v.coords[i]);
    out(k) = sum;
  }
}
}  // namespace

double trunk_inclination(const SE3& X_WB) {
  const Vec3 y = X_WB.rotation.col(1);
  return std::atan2(y.x(), y.y());
}

double line_inclination(const Vec3& p_a_W, const Vec3& p_b_W) {
  const Vec3 d = p_b_W - p_a_W;
  return std::atan2(d.x(), d.y());
}

double calc_line_inclination(const Data& data, const LineInclinationTarget& line) {
  return line_inclination(data.oMb[line.body_a].act(line.p_a_B), data.oMb[line.body_b].act(line.p_b_B));
}

double calc_line_inclination(const Model& model, const Data& data, const LineInclinationTarget& line,
                             Eigen::Ref<Eigen::RowVectorXd> dphi_dv, Eigen::Ref<Matrix3Xd> Jp_a,
                             Eigen::Ref<Matrix3Xd> Jp_b) {
  const Vec3 a = data.oMb[line.body_a].act(line.p_a_B), b = data.oMb[line.body_b].act(line.p_b_B);
  const Vec3 d = b - a;
  point_jacobian(model, data, line.body_a, a, Jp_a);
  point_jacobian(model, data, line.body_b, b, Jp_b);
  // d atan2(x, y) = (y dx − x dy) / (x² + y²), with dΔ = (J_b − J_a) dv.
  const double r2 = d.x() * d.x() + d.y() * d.y();
  dphi_dv = (d.y() * (Jp_b.row(0) - Jp_a.row(0)) - d.x() * (Jp_b.row(1) - Jp_a.row(1))) / r2;
  return std::atan2(d.x(), d.y());
}

// center_of_mass_jacobian (energy.cpp) at the configuration whose forward kinematics and subtree
// centres of mass `data` already holds: the joint columns J_W (compute_joint_jacobians, jacobian.cpp)
// and J_com, the same sums in the same order, without running the kinematics again. An accepted
// trial point was evaluated with positions only; its Jacobians then cost no second forward
// kinematics.
void calc_com_jacobian_at_current_positions(const Model& model, Data& data) {
  calc_joint_jacobians_at_current_positions(model, data);
  center_of_mass_jacobian_from_subtrees(model, data);
}

void TaskRig::to_configuration(const VecX& theta, VecX& q) const {
  q = q_offset;
  for (int k = 0; k < nvars(); ++k)
    for (std::size_t i = 0; i < vars[k].coords.size(); ++i) q(vars[k].coords[i]) += vars[k].ratios[i] * theta(k);
}

PostureSolver::PostureSolver(const Model& model, const TaskRig& rig)
    : model_(model), rig_(rig), data_(model) {
  const int n = rig.nvars();
  if (n > kMaxPostureVariables)
    throw InternalError("PostureSolver: " + std::to_string(n) + " posture variables, at most " +
                        std::to_string(kMaxPostureVariables));
  T_ = MatX::Zero(model.nv, n);
  for (int k = 0; k < n; ++k)
    for (std::size_t i = 0; i < rig.vars[k].coords.size(); ++i) T_(rig.vars[k].coords[i], k) = rig.vars[k].ratios[i];
  q_ = rig.q_offset;
  const int max_res = 6 + 2 * n;
  r_ = VecX::Zero(max_res);
  J_ = ResidualJacobian::Zero(max_res, n);
  Jp_ = Matrix3Xd::Zero(3, model.nv);
  Jp_b_ = Matrix3Xd::Zero(3, model.nv);
  dphi_dv_ = Eigen::RowVectorXd::Zero(model.nv);
  H_ = SquareMat::Zero(n, n);
  A_ = SquareMat::Zero(n, n);
  ldlt_.compute(SquareMat::Identity(n, n));  // sizes the factor once (no assignment: see static_optimization.cpp)
  g_ = VecX::Zero(n);
  step_ = VecX::Zero(n);
  trial_ = VecX::Zero(n);
  com_dx_ = Eigen::RowVectorXd::Zero(n);
}

int PostureSolver::residuals(const PostureTargets& t, const VecX& theta, const VecX& theta_prev,
                             Evaluation what) {
  const int n = rig_.nvars();
  const bool with_jacobian = what != Evaluation::positions;
  if (what == Evaluation::jacobian_at_current_positions) {
    calc_com_jacobian_at_current_positions(model_, data_);  // q_, oMb and the subtree sums are theta's
  } else {
    rig_.to_configuration(theta, q_);
    if (with_jacobian)
      center_of_mass_jacobian(model_, data_, q_);  // also fills oMb and J_W
    else
      subtree_center_of_mass(model_, data_, q_);   // trial points: positions only
  }
  int m = 0;
  if (t.hand) {
    const Vec3 p = data_.oMb[rig_.hand_body].act(rig_.hand_point_B);
    r_(m) = kHandWeight * (p.x() - t.hand->x());
    r_(m + 1) = kHandWeight * (p.y() - t.hand->y());
    if (with_jacobian) {
      point_jacobian(model_, data_, rig_.hand_body, p, Jp_);
      times_T(rig_, kHandWeight * Jp_.row(0), J_.row(m));
      times_T(rig_, kHandWeight * Jp_.row(1), J_.row(m + 1));
    }
    m += 2;
  }
  if (t.hip_height) {
    const Vec3 p = data_.oMb[rig_.hip_body].act(rig_.hip_point_B);
    r_(m) = kHipWeight * (p.y() - *t.hip_height);
    if (with_jacobian) {
      point_jacobian(model_, data_, rig_.hip_body, p, Jp_);
      times_T(rig_, kHipWeight * Jp_.row(1), J_.row(m));
    }
    m += 1;
  }
  if (t.trunk_inclination) {
    r_(m) = t.trunk_weight * (trunk_inclination(data_.oMb[rig_.trunk_body]) - *t.trunk_inclination);
    if (with_jacobian) {
      // The trunk's y axis turns at −ω_z (planar motion about z): dφ/dq_k = −(J_W)_{2k} over its support.
      J_.row(m).setZero();
      for (int k : model_.support[rig_.trunk_body]) J_.row(m) -= t.trunk_weight * data_.J_W(2, k) * T_.row(k);
    }
    m += 1;
  }
  if (t.line) {
    const LineInclinationTarget& l = *t.line;
    if (with_jacobian) {
      const double phi = calc_line_inclination(model_, data_, l, dphi_dv_, Jp_, Jp_b_);
      r_(m) = l.weight * (phi - l.inclination);
      times_T(rig_, l.weight * dphi_dv_, J_.row(m));
    } else {
      r_(m) = l.weight * (calc_line_inclination(data_, l) - l.inclination);
    }
    m += 1;
  }
  {
    // Centre of mass of the body and the held load together: the balance that matters when lifting.
    const double mb = data_.mass, ml = t.load_mass_kg;
    const Vec3 hand = data_.oMb[rig_.hand_body].act(rig_.hand_point_B);
    const double x = (mb * data_.com.x() + ml * hand.x()) / (mb + ml);
    // Smooth one-sided penalty (softplus of width kComSoftness_m) rather than a hinge: a hinge has a
    // zero gradient inside the band, so a Gauss-Newton step that crosses the bound is rejected and
    // the solver stalls on the boundary (as a descent to a chair did); the softplus lets it see the
    // bound coming and slide along it.
    const double d_lo = (t.com_lo - x) / kComSoftness_m, d_hi = (x - t.com_hi) / kComSoftness_m;
    const double excess = kComSoftness_m * (softplus(d_hi) - softplus(d_lo));
    const double slope = logistic(d_hi) + logistic(d_lo);  // d excess / dx
    r_(m) = kComWeight * excess;
    if (with_jacobian) {
      point_jacobian(model_, data_, rig_.hand_body, hand, Jp_);
      times_T(rig_, (mb * data_.J_com.row(0) + ml * Jp_.row(0)) / (mb + ml), com_dx_);  // dx/dθ
      J_.row(m) = kComWeight * slope * com_dx_;
      // Curvature of the penalty, d²excess/dx² = (σ'(d_hi) − σ'(d_lo)) / s with σ' = σ(1 − σ): the
      // softplus edge bends sharply (2 mm wide, weight 1000 per m), so its r·r'' term is as large as
      // the Gauss-Newton term J^T J in the soft posture directions, and without it the iterations zig-zag
      // (linear convergence near 1: 200 iterations without converging on a standing posture).
      const double s_hi = logistic(d_hi), s_lo = logistic(d_lo);
      const double curvature = (s_hi * (1.0 - s_hi) - s_lo * (1.0 - s_lo)) / kComSoftness_m;
      com_second_order_ = std::max(0.0, r_(m) * kComWeight * curvature);
    }
    m += 1;
  }
  for (int k = 0; k < n; ++k) {
    r_(m + k) = t.weights(k) * (theta(k) - t.preferred(k));
    if (with_jacobian) {
      J_.row(m + k).setZero();
      J_(m + k, k) = t.weights(k);
    }
  }
  m += n;
  if (t.smooth_weight > 0) {
    for (int k = 0; k < n; ++k) {
      r_(m + k) = t.smooth_weight * (theta(k) - theta_prev(k));
      if (with_jacobian) {
        J_.row(m + k).setZero();
        J_(m + k, k) = t.smooth_weight;
      }
    }
    m += n;
  }
  return m;
}

PostureResult PostureSolver::evaluate(const VecX& theta) {
  PostureResult out;
  rig_.to_configuration(theta, q_);
  center_of_mass(model_, data_, q_);
  out.com_x = data_.com.x();
  if (rig_.trunk_body >= 0) out.trunk_inclination = trunk_inclination(data_.oMb[rig_.trunk_body]);
  return out;
}

PostureResult PostureSolver::solve(const PostureTargets& t, VecX& theta, const VecX& theta_prev, double tolerance_rad,
                                   double initial_damping) {
  const int n = rig_.nvars();
  auto clamp = [&](VecX& th) {
    for (int k = 0; k < n; ++k) th(k) = std::min(std::max(th(k), rig_.vars[k].lower), rig_.vars[k].upper);
  };
  clamp(theta);
  int m = residuals(t, theta, theta_prev, Evaluation::jacobian);
  bool kinematics_at_theta = true;  // data_ holds the forward kinematics at theta (not at a trial)
  double cost = r_.head(m).squaredNorm();
  double mu = initial_damping;
  PostureResult out;
  int it = 0;
  for (; it < 200; ++it) {
    // A few tens of rows by nvars columns: coefficient-wise products beat the blocked GEMM kernels.
    // The lower triangle only, mirrored: each coefficient is the sum Eigen's lazy product forms for
    // it (the same expression, so the same order and bits), and the LDLT below reads only the lower
    // triangle; half the products of a full JᵀJ.
    for (int j = 0; j < n; ++j) {
      for (int i = j; i < n; ++i) H_(i, j) = J_.col(i).head(m).cwiseProduct(J_.col(j).head(m)).sum();
    }
    // Second-order term of the centre-of-mass penalty (residuals() explains why): H = JᵀJ + Σ r_j ∇²r_j
    // keeping, of the Σ (Nocedal & Wright 2006, Numerical Optimization, eq. 10.5), the part of the one
    // residual that is strongly curved, r·r''(x)·∇x∇xᵀ (the curvature of x(θ) itself is left out, as
    // for the other residuals). It is ≥ 0, so H stays positive semi-definite and the LM step a descent
    // direction; the minimum is the same, it is reached in a tenth of the iterations.
    // As Eigen's outer product c xᵀx adds it (column j += x_j (c x)), on the lower triangle.
    if (com_second_order_ > 0.0) {
      for (int j = 0; j < n; ++j) {
        for (int i = j; i < n; ++i) H_(i, j) += com_dx_(j) * (com_second_order_ * com_dx_(i));
      }
    }
    for (int j = 0; j < n; ++j) {
      for (int i = j + 1; i < n; ++i) H_(j, i) = H_(i, j);
    }
    g_.noalias() = J_.topRows(m).transpose().lazyProduct(r_.head(m));
    bool accepted = false;
    for (int tries = 0; tries < 12 && !accepted; ++tries) {
      A_ = H_;
      A_.diagonal().array() += mu * (1.0 + H_.diagonal().array());
      // Projected step: a variable at a joint limit whose descent direction points out of the range is
      // held there (its row and column fixed), so the others can still move (Bertsekas 1982 projected
      // Newton).
      step_ = g_;
      for (int k = 0; k < n; ++k) {
        const bool at_lower = theta(k) <= rig_.vars[k].lower + 1e-12 && g_(k) > 0;
        const bool at_upper = theta(k) >= rig_.vars[k].upper - 1e-12 && g_(k) < 0;
        if (at_lower || at_upper) {
          A_.row(k).setZero();
          A_.col(k).setZero();
          A_(k, k) = 1.0;
          step_(k) = 0.0;
        }
      }
      ldlt_.compute(A_);
      step_ = -ldlt_.solve(step_);
      if (step_.norm() < tolerance_rad) {
        // The step is below the tolerance: converged without evaluating it. Near the solution the
        // cost no longer decreases measurably in floating point, and the trial would be rejected up
        // to 12 times with ever larger damping before giving up where it is.
        out.converged = true;
        accepted = true;
        break;
      }
      trial_ = theta + step_;
      clamp(trial_);
      const int mt = residuals(t, trial_, theta_prev, Evaluation::positions);
      kinematics_at_theta = false;
      const double trial_cost = r_.head(mt).squaredNorm();
      if (trial_cost < cost) {
        accepted = true;
        const double gain = cost - trial_cost;
        const double moved = (trial_ - theta).norm();
        theta = trial_;
        cost = trial_cost;
        mu = std::max(mu / 3.0, 1e-9);
        // theta is the trial point just evaluated: data_ holds its kinematics.
        m = residuals(t, theta, theta_prev, Evaluation::jacobian_at_current_positions);
        kinematics_at_theta = true;
        if (moved < tolerance_rad || gain < 1e-14 * (1.0 + cost)) {
          out.converged = true;
        }
      } else {
        mu *= 4.0;
      }
    }
    if (!accepted) {
      out.converged = true;  // no descent direction left within the limits: a (constrained) minimum
      residuals(t, theta, theta_prev, Evaluation::positions);
      kinematics_at_theta = true;
      break;
    }
    if (out.converged) break;
  }
  out.iterations = it + 1;
  // Report the achieved geometry at the solution. Unless a rejected trial was the last evaluation,
  // data_ holds theta's kinematics already; the centre of mass is then summed again without them,
  // as center_of_mass (multibody/energy.cpp) sums it: body by body, not by subtrees, the same bits.
  rig_.to_configuration(theta, q_);
  if (!kinematics_at_theta) forward_kinematics(model_, data_, q_);
  center_of_mass_at_current_positions(model_, data_);
  {
    const Vec3 hand = data_.oMb[rig_.hand_body].act(rig_.hand_point_B);
    out.com_x = (data_.mass * data_.com.x() + t.load_mass_kg * hand.x()) / (data_.mass + t.load_mass_kg);
  }
  if (t.hand) {
    const Vec3 p = data_.oMb[rig_.hand_body].act(rig_.hand_point_B);
    out.hand_error_m = std::hypot(p.x() - t.hand->x(), p.y() - t.hand->y());
  }
  if (t.hip_height) out.hip_error_m = std::abs(data_.oMb[rig_.hip_body].act(rig_.hip_point_B).y() - *t.hip_height);
  if (rig_.trunk_body >= 0) out.trunk_inclination = trunk_inclination(data_.oMb[rig_.trunk_body]);
  return out;
}

}  // namespace dembones
