#pragma once
// Loads a dembones Model into MuJoCo (through to_mjcf and a temporary file) and maps states and
// generalized forces between the two conventions. Shared by tests/multibody/mujoco_test.cpp and
// bench/multibody (included by relative path). Only compiled when DEMBONES_HAVE_MUJOCO is defined.
#ifdef DEMBONES_HAVE_MUJOCO
#include <mujoco/mujoco.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "multibody/mjcf_export.hpp"
#include "multibody/model.hpp"

namespace dembones::peer {

class MujocoModel {
 public:
  explicit MujocoModel(const Model& model) : model_(model) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("dembones_mjcf_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++) + ".xml");
    {
      std::ofstream f(path);
      f << to_mjcf(model);
    }
    char error[1000] = "";
    m = mj_loadXML(path.c_str(), nullptr, error, sizeof(error));
    std::filesystem::remove(path);
    if (!m) throw std::runtime_error(std::string("mj_loadXML: ") + error);
    d = mj_makeData(m);
    body_id.assign(model.nbodies, 0);
    for (int i = 1; i < model.nbodies; ++i) body_id[i] = mj_name2id(m, mjOBJ_BODY, model.body_names[i].c_str());
  }
  ~MujocoModel() {
    mj_deleteData(d);
    mj_deleteModel(m);
  }
  MujocoModel(const MujocoModel&) = delete;
  MujocoModel& operator=(const MujocoModel&) = delete;

  // Our (q, v, a) -> MuJoCo (qpos, qvel, qacc). Free joints: MuJoCo's qpos is the world pose and
  // qvel = [R_W v_b ; ω_b], so qacc = [R_W (v̇_b + ω_b x v_b) ; ω̇_b].
  void set_state(const VecX& q, const VecX& v, const VecX* a) {
    for (int i = 1; i < model_.nbodies; ++i) {
      if (model_.nv_j[i] == 0) continue;
      const int jnt = m->body_jntadr[body_id[i]];
      const int qa = m->jnt_qposadr[jnt], va = m->jnt_dofadr[jnt];
      const int iq = model_.idx_q[i], iv = model_.idx_v[i];
      if (model_.joints[i].type == JointType::kFree) {
        const SE3& X = model_.X_parent_joint[i];
        const Mat3 R = X.rotation * Quat(q[iq + 3], q[iq + 4], q[iq + 5], q[iq + 6]).normalized().toRotationMatrix();
        const Vec3 p = X.rotation * q.segment<3>(iq) + X.translation;
        const Quat r(R);
        for (int k = 0; k < 3; ++k) d->qpos[qa + k] = p[k];
        d->qpos[qa + 3] = r.w();
        d->qpos[qa + 4] = r.x();
        d->qpos[qa + 5] = r.y();
        d->qpos[qa + 6] = r.z();
        const Vec3 w = v.segment<3>(iv), vb = v.segment<3>(iv + 3);
        const Vec3 lin = R * vb;
        for (int k = 0; k < 3; ++k) {
          d->qvel[va + k] = lin[k];
          d->qvel[va + 3 + k] = w[k];
        }
        if (a) {
          const Vec3 acc = R * ((*a).segment<3>(iv + 3) + w.cross(vb));
          for (int k = 0; k < 3; ++k) {
            d->qacc[va + k] = acc[k];
            d->qacc[va + 3 + k] = (*a)[iv + k];
          }
        }
        free_rotation_ = R;
        continue;
      }
      for (int k = 0; k < model_.nq_j[i]; ++k) d->qpos[qa + k] = q[iq + k];
      for (int k = 0; k < model_.nv_j[i]; ++k) {
        d->qvel[va + k] = v[iv + k];
        if (a) d->qacc[va + k] = (*a)[iv + k];
      }
    }
  }

  // MuJoCo generalized force (dual to qvel) -> ours: τ_ours = T^T τ_mj with qvel = T v.
  VecX force_to_ours(const mjtNum* f) const {
    VecX tau(model_.nv);
    for (int i = 1; i < model_.nbodies; ++i) {
      if (model_.nv_j[i] == 0) continue;
      const int va = m->jnt_dofadr[m->body_jntadr[body_id[i]]];
      const int iv = model_.idx_v[i];
      if (model_.joints[i].type == JointType::kFree) {
        const Vec3 flin(f[va], f[va + 1], f[va + 2]);
        tau.segment<3>(iv) = Vec3(f[va + 3], f[va + 4], f[va + 5]);
        tau.segment<3>(iv + 3) = free_rotation_.transpose() * flin;
        continue;
      }
      for (int k = 0; k < model_.nv_j[i]; ++k) tau[iv + k] = f[va + k];
    }
    return tau;
  }
  // Ours -> MuJoCo qfrc_applied.
  void set_applied_force(const VecX& tau) {
    for (int i = 1; i < model_.nbodies; ++i) {
      if (model_.nv_j[i] == 0) continue;
      const int va = m->jnt_dofadr[m->body_jntadr[body_id[i]]];
      const int iv = model_.idx_v[i];
      if (model_.joints[i].type == JointType::kFree) {
        const Vec3 flin = free_rotation_ * tau.segment<3>(iv + 3);
        for (int k = 0; k < 3; ++k) {
          d->qfrc_applied[va + k] = flin[k];
          d->qfrc_applied[va + 3 + k] = tau[iv + k];
        }
        continue;
      }
      for (int k = 0; k < model_.nv_j[i]; ++k) d->qfrc_applied[va + k] = tau[iv + k];
    }
  }
  // MuJoCo qacc -> our q̈ (after set_state with the same v).
  VecX acceleration_to_ours(const VecX& v) const {
    VecX a(model_.nv);
    for (int i = 1; i < model_.nbodies; ++i) {
      if (model_.nv_j[i] == 0) continue;
      const int va = m->jnt_dofadr[m->body_jntadr[body_id[i]]];
      const int iv = model_.idx_v[i];
      if (model_.joints[i].type == JointType::kFree) {
        const Vec3 acc(d->qacc[va], d->qacc[va + 1], d->qacc[va + 2]);
        const Vec3 w = v.segment<3>(iv), vb = v.segment<3>(iv + 3);
        a.segment<3>(iv) = Vec3(d->qacc[va + 3], d->qacc[va + 4], d->qacc[va + 5]);
        a.segment<3>(iv + 3) = free_rotation_.transpose() * acc - w.cross(vb);
        continue;
      }
      for (int k = 0; k < model_.nv_j[i]; ++k) a[iv + k] = d->qacc[va + k];
    }
    return a;
  }

  mjModel* m = nullptr;
  mjData* d = nullptr;
  std::vector<int> body_id;  // (nbodies) our body -> MuJoCo body id

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  const Model& model_;
  Mat3 free_rotation_ = Mat3::Identity();  // world rotation of the (single) free body at set_state
};

}  // namespace dembones::peer
#endif  // DEMBONES_HAVE_MUJOCO
