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

// row · T for a (1 × nv) row: T has a few nonzeros per column (a variable drives one coordinate, or
// the lumbar levels by the rhythm's ratios), so the product is a short sum per variable rather than a
// dense (nv × nvars) product. begin, coord, ratio: PostureSolver's flat copy of T's non-zeros.
template <typename Row, typename Out>
void times_T(const std::vector<int>& begin, const std::vector<int>& coord, const std::vector<double>& ratio,
             const Row& row, Out&& out) {
  for (std::size_t k = 0; k + 1 < begin.size(); ++k) {
    double sum = 0.0;
    for (int e = begin[k]; e < begin[k + 1]; ++e) sum += ratio[e] * row(coord[e]);
    out(k) = sum;
  }
}

// The line's inclination atan2(Δx, Δy) and its gradient (Δy dΔx − Δx dΔy) / |Δ|², dΔ = (J_b − J_a) dv,
// from the two points' Jacobians (rows x and y).
template <class Delta, class JacobianA, class JacobianB>
double line_inclination_and_gradient(const Delta& d, const JacobianA& Jp_a, const JacobianB& Jp_b,
                                     Eigen::Ref<Eigen::RowVectorXd> dphi_dv) {
  const double r2 = d.x() * d.x() + d.y() * d.y();
  dphi_dv = (d.y() * (Jp_b.row(0) - Jp_a.row(0)) - d.x() * (Jp_b.row(1) - Jp_a.row(1))) / r2;
  return std::atan2(d.x(), d.y());
}

// What PostureSolver::residuals reads of the kinematics, from the multibody library (any model).
// Point Jacobians go to one of three scratch matrices: 0 the hand's, 1 and 2 the others'.
class TreeKinematics {
 public:
  TreeKinematics(const Model& model, Data& data, Matrix3Xd& J0, Matrix3Xd& J1, Matrix3Xd& J2)
      : model_(model), data_(data), J_{&J0, &J1, &J2} {}
  // forward_kinematics and subtree_centers_of_mass; then the joint and centre-of-mass Jacobians
  // (center_of_mass_jacobian in two steps, the same bits).
  void positions(const VecX& q) {
    forward_kinematics(model_, data_, q);
    subtree_centers_of_mass(model_, data_);
  }
  void jacobians() { calc_com_jacobian_at_current_positions(model_, data_); }
  Vec3 point(int body, const Vec3& p_B) const { return data_.oMb[body].act(p_B); }
  const Matrix3Xd& point_jacobian(int body, const Vec3& p_W, int slot) {
    dembones::point_jacobian(model_, data_, body, p_W, *J_[slot]);
    return *J_[slot];
  }
  double y_axis_inclination(int body) const { return trunk_inclination(data_.oMb[body]); }
  double line_inclination(const LineInclinationTarget& l) const { return calc_line_inclination(data_, l); }
  double line_inclination(const LineInclinationTarget& l, Eigen::RowVectorXd& dphi_dv) {
    return calc_line_inclination(model_, data_, l, dphi_dv, *J_[1], *J_[2]);
  }
  double mass() const { return data_.mass; }
  double com_x() const { return data_.com.x(); }
  auto com_jacobian_x() const { return data_.J_com.row(0); }
  double angular_z(int k) const { return data_.J_W(2, k); }
  void body_sum_center_of_mass(double& mass, double& com_x) {
    center_of_mass_at_current_positions(model_, data_);
    mass = data_.mass;
    com_x = data_.com.x();
  }

 private:
  const Model& model_;
  Data& data_;
  Matrix3Xd* J_[3];
};

// The same from the planar kinematics (planar models), x and y only.
class PlanarView {
 public:
  PlanarView(PlanarKinematics& kin, Eigen::Matrix2Xd& J0, Eigen::Matrix2Xd& J1, Eigen::Matrix2Xd& J2)
      : kin_(kin), J_{&J0, &J1, &J2} {}
  void positions(const VecX& q) { kin_.positions(q); }
  void jacobians() { kin_.jacobians(); }
  Eigen::Vector2d point(int body, const Vec3& p_B) const { return kin_.point(body, p_B); }
  const Eigen::Matrix2Xd& point_jacobian(int body, const Eigen::Vector2d& p_W, int slot) {
    kin_.point_jacobian(body, p_W, *J_[slot]);
    return *J_[slot];
  }
  double y_axis_inclination(int body) const { return kin_.y_axis_inclination(body); }
  double line_inclination(const LineInclinationTarget& l) const {
    const Eigen::Vector2d d = point(l.body_b, l.p_b_B) - point(l.body_a, l.p_a_B);
    return std::atan2(d.x(), d.y());
  }
  double line_inclination(const LineInclinationTarget& l, Eigen::RowVectorXd& dphi_dv) {
    const Eigen::Vector2d a = point(l.body_a, l.p_a_B), b = point(l.body_b, l.p_b_B);
    const Eigen::Vector2d d = b - a;
    return line_inclination_and_gradient(d, point_jacobian(l.body_a, a, 1), point_jacobian(l.body_b, b, 2), dphi_dv);
  }
  double mass() const { return kin_.mass(); }
  double com_x() const { return kin_.com_x(); }
  const Eigen::RowVectorXd& com_jacobian_x() const { return kin_.com_jacobian_x(); }
  double angular_z(int k) const { return kin_.angular_z(k); }
  void body_sum_center_of_mass(double& mass, double& com_x) const { kin_.body_sum_center_of_mass(mass, com_x); }

