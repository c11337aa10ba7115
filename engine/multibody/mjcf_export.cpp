#include "multibody/mjcf_export.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>

#include "common/error.hpp"

namespace dembones {
namespace {

std::string vec3(const Vec3& v) { return fmt::format("{:.17g} {:.17g} {:.17g}", v.x(), v.y(), v.z()); }

void write_body(const Model& model, int i, int depth, std::string& out) {
  const std::string pad(2 * static_cast<std::size_t>(depth), ' ');
  const SE3& X = model.X_parent_joint[i];
  const Quat r(X.rotation);
  out += fmt::format("{}<body name=\"{}\" pos=\"{}\" quat=\"{:.17g} {:.17g} {:.17g} {:.17g}\">\n", pad,
                     model.body_names[i], vec3(X.translation), r.w(), r.x(), r.y(), r.z());
  const Joint& j = model.joints[i];
  const std::string& name = model.nv_j[i] > 0 ? model.coordinate_names[model.idx_v[i]] : model.body_names[i];
  switch (j.type) {
    case JointType::kRevolute:
      out += fmt::format("{}  <joint name=\"{}\" type=\"hinge\" axis=\"{}\"/>\n", pad, name, vec3(j.axis));
      break;
    case JointType::kPrismatic:
      out += fmt::format("{}  <joint name=\"{}\" type=\"slide\" axis=\"{}\"/>\n", pad, name, vec3(j.axis));
      break;
    case JointType::kSpherical:
      out += fmt::format("{}  <joint name=\"{}\" type=\"ball\"/>\n", pad, name);
      break;
    case JointType::kFree:
      if (model.parent[i] != 0) {
        throw InputError(Location{"", 0, 0, "body '" + model.body_names[i] + "'"},
                         "MuJoCo accepts free joints only on children of the world body");
      }
      out += fmt::format("{}  <freejoint name=\"{}\"/>\n", pad, name);
      break;
    case JointType::kFixed: break;
    case JointType::kCustom:
      throw InputError(Location{"", 0, 0, "body '" + model.body_names[i] + "'"},
                       "custom (function-driven) joints have no MJCF equivalent");
    case JointType::kCoupled:
      // MuJoCo would need an equality constraint, which changes the dynamics (soft constraint).
      throw InputError(Location{"", 0, 0, "body '" + model.body_names[i] + "'"},
                       "coupled joints have no MJCF equivalent");
  }
  // Principal axes computed here (Eigen's symmetric eigensolver, accurate to round-off) and written
  // as quat + diaginertia: MuJoCo's own fullinertia diagonalization stops at a looser tolerance,
  // which would show up as ~1e-11 relative differences.
  const SpatialInertia& I = model.inertia[i];
  Eigen::SelfAdjointEigenSolver<Mat3> eig(I.inertia_about_com);
  Mat3 axes = eig.eigenvectors();
  if (axes.determinant() < 0.0) axes.col(2) = -axes.col(2);
  const Quat qi(axes);
  out += fmt::format("{}  <inertial pos=\"{}\" mass=\"{:.17g}\" quat=\"{:.17g} {:.17g} {:.17g} {:.17g}\" diaginertia=\"{}\"/>\n",
                     pad, vec3(I.com), I.mass, qi.w(), qi.x(), qi.y(), qi.z(), vec3(eig.eigenvalues()));
  for (int c : model.children[i]) write_body(model, c, depth + 1, out);
  out += pad + "</body>\n";
}

}  // namespace

std::string to_mjcf(const Model& model, const std::string& model_name) {
  std::string out = fmt::format("<mujoco model=\"{}\">\n", model_name);
  out += "  <compiler angle=\"radian\" inertiafromgeom=\"false\" boundmass=\"0\" boundinertia=\"0\"/>\n";
  out += fmt::format("  <option gravity=\"{}\" timestep=\"0.001\">\n    <flag contact=\"disable\"/>\n  </option>\n",
                     vec3(model.gravity));
  out += "  <worldbody>\n";
  for (int c : model.children[0]) write_body(model, c, 2, out);
  out += "  </worldbody>\n</mujoco>\n";
  return out;
}

}  // namespace dembones
