#include "io/forked_child.hpp"

#include <sys/wait.h>
#include <unistd.h>

namespace dembones {

bool succeeds_in_child(const std::function<bool()>& work) {
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int code = 1;
    try {
      code = work() ? 0 : 1;
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace dembones