 private:
  PlanarKinematics& kin_;
  Eigen::Matrix2Xd* J_[3];
};
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
  return line_inclination_and_gradient(d, Jp_a, Jp_b, dphi_dv);
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

PostureSolver::PostureSolver(const Model& model, const TaskRig& rig, bool planar_when_possible)
    : model_(model), rig_(rig), data_(model) {
  if (planar_when_possible && PlanarKinematics::applies(model)) planar_.emplace(model);
  const int n = rig.nvars();
  if (n > kMaxPostureVariables)
    throw InternalError("PostureSolver: " + std::to_string(n) + " posture variables, at most " +
                        std::to_string(kMaxPostureVariables));
  T_ = MatX::Zero(model.nv, n);
  var_begin_.assign(1, 0);
  for (int k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < rig.vars[k].coords.size(); ++i) {
      T_(rig.vars[k].coords[i], k) = rig.vars[k].ratios[i];
      var_coord_.push_back(rig.vars[k].coords[i]);
      var_ratio_.push_back(rig.vars[k].ratios[i]);
    }
    var_begin_.push_back(static_cast<int>(var_coord_.size()));
  }
  q_ = rig.q_offset;
  const int max_res = 6 + 2 * n;
  r_ = VecX::Zero(max_res);
  J_ = ResidualJacobian::Zero(max_res, n);
  Jp_ = Matrix3Xd::Zero(3, model.nv);
  Jp_a_ = Matrix3Xd::Zero(3, model.nv);
  Jp_b_ = Matrix3Xd::Zero(3, model.nv);
  Jp2_ = Eigen::Matrix2Xd::Zero(2, model.nv);
  Jp2_a_ = Eigen::Matrix2Xd::Zero(2, model.nv);
  Jp2_b_ = Eigen::Matrix2Xd::Zero(2, model.nv);
  dphi_dv_ = Eigen::RowVectorXd::Zero(model.nv);
  H_ = SquareMat::Zero(n, n);
  A_ = SquareMat::Zero(n, n);
  ldlt_.compute(SquareMat::Identity(n, n));  // sizes the factor once (no assignment: see static_optimization.cpp)
  g_ = VecX::Zero(n);
  step_ = VecX::Zero(n);
  trial_ = VecX::Zero(n);
  com_dx_ = Eigen::RowVectorXd::Zero(n);
}

void PostureSolver::to_configuration(const VecX& theta) {
  q_ = rig_.q_offset;
  for (int k = 0; k < rig_.nvars(); ++k)
    for (int e = var_begin_[k]; e < var_begin_[k + 1]; ++e) q_(var_coord_[e]) += var_ratio_[e] * theta(k);
}

