#include "multibody/model.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "common/error.hpp"

namespace dembones {
namespace {

bool is_unit(const Vec3& a) { return std::abs(a.norm() - 1.0) < 1e-9; }

bool is_rotation(const Mat3& R) {
  return (R.transpose() * R - Mat3::Identity()).norm() < 1e-9 && R.determinant() > 0.0;
}

JointKind kind_of(const Joint& j) {
  switch (j.type) {
    case JointType::kRevolute:
      if (j.axis == Vec3::UnitX()) return JointKind::kRevoluteX;
      if (j.axis == Vec3::UnitY()) return JointKind::kRevoluteY;
      if (j.axis == Vec3::UnitZ()) return JointKind::kRevoluteZ;
      return JointKind::kRevoluteAxis;
    case JointType::kPrismatic: return JointKind::kPrismatic;
    case JointType::kSpherical: return JointKind::kSpherical;
    case JointType::kFree: return JointKind::kFree;
    case JointType::kFixed: return JointKind::kFixed;
    case JointType::kCustom: return JointKind::kCustom;
    case JointType::kCoupled: return JointKind::kCoupled;
  }
  return JointKind::kFixed;
}

}  // namespace

int add_body(Model& model, int parent, const Joint& joint, const SE3& X_parent_joint,
             const SpatialInertia& inertia, std::string name, std::vector<std::string> coordinate_names) {
  const Location where{"", 0, 0, "body '" + name + "'"};
  if (parent < 0 || parent >= model.nbodies) {
    throw InputError(where, "expected a parent body index in [0, " + std::to_string(model.nbodies - 1) +
                                "], got " + std::to_string(parent));
  }
  if (model.find_body(name) >= 0) throw InputError(where, "a body with this name already exists");
  if ((joint.type == JointType::kRevolute || joint.type == JointType::kPrismatic) && !is_unit(joint.axis)) {
    throw InputError(where, "expected a unit joint axis");
  }
  if ((joint.type == JointType::kCustom || joint.type == JointType::kCoupled) &&
      !is_unit(joint.custom.rotation_axis)) {
    throw InputError(where, "expected a unit rotation axis for the custom joint");
  }
  if (joint.type == JointType::kCoupled && joint.driver_coordinate.empty()) {
    throw InputError(where, "expected the name of the driver coordinate of the coupled joint");
  }
  if (!is_rotation(X_parent_joint.rotation) || !X_parent_joint.translation.allFinite()) {
    throw InputError(where, "expected a proper rotation matrix and finite translation for the joint frame");
  }
  if (!(inertia.mass >= 0.0) || !inertia.com.allFinite() || !inertia.inertia_about_com.allFinite() ||
      (inertia.inertia_about_com - inertia.inertia_about_com.transpose()).norm() > 1e-9 *
          (1.0 + inertia.inertia_about_com.norm())) {
    throw InputError(where, "expected mass >= 0 kg and a finite symmetric inertia tensor");
  }
  const int nv_j = joint.nv();
  if (coordinate_names.empty()) {
    for (int k = 0; k < nv_j; ++k) coordinate_names.push_back(fmt::format("{}_q{}", name, k));
  }
  if (static_cast<int>(coordinate_names.size()) != nv_j) {
    throw InputError(where, "expected " + std::to_string(nv_j) + " coordinate names for a " +
                                to_string(joint.type) + " joint, got " +
                                std::to_string(coordinate_names.size()));
  }
  for (const auto& c : coordinate_names) {
    if (model.find_coordinate(c) >= 0) {
      throw InputError(where, "coordinate name '" + c + "' is already used");
    }
  }
  model.parent.push_back(parent);
  model.body_names.push_back(std::move(name));
  model.joints.push_back(joint);
  model.X_parent_joint.push_back(X_parent_joint);
  model.inertia.push_back(inertia);
  model.idx_q.push_back(model.nq);
  model.idx_v.push_back(model.nv);
  model.nq_j.push_back(joint.nq());
  model.nv_j.push_back(nv_j);
  for (auto& c : coordinate_names) model.coordinate_names.push_back(std::move(c));
  model.nq += joint.nq();
  model.nv += nv_j;
  model.finalized = false;
  return model.nbodies++;
}

void finalize(Model& model) {
  const int nb = model.nbodies;
  model.finalized = false;
  model.kind.assign(nb, JointKind::kFixed);
  model.inertia_o.assign(nb, InertiaAtOrigin{});
  model.velocity_body.assign(model.nv, 0);
  model.parent_v.assign(model.nv, -1);
  model.support.assign(nb, {});
  model.children.assign(nb, {});
  model.traits.assign(nb, Model::BodyTraits{});
  for (int i = 1; i < nb; ++i) {
    model.kind[i] = kind_of(model.joints[i]);
    const Mat3& R = model.X_parent_joint[i].rotation;
    const Mat3& J = model.inertia[i].inertia_about_com;
    model.traits[i].joint_rotation_free = R == Mat3::Identity();
    model.traits[i].principal_inertia = J(0, 1) == 0.0 && J(0, 2) == 0.0 && J(1, 2) == 0.0 &&
                                        J(1, 0) == 0.0 && J(2, 0) == 0.0 && J(2, 1) == 0.0;
    model.inertia_o[i] = model.inertia[i].at_origin();
    const int p = model.parent[i];
    model.children[p].push_back(i);
    model.support[i] = model.support[p];
    // λ(k) for the first index of this joint: the last velocity index of the nearest moving ancestor.
    int last_ancestor_v = -1;
    for (int j = p; j > 0; j = model.parent[j]) {
      if (model.nv_j[j] > 0) {
        last_ancestor_v = model.idx_v[j] + model.nv_j[j] - 1;
        break;
      }
    }
    for (int k = 0; k < model.nv_j[i]; ++k) {
      const int vk = model.idx_v[i] + k;
      model.velocity_body[vk] = i;
      model.parent_v[vk] = k == 0 ? last_ancestor_v : vk - 1;
      model.support[i].push_back(vk);
    }
  }
  for (int i = 0; i < nb; ++i) model.traits[i].leaf = model.children[i].empty();
  // Coupled joints: resolve drivers, give each joint its column after the nv velocity columns.
  model.ns = model.nv;
  model.idx_s = model.idx_v;
  model.ns_j = model.nv_j;
  model.driver_v.assign(nb, -1);
  model.driver_q.assign(nb, -1);
  model.coupled_bodies.clear();
  for (int i = 1; i < nb; ++i) {
    const Joint& j = model.joints[i];
    if (j.type != JointType::kCoupled) continue;
    const Location where{"", 0, 0, "body '" + model.body_names[i] + "'"};
    const int d = model.find_coordinate(j.driver_coordinate);
    if (d < 0) {
      throw InputError(where, "driver coordinate '" + j.driver_coordinate + "' of the coupled joint does not exist");
    }
    const int db = model.velocity_body[d];
    if (model.nq_j[db] != 1 || model.nv_j[db] != 1) {
      throw InputError(where, "expected the driver '" + j.driver_coordinate +
                                  "' to be the coordinate of a revolute, prismatic or custom joint, got a " +
                                  to_string(model.joints[db].type) + " joint's");
    }
    model.driver_v[i] = d;
    model.driver_q[i] = model.idx_q[db];
    model.idx_s[i] = model.ns++;
    model.ns_j[i] = 1;
    model.coupled_bodies.push_back(i);
  }
  model.column_v.resize(model.ns);
  for (int s = 0; s < model.nv; ++s) model.column_v[s] = s;
  for (int i : model.coupled_bodies) model.column_v[model.idx_s[i]] = model.driver_v[i];
  // Supports include the drivers of coupled ancestors (bodies are ordered parent-first).
  if (model.has_couplers()) {
    for (int i = 1; i < nb; ++i) {
      std::vector<int>& sup = model.support[i];
      sup = model.support[model.parent[i]];
      for (int k = 0; k < model.nv_j[i]; ++k) sup.push_back(model.idx_v[i] + k);
      if (model.driver_v[i] >= 0) sup.push_back(model.driver_v[i]);
      std::sort(sup.begin(), sup.end());
      sup.erase(std::unique(sup.begin(), sup.end()), sup.end());
    }
  }
  model.finalized = true;
}

int Model::find_body(std::string_view name) const {
  for (int i = 0; i < nbodies; ++i) {
    if (body_names[i] == name) return i;
  }
  return -1;
}

int Model::find_coordinate(std::string_view name) const {
  for (int k = 0; k < static_cast<int>(coordinate_names.size()); ++k) {
    if (coordinate_names[k] == name) return k;
  }
  return -1;
}

double Model::total_mass() const {
  double m = 0.0;
  for (const auto& I : inertia) m += I.mass;
  return m;
}

std::vector<std::string> Model::coordinate_units() const {
  std::vector<bool> translational(static_cast<std::size_t>(nv), false);
  for (int b = 1; b < nbodies; ++b) {
    const JointType type = joints[b].type;
    for (int k = 0; k < nv_j[b]; ++k)
      translational[static_cast<std::size_t>(idx_v[b] + k)] =
          type == JointType::kPrismatic || (type == JointType::kFree && k >= 3);
  }
  // Built by push_back of whole strings: assigning a literal into an element trips GCC 12's
  // -Wrestrict false positive (see 7eb0ea6).
  const std::string rad = "rad", metre = "m";
  std::vector<std::string> units;
  units.reserve(translational.size());
  for (const bool t : translational) units.push_back(t ? metre : rad);
  return units;
}

VecX Model::neutral_configuration() const {
  VecX q = VecX::Zero(nq);
  for (int i = 1; i < nbodies; ++i) {
    if (joints[i].type == JointType::kSpherical) q[idx_q[i]] = 1.0;
    if (joints[i].type == JointType::kFree) q[idx_q[i] + 3] = 1.0;
  }
  return q;
}

}  // namespace dembones