template <class Kinematics>
int PostureSolver::residuals(Kinematics& kin, const PostureTargets& t, const VecX& theta, const VecX& theta_prev,
                             Evaluation what) {
  const int n = rig_.nvars();
  const bool with_jacobian = what != Evaluation::positions;
  if (what != Evaluation::jacobian_at_current_positions) {
    to_configuration(theta);
    kin.positions(q_);  // trial points: positions only
  }
  if (with_jacobian) kin.jacobians();
  // The hand point and its Jacobian serve the hand target and the held load's share of the centre of
  // mass.
  const auto hand = kin.point(rig_.hand_body, rig_.hand_point_B);
  const auto* J_hand = with_jacobian ? &kin.point_jacobian(rig_.hand_body, hand, 0) : nullptr;
  int m = 0;
  if (t.hand) {
    r_(m) = kHandWeight * (hand.x() - t.hand->x());
    r_(m + 1) = kHandWeight * (hand.y() - t.hand->y());
    if (with_jacobian) {
      times_T(var_begin_, var_coord_, var_ratio_, kHandWeight * J_hand->row(0), J_.row(m));
      times_T(var_begin_, var_coord_, var_ratio_, kHandWeight * J_hand->row(1), J_.row(m + 1));
    }
    m += 2;
  }
  if (t.hip_height) {
    const auto p = kin.point(rig_.hip_body, rig_.hip_point_B);
    r_(m) = kHipWeight * (p.y() - *t.hip_height);
    if (with_jacobian) times_T(var_begin_, var_coord_, var_ratio_, kHipWeight * kin.point_jacobian(rig_.hip_body, p, 1).row(1), J_.row(m));
    m += 1;
  }
  if (t.trunk_inclination) {
    r_(m) = t.trunk_weight * (kin.y_axis_inclination(rig_.trunk_body) - *t.trunk_inclination);
    if (with_jacobian) {
      // The trunk's y axis turns at −ω_z (planar motion about z): dφ/dq_k = −(J_W)_{2k} over its support.
      J_.row(m).setZero();
      for (int k : model_.support[rig_.trunk_body]) J_.row(m) -= t.trunk_weight * kin.angular_z(k) * T_.row(k);
    }
    m += 1;
  }
  if (t.line) {
    const LineInclinationTarget& l = *t.line;
    if (with_jacobian) {
      const double phi = kin.line_inclination(l, dphi_dv_);
      r_(m) = l.weight * (phi - l.inclination);
      times_T(var_begin_, var_coord_, var_ratio_, l.weight * dphi_dv_, J_.row(m));
    } else {
      r_(m) = l.weight * (kin.line_inclination(l) - l.inclination);
    }
    m += 1;
  }
  {
    // Centre of mass of the body and the held load together: the balance that matters when lifting.
    const double mb = kin.mass(), ml = t.load_mass_kg;
    const double x = (mb * kin.com_x() + ml * hand.x()) / (mb + ml);
    // Smooth one-sided penalty (softplus of width kComSoftness_m) rather than a hinge: a hinge has a
    // zero gradient inside the band, so a Gauss-Newton step that crosses the bound is rejected and
    // the solver stalls on the boundary (as a descent to a chair did); the softplus lets it see the
    // bound coming and slide along it.
    const double d_lo = (t.com_lo - x) / kComSoftness_m, d_hi = (x - t.com_hi) / kComSoftness_m;
    const double excess = kComSoftness_m * (softplus(d_hi) - softplus(d_lo));
    const double slope = logistic(d_hi) + logistic(d_lo);  // d excess / dx
    r_(m) = kComWeight * excess;
    if (with_jacobian) {
      times_T(var_begin_, var_coord_, var_ratio_, (mb * kin.com_jacobian_x() + ml * J_hand->row(0)) / (mb + ml), com_dx_);  // dx/dθ
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
  to_configuration(theta);
  center_of_mass(model_, data_, q_);
  out.com_x = data_.com.x();
  if (rig_.trunk_body >= 0) out.trunk_inclination = trunk_inclination(data_.oMb[rig_.trunk_body]);
  return out;
}

PostureResult PostureSolver::solve(const PostureTargets& t, VecX& theta, const VecX& theta_prev, double tolerance_rad,
                                   double initial_damping) {
  if (planar_) {
    PlanarView kin(*planar_, Jp2_, Jp2_a_, Jp2_b_);
    return solve_with(kin, t, theta, theta_prev, tolerance_rad, initial_damping);
  }
  TreeKinematics kin(model_, data_, Jp_, Jp_a_, Jp_b_);
  return solve_with(kin, t, theta, theta_prev, tolerance_rad, initial_damping);
}

template <class Kinematics>
PostureResult PostureSolver::solve_with(Kinematics& kin, const PostureTargets& t, VecX& theta, const VecX& theta_prev,
                                        double tolerance_rad, double initial_damping) {
  const int n = rig_.nvars();
  auto clamp = [&](VecX& th) {
    for (int k = 0; k < n; ++k) th(k) = std::min(std::max(th(k), rig_.vars[k].lower), rig_.vars[k].upper);
  };
  clamp(theta);
  int m = residuals(kin, t, theta, theta_prev, Evaluation::jacobian);
  bool kinematics_at_theta = true;  // kin holds the positions at theta (not at a trial)
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
      const int mt = residuals(kin, t, trial_, theta_prev, Evaluation::positions);
      kinematics_at_theta = false;
      const double trial_cost = r_.head(mt).squaredNorm();
      if (trial_cost < cost) {
        accepted = true;
        const double gain = cost - trial_cost;
        const double moved = (trial_ - theta).norm();
        theta = trial_;
        cost = trial_cost;
        mu = std::max(mu / 3.0, 1e-9);
        // theta is the trial point just evaluated: kin holds its positions.
        m = residuals(kin, t, theta, theta_prev, Evaluation::jacobian_at_current_positions);
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
      residuals(kin, t, theta, theta_prev, Evaluation::positions);
      kinematics_at_theta = true;
      break;
    }
    if (out.converged) break;
  }
  out.iterations = it + 1;
  out.cost = cost;
  // Report the achieved geometry at the solution. Unless a rejected trial was the last evaluation,
  // kin holds theta's positions already; the centre of mass is then summed again from them, as
  // center_of_mass (multibody/energy.cpp) sums it: body by body, not by subtrees, the same bits.
  to_configuration(theta);
  if (!kinematics_at_theta) kin.positions(q_);
  double mass = 0.0, com_x = 0.0;
  kin.body_sum_center_of_mass(mass, com_x);
  const auto hand = kin.point(rig_.hand_body, rig_.hand_point_B);
  out.com_x = (mass * com_x + t.load_mass_kg * hand.x()) / (mass + t.load_mass_kg);
  if (t.hand) out.hand_error_m = std::hypot(hand.x() - t.hand->x(), hand.y() - t.hand->y());
  if (t.hip_height) out.hip_error_m = std::abs(kin.point(rig_.hip_body, rig_.hip_point_B).y() - *t.hip_height);
  if (rig_.trunk_body >= 0) out.trunk_inclination = kin.y_axis_inclination(rig_.trunk_body);
  return out;
}

}  // namespace dembones
